#ifndef SER_CPNG_SHIM_H
#define SER_CPNG_SHIM_H
#include <png.h>

// The simplified API's format and version values are macros: re-export them as constants.
static const png_uint_32 SER_PNG_IMAGE_VERSION = PNG_IMAGE_VERSION;
static const png_uint_32 SER_PNG_FORMAT_RGBA = PNG_FORMAT_RGBA;
static const png_uint_32 SER_PNG_FORMAT_RGB = PNG_FORMAT_RGB;
static const png_uint_32 SER_PNG_FORMAT_GRAY = PNG_FORMAT_GRAY;
/// PNG_IMAGE_FLAG_FAST: on write, favour speed over compression (larger files, much faster).
static const png_uint_32 SER_PNG_IMAGE_FLAG_FAST = PNG_IMAGE_FLAG_FAST;

/// PNG_IMAGE_FAILED(image): true when the simplified API reported an error.
static inline int ser_png_image_failed(const png_image *image) {
    return PNG_IMAGE_FAILED(*image);
}
/// PNG_IMAGE_SIZE(image): bytes of a buffer holding the whole image in its format.
static inline size_t ser_png_image_size(const png_image *image) {
    return PNG_IMAGE_SIZE(*image);
}
#endif
