// The per-bin loops of feature extraction and the phase vocoder (ser_dsp.h), compiled three times — for AVX-512,
// for AVX2 + FMA and in plain C — and picked at run time like the GEMM's kernel. Each is, element by element, the
// Swift code it replaced, operation for operation, which the tests keep as their reference:
//
// - the power spectrum: NumPy's complex64 `abs`, squared (`PowerSpectrumTests.reference`), whose one fused
//   multiply-add is explicit here too (an FMA instruction on AVX2 and AVX-512, libm's `fmaf` in plain C; both
//   correctly rounded);
// - the analysis: the modulus and the angle (`modulus`, `phaseAngle` in Tests/AugmentTests/Reference.swift);
// - a phase-vocoder step: the body of the `stretchedFrames` loop with `sinCos` (AngleTests'
//   `vocoderStepGivesTheReferenceBits`).
//
// Nothing is summed across lanes and nothing else is contracted (FP_CONTRACT OFF), so the vector width changes no
// bit. Swift compiles for baseline x86-64 (SSE2, no FMA instruction), so these loops ran two doubles at a time and
// called `fmaf` through the PLT; here the same operations run four or eight at a time.

#pragma STDC FP_CONTRACT OFF

#include "ser_dsp.h"
#include "ser_gemm.h"

#include <math.h>
#include <string.h>

/// x rounded to the nearest integer, ties to even, for |x| < 2^51: adding and subtracting 1.5 · 2^52 leaves no
/// fraction bits, so the hardware's round-to-nearest-even does the rounding.
static inline __attribute__((always_inline)) double round_even(double x) {
    const double magic = 6755399441055744.0;
    return (x + magic) - magic;
}

static inline __attribute__((always_inline)) float power_of(float re, float im) {
    float a = fabsf(re), b = fabsf(im);
    float larger = a > b ? a : b, smaller = a > b ? b : a;
    float ratio = smaller / (larger == 0.0f ? 1.0f : larger);
    float h = __builtin_elementwise_sqrt(__builtin_elementwise_fma(ratio, ratio, 1.0f)) * larger;
    return h * h;
}

/// |x + iy| in double precision, rounded once (numpy's `abs` on complex64, i.e. `hypotf`).
static inline __attribute__((always_inline)) float modulus_of(float x, float y) {
    double dx = x, dy = y;
    return (float)__builtin_elementwise_sqrt(dx * dx + dy * dy);
}

/// The angle of x + iy in (−π, π] (numpy's `arctan2` on complex64), in double precision and rounded once: range
/// reduction to |a| ≤ tan(π/8) (`a = min/max`, then `(a − 1)/(a + 1)` with π/4 added above tan(π/8)) and a
/// degree-6 polynomial in a² (relative error < 1e-10, fitted on Chebyshev nodes), so the correctly rounded float
/// except in rare ties, within one ulp of libm's `atan2f`; signs of zeros as `atan2`. The Swift reference's
/// conditionals are selects here: its max(a, b) is `b >= a ? b : a`, its min(a, b) `b < a ? b : a`.
static inline __attribute__((always_inline)) float angle_of(float y, float x) {
    double ax = fabsf(x), ay = fabsf(y);
    double big = ay >= ax ? ay : ax, small = ay < ax ? ay : ax;
    int reduce = small > 0.41421356237309503 * big;
    double numerator = reduce ? small - big : small;
    double denominator = reduce ? small + big : big;
    double quotient = numerator / denominator;
    double a = big == 0 ? 0.0 : quotient;
    double z = a * a;
    double z2 = z * z;
    double p01 = -0.33333333281082594 + 0.19999977784351797 * z;
    double p23 = -0.14284175492714038 + 0.11071759151906228 * z;
    double p45 = -0.086272895069087294 + 0.050542097082776981 * z;
    double p = p01 + z2 * (p23 + z2 * p45);
    double r = (reduce ? M_PI / 4 : 0.0) + (a + a * z * p);
    r = ay > ax ? M_PI / 2 - r : r;
    r = signbit(x) ? M_PI - r : r;
    return (float)copysign(r, (double)y);
}

