#ifndef SER_CSNDFILE_SHIM_H
#define SER_CSNDFILE_SHIM_H
#include <sndfile.h>

// sf_command takes a void* and an int; fine for Swift. The format constants are enum values and import
// directly. Nothing variadic here, but keep one place for what Swift cannot see.

/// SFC_SET_NORM_FLOAT etc. are enum members; wrap the common "set clipping" call for clarity.
static inline int ser_sf_set_clipping(SNDFILE *file, int on) {
    return sf_command(file, SFC_SET_CLIPPING, NULL, on ? SF_TRUE : SF_FALSE);
}
#endif
