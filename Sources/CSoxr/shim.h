#ifndef SER_CSOXR_SHIM_H
#define SER_CSOXR_SHIM_H
#include <soxr.h>

// soxr's quality recipes and data types are macros: re-export them as constants.
static const unsigned long SER_SOXR_QQ = SOXR_QQ;
static const unsigned long SER_SOXR_LQ = SOXR_LQ;
static const unsigned long SER_SOXR_MQ = SOXR_MQ;
static const unsigned long SER_SOXR_HQ = SOXR_HQ;
static const unsigned long SER_SOXR_VHQ = SOXR_VHQ;

/// soxr_quality_spec(SOXR_HQ, 0): the recipe python-soxr uses for quality='HQ' (librosa.load's default res_type 'soxr_hq').
static inline soxr_quality_spec_t ser_soxr_quality(unsigned long recipe, unsigned long flags) {
    return soxr_quality_spec(recipe, flags);
}

/// soxr_io_spec for mono float32 in and out.
static inline soxr_io_spec_t ser_soxr_io_float32(void) {
    return soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
}
#endif
