// The per-bin loops of feature extraction and the phase vocoder (ser_dsp.h), compiled three times — for AVX-512,
// for AVX2 + FMA and in plain C — and picked at run time like the GEMM's kernel. Each is the element-wise
// transliteration of the Swift function it replaces, operation for operation:
//
// - the power spectrum: Features' `powerSpectrum` (NumPy's complex64 `abs`, squared), whose one fused
//   multiply-add is explicit here too (an FMA instruction on AVX2 and AVX-512, libm's `fmaf` in plain C; both
//   correctly rounded);
// - the analysis: Augment's `modulus` and `phaseAngle` (Angle.swift documents the reduction and the polynomial);
// - a phase-vocoder step: Augment's `PhaseVocoder.Analysis.stretchedFrames` loop body with `sinCos`.
//
// Nothing is summed across lanes and nothing else is contracted (FP_CONTRACT OFF), so the vector width changes no
// bit. Swift compiles for baseline x86-64 (SSE2, no FMA instruction), so these loops ran two doubles at a time and
// called `fmaf` through the PLT; here the same operations run four or eight at a time.

#pragma STDC FP_CONTRACT OFF

#include "ser_dsp.h"
#include "ser_gemm.h"

#include <math.h>

/// x rounded to the nearest integer, ties to even, for |x| < 2^51 (Augment's `roundToEven`).
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

/// Augment's `modulus`: |x + iy| in double precision, rounded once.
static inline __attribute__((always_inline)) float modulus_of(float x, float y) {
    double dx = x, dy = y;
    return (float)__builtin_elementwise_sqrt(dx * dx + dy * dy);
}

/// Augment's `phaseAngle(y, x)`, with its conditionals as selects: Swift's max(a, b) is `b >= a ? b : a`, its
/// min(a, b) `b < a ? b : a`.
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

/// Augment's `sinCos` for |p| < 1.6e6: Cody–Waite reduction by π/2 and the Taylor polynomials, Horner step by
/// step; the quadrant n = q mod 4 from q exactly (q/4 − 3/8 rounds to ⌊q/4⌋ for every integer q).
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

/// One bin of a phase-vocoder step; `careful` takes libm's sinf and cosf for phases beyond the reduction's range.
static inline __attribute__((always_inline)) void vocoder_bin(long k, double alpha, const float *restrict m0,
                                                              const float *restrict m1, const float *restrict a0,
                                                              const float *restrict a1, const double *restrict advance,
                                                              float *restrict phase, float *restrict re,
                                                              float *restrict im, int careful) {
    const double two_pi = 2 * M_PI;
    double m = (1 - alpha) * (double)m0[k] + alpha * (double)m1[k];
    float p = phase[k];
    float s, c;
    if (careful && !(fabs((double)p) < 1.6e6)) {
        s = sinf(p);
        c = cosf(p);
    } else {
        sincos_of(p, &s, &c);
    }
    re[k] = (float)((double)c * m);
    im[k] = (float)((double)s * m);
    double a = advance[k];
    double dphase = (double)(a1[k] - a0[k]) - a;
    dphase -= two_pi * round_even(dphase / two_pi);
    phase[k] = (float)((double)p + (a + dphase));
}

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
        int beyond = 0;                                                                                               \
        for (long k = 0; k < bins; k++) beyond |= !(fabs((double)phase[k]) < 1.6e6);                                 \
        if (beyond) {                                                                                                 \
            for (long k = 0; k < bins; k++) vocoder_bin(k, alpha, m0, m1, a0, a1, advance, phase, re, im, 1);       \
        } else {                                                                                                      \
            for (long k = 0; k < bins; k++) vocoder_bin(k, alpha, m0, m1, a0, a1, advance, phase, re, im, 0);       \
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
#define DISPATCH(KERNEL, NAME, ...) NAME##_generic(__VA_ARGS__)
#endif

/// The wanted kernel, or the best one this CPU has when it lacks that one.
static ser_gemm_kernel runnable(ser_gemm_kernel kernel) {
    ser_gemm_kernel best = ser_gemm_best_kernel();
    return kernel < best ? kernel : best;
}

void ser_power_spectrum_with(ser_gemm_kernel kernel, long bins, const float *spectrum, float *out) {
    DISPATCH(runnable(kernel), power_spectrum, bins, spectrum, out)
}

void ser_polar_with(ser_gemm_kernel kernel, long bins, const float *spectrum, float *magnitude, float *angle) {
    DISPATCH(runnable(kernel), polar, bins, spectrum, magnitude, angle)
}

void ser_vocoder_step_with(ser_gemm_kernel kernel, long bins, double alpha, const float *m0, const float *m1,
                           const float *a0, const float *a1, const double *advance, float *phase, float *re, float *im) {
    DISPATCH(runnable(kernel), vocoder_step, bins, alpha, m0, m1, a0, a1, advance, phase, re, im)
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