/// sin and cos of a float phase for |p| < 1.6e6, in double precision and rounded once (within one float ulp of
/// libm's): Cody–Waite reduction by π/2 (fdlibm's two-part constant, exact for |p| < 2²⁰·π/2) and Taylor polynomials
/// on [−π/4, π/4] (truncation error < 2e-10), Horner step by step; the quadrant n = q mod 4 from q exactly (q/4 − 3/8
/// rounds to ⌊q/4⌋ for every integer q).
static inline __attribute__((always_inline)) void sincos_of(float phase, float *sine, float *cosine) {
    double x = phase;
    double q = round_even(x * 0.63661977236758134);
    double r = (x - q * 1.57079632673412561417) - q * 6.07710050650619224932e-11;
    double r2 = r * r;
    double ps = 1.0 / 362880 - r2 / 39916800;
    ps = -1.0 / 5040 + r2 * ps;
    ps = 1.0 / 120 + r2 * ps;
    ps = -1.0 / 6 + r2 * ps;
    double s = r + r * r2 * ps;
    double pc = 1.0 / 40320 - r2 / 3628800;
    pc = -1.0 / 720 + r2 * pc;
    pc = 1.0 / 24 + r2 * pc;
    pc = -0.5 + r2 * pc;
    double c = 1 + r2 * pc;
    double n = q - 4 * round_even(q * 0.25 - 0.375);
    int odd = n == 1 || n == 3;
    double sv = odd ? c : s, cv = odd ? s : c;
    double sine_sign = n >= 2 ? -1.0 : 1.0;
    double cosine_sign = (n == 1 || n == 2) ? -1.0 : 1.0;
    *sine = (float)(sine_sign * sv);
    *cosine = (float)(cosine_sign * cv);
}

/// One bin of a phase-vocoder step, with the polynomial's sin and cos (for |phase| < 1.6e6; see `redo_beyond`).
static inline __attribute__((always_inline)) void vocoder_bin(long k, double alpha, const float *restrict m0,
                                                              const float *restrict m1, const float *restrict a0,
                                                              const float *restrict a1, const double *restrict advance,
                                                              float *restrict phase, float *restrict re,
                                                              float *restrict im) {
    const double two_pi = 2 * M_PI;
    double m = (1 - alpha) * (double)m0[k] + alpha * (double)m1[k];
    float p = phase[k];
    float s, c;
    sincos_of(p, &s, &c);
    re[k] = (float)((double)c * m);
    im[k] = (float)((double)s * m);
    double a = advance[k];
    double dphase = (double)(a1[k] - a0[k]) - a;
    dphase -= two_pi * round_even(dphase / two_pi);
    phase[k] = (float)((double)p + (a + dphase));
}

/// Bin k's re and im again, from its phase p before the step, with libm's sinf and cosf: the reduction's range ends
/// at |p| = 1.6e6 (and NaN is beyond it). The phase update does not depend on them.
static inline void redo_beyond(long k, float p, double alpha, const float *m0, const float *m1, float *re, float *im) {
    double m = (1 - alpha) * (double)m0[k] + alpha * (double)m1[k];
    re[k] = (float)((double)cosf(p) * m);
    im[k] = (float)((double)sinf(p) * m);
}

/// Bins per pass of a vocoder step: the phases of a pass are saved when one of them is beyond the reduction's range.
#define VOCODER_CHUNK 1024

