#ifndef SER_DSP_H
#define SER_DSP_H
#include "ser_gemm.h"
// The per-bin loops of feature extraction and the phase vocoder (see dsp.c): compiled for AVX-512, AVX2 and plain
// C and picked at run time like the GEMM's kernel (`ser_gemm_current_kernel`). Each value goes through the same
// IEEE operations in the same order on every kernel (no sums across lanes, no contraction into FMAs except the
// explicit one of the power spectrum, which is correctly rounded everywhere), so every CPU gives the same bits —
// and the same bits as the Swift code they replaced, kept as the tests' reference (Tests/AugmentTests/Reference.swift:
// angle, modulus, sin/cos; AngleTests: a vocoder step; Tests/FeaturesTests/PowerSpectrumTests.swift).

/// out[k] = h · h with h = sqrtf(fmaf(r, r, 1)) · larger, r = smaller / larger (smaller / 1 when larger is 0) of the
/// magnitudes of spectrum[2k] and spectrum[2k + 1]: NumPy's `np.abs(D) ** 2` for complex64, for `bins` interleaved
/// (re, im) values.
void ser_power_spectrum(long bins, const float *spectrum, float *out);

/// For `bins` interleaved (re, im) values: magnitude[k] = (float)sqrt(re² + im²) and angle[k] = atan2(im, re), both
/// evaluated in double precision and rounded once (the phase vocoder's analysis; dsp.c's `angle_of` documents the
/// angle's reduction and polynomial).
void ser_polar(long bins, const float *spectrum, float *magnitude, float *angle);

/// One output frame of librosa's phase vocoder, bins k < `bins`: with m = (1 − alpha)·m0[k] + alpha·m1[k] and
/// (s, c) = sincos(phase[k]) (double precision, rounded to float; libm's sinf and cosf for |phase| ≥ 1.6e6, beyond
/// the reduction's range), re[k] = c·m and im[k] = s·m; then
/// phase[k] += advance[k] + the deviation (a1[k] − a0[k]) − advance[k] wrapped to [−π, π] (float32 accumulator).
void ser_vocoder_step(long bins, double alpha, const float *m0, const float *m1, const float *a0, const float *a1,
                      const double *advance, float *phase, float *re, float *im);

/// The same with the given kernel (or the best one the CPU has, when it lacks that one): for tests.
void ser_power_spectrum_with(ser_gemm_kernel kernel, long bins, const float *spectrum, float *out);
void ser_polar_with(ser_gemm_kernel kernel, long bins, const float *spectrum, float *magnitude, float *angle);
void ser_vocoder_step_with(ser_gemm_kernel kernel, long bins, double alpha, const float *m0, const float *m1,
                           const float *a0, const float *a1, const double *advance, float *phase, float *re, float *im);

#endif
