#ifndef SER_CFFTW_SHIM_H
#define SER_CFFTW_SHIM_H
#include <fftw3.h>

// FFTW's planner flags are macros built from shifts (FFTW_ESTIMATE = 1U << 6): Swift imports some of them,
// not all; re-export the ones ser uses as constants.
static const unsigned SER_FFTW_ESTIMATE = FFTW_ESTIMATE;
static const unsigned SER_FFTW_MEASURE = FFTW_MEASURE;
static const unsigned SER_FFTW_PATIENT = FFTW_PATIENT;
static const unsigned SER_FFTW_PRESERVE_INPUT = FFTW_PRESERVE_INPUT;
static const unsigned SER_FFTW_DESTROY_INPUT = FFTW_DESTROY_INPUT;
static const int SER_FFTW_FORWARD = FFTW_FORWARD;
static const int SER_FFTW_BACKWARD = FFTW_BACKWARD;
#endif