#define DEFINE_DSP(SUFFIX, ATTRIBUTES)                                                                                \
    ATTRIBUTES static void power_spectrum_##SUFFIX(long bins, const float *restrict spectrum, float *restrict out) { \
        for (long k = 0; k < bins; k++) out[k] = power_of(spectrum[2 * k], spectrum[2 * k + 1]);                     \
    }                                                                                                                 \
    ATTRIBUTES static void polar_##SUFFIX(long bins, const float *restrict spectrum, float *restrict magnitude,      \
                                          float *restrict angle) {                                                    \
        for (long k = 0; k < bins; k++) {                                                                             \
            float x = spectrum[2 * k], y = spectrum[2 * k + 1];                                                       \
            magnitude[k] = modulus_of(x, y);                                                                          \
            angle[k] = angle_of(y, x);                                                                                \
        }                                                                                                             \
    }                                                                                                                 \
    ATTRIBUTES static void vocoder_step_##SUFFIX(long bins, double alpha, const float *restrict m0,                  \
                                                 const float *restrict m1, const float *restrict a0,                  \
                                                 const float *restrict a1, const double *restrict advance,            \
                                                 float *restrict phase, float *restrict re, float *restrict im) {     \
        /* Every bin through the vector loop; bins whose phase was beyond the polynomial's range then get re and im \
           again from libm (a long signal's high bins pass 1.6e6 rad after about a thousand steps). */               \
        for (long k0 = 0; k0 < bins; k0 += VOCODER_CHUNK) {                                                          \
            long n = bins - k0 < VOCODER_CHUNK ? bins - k0 : VOCODER_CHUNK;                                          \
            int beyond = 0;                                                                                           \
            for (long k = k0; k < k0 + n; k++) beyond |= !(fabs((double)phase[k]) < 1.6e6);                          \
            float saved[VOCODER_CHUNK];                                                                               \
            if (beyond) memcpy(saved, phase + k0, (size_t)n * sizeof(float));                                        \
            for (long k = k0; k < k0 + n; k++) vocoder_bin(k, alpha, m0, m1, a0, a1, advance, phase, re, im);       \
            if (beyond)                                                                                               \
                for (long k = 0; k < n; k++)                                                                          \
                    if (!(fabs((double)saved[k]) < 1.6e6)) redo_beyond(k0 + k, saved[k], alpha, m0, m1, re, im);    \
        }                                                                                                             \
    }

DEFINE_DSP(generic, )
#if defined(__x86_64__)
DEFINE_DSP(avx2, __attribute__((target("avx2,fma"))))
DEFINE_DSP(avx512, __attribute__((target("avx512f"))))
#define DISPATCH(KERNEL, NAME, ...)                                                                                   \
    switch (KERNEL) {                                                                                                 \
    case SER_GEMM_AVX512: NAME##_avx512(__VA_ARGS__); return;                                                         \
    case SER_GEMM_AVX2: NAME##_avx2(__VA_ARGS__); return;                                                             \
    default: NAME##_generic(__VA_ARGS__); return;                                                                     \
    }
#else
#define DISPATCH(KERNEL, NAME, ...)                                                                                   \
    (void)(KERNEL);                                                                                                   \
    NAME##_generic(__VA_ARGS__);                                                                                      \
    return;
#endif

void ser_power_spectrum_with(ser_gemm_kernel kernel, long bins, const float *spectrum, float *out) {
    DISPATCH(ser_gemm_runnable_kernel(kernel), power_spectrum, bins, spectrum, out)
}

void ser_polar_with(ser_gemm_kernel kernel, long bins, const float *spectrum, float *magnitude, float *angle) {
    DISPATCH(ser_gemm_runnable_kernel(kernel), polar, bins, spectrum, magnitude, angle)
}

void ser_vocoder_step_with(ser_gemm_kernel kernel, long bins, double alpha, const float *m0, const float *m1,
                           const float *a0, const float *a1, const double *advance, float *phase, float *re, float *im) {
    DISPATCH(ser_gemm_runnable_kernel(kernel), vocoder_step, bins, alpha, m0, m1, a0, a1, advance, phase, re, im)
}

void ser_power_spectrum(long bins, const float *spectrum, float *out) {
    DISPATCH(ser_gemm_current_kernel(), power_spectrum, bins, spectrum, out)
}

void ser_polar(long bins, const float *spectrum, float *magnitude, float *angle) {
    DISPATCH(ser_gemm_current_kernel(), polar, bins, spectrum, magnitude, angle)
}

void ser_vocoder_step(long bins, double alpha, const float *m0, const float *m1, const float *a0, const float *a1,
                      const double *advance, float *phase, float *re, float *im) {
    DISPATCH(ser_gemm_current_kernel(), vocoder_step, bins, alpha, m0, m1, a0, a1, advance, phase, re, im)
}
