// Adam's update (ser_adam, ser_kernels.h): every element goes through the float operations of `adam_generic`, in
// that order, with no contraction, on every CPU.
//
// Subnormal floats. A weight whose gradient stays 0 (a ReLU unit that no longer fires) sees its first moment m
// shrink by (1 − β1) every step, into the subnormal range, where it stops: (−m)·0.1 rounds to 0 once m is a few
// times the smallest subnormal. On this Intel CPU a vector instruction that reads or makes a subnormal float takes
// a microcode assist, so after a few hundred steps most of Adam's vectors paid several: in `ser train` on 4540
// rows (Intel Xeon model 207, AVX-512), Adam grew from 0.3 % of an epoch's CPU to about 25 %, 0.3 → 2.3 ms per
// step, with 27 % of m subnormal; flushing subnormals to zero (FTZ/DAZ) kept it at 0.4 ms but changes the
// weights. So the AVX-512 and AVX2 kernels find such lanes first (integer tests on the bit patterns) and compute
// them without a subnormal float operation, to the same bits (see "stuck" below); Tests/LearnTests/AdamTests.swift
// checks every kernel against the float formula on subnormal, tiny, zero, huge, infinite and NaN inputs.

#pragma STDC FP_CONTRACT OFF

#include "ser_gemm.h"
#include "ser_kernels.h"
#include "passes.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

static void adam_generic(long count, float *w, float *m, float *v, const float *g, float c1, float c2, float alpha,
                         float eps) {
    for (long i = 0; i < count; i++) {
        float gi = g[i];
        float mi = m[i] + (gi - m[i]) * c1;
        float vi = v[i] + (gi * gi - v[i]) * c2;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i] - (mi * alpha) / (sqrtf(vi) + eps);
    }
}

#if defined(__x86_64__)

// A vector without subnormal inputs takes the float operations (a result that underflows on the way pays its
// assist, once: the next step it is an input). A vector whose only subnormal inputs are first moments stuck under
// a zero gradient takes them too, with those lanes' m read as +0, and gets their m and m·alpha from integers:
// for m = ±k·2^-149 (0 < k < 2^23) and g = ±0, g − m = −m; (−m)·c1 rounds to ∓r·2^-149 with r = k·c1 rounded to the
// nearest integer, ties to even (k·c1 is exact in double: 23 + 24 bits); m + that = ±(k − r)·2^-149, exactly, or
// +0 when r = k; and m·alpha = ±r_a·2^-149, r_a = (k − r)·alpha rounded the same way. While r_a is 0 (m stuck)
// those lanes divide a zero of m's sign by sqrt(v) + eps and take it from w as the formula does; the AVX-512 kernel
// also takes the lanes whose r_a is not yet 0 (m still shrinking), doing the quotient and the difference from w in
// double, each rounded to float (53 ≥ 2·24 + 2 bits: the same as one float operation), the AVX2 kernel sends those
// vectors through `adam_generic`, as both do for any other subnormal input (g, v or w).

#define MANTISSA 0x007FFFFF
#define EXPONENT 0x7F800000

// MARK: AVX-512

__attribute__((target("avx512f"))) static inline __mmask16 subnormal_512(__m512i bits) {
    return _mm512_test_epi32_mask(bits, _mm512_set1_epi32(MANTISSA)) &
           ~_mm512_test_epi32_mask(bits, _mm512_set1_epi32(EXPONENT));
}

/// Rounds each double to the nearest float (ties to even), keeping it a double; in the subnormal range through an
/// integer rounding, so that no float operation makes a subnormal.
__attribute__((target("avx512f"))) static inline __m512d round_512(__m512d x) {
    __mmask8 tiny = _mm512_cmp_pd_mask(_mm512_abs_pd(x), _mm512_set1_pd(0x1p-126), _CMP_LT_OQ);
    __m512d normal = _mm512_cvtps_pd(_mm512_cvtpd_ps(_mm512_mask_blend_pd(tiny, x, _mm512_setzero_pd())));
    if (!tiny) return normal;
    __m512d small = _mm512_mul_pd(_mm512_roundscale_pd(_mm512_mul_pd(x, _mm512_set1_pd(0x1p149)),
                                                       _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC),
                                  _mm512_set1_pd(0x1p-149));
    return _mm512_mask_blend_pd(tiny, normal, small);
}

/// Doubles that hold float values → their float bit patterns; subnormals through integers.
__attribute__((target("avx512f"))) static inline __m256i float_bits_512(__m512d x) {
    __mmask8 tiny = _mm512_cmp_pd_mask(_mm512_abs_pd(x), _mm512_set1_pd(0x1p-126), _CMP_LT_OQ);
    __m256i normal = _mm256_castps_si256(_mm512_cvtpd_ps(_mm512_mask_blend_pd(tiny, x, _mm512_setzero_pd())));
    if (!tiny) return normal;
    __m512d tx = _mm512_maskz_mov_pd(tiny, x);
    __m256i mantissa = _mm512_cvttpd_epi32(_mm512_mul_pd(_mm512_abs_pd(tx), _mm512_set1_pd(0x1p149)));
    __m256i sign = _mm512_cvtepi64_epi32(_mm512_srli_epi64(_mm512_castpd_si512(tx), 32));
    sign = _mm256_and_si256(sign, _mm256_set1_epi32((int)0x80000000u));
    return _mm256_or_si256(normal, _mm256_or_si256(mantissa, sign));
}

/// For 8 lanes of first moments m = ±k·2^-149 under a zero gradient (k: their integer mantissas): their new m,
/// ±(k − r)·2^-149 or +0, and m·alpha = ±r_a·2^-149 as a double, r_a = (k − r)·alpha rounded to an integer (an
/// exact product in double, one rounding), with the mask of the lanes where r_a is not 0.
__attribute__((target("avx512f"))) static inline __m256i stuck_moments_512(__m256i k, __m256i sign, __m512d c1,
                                                                           __m512d alpha, __m512d *product,
                                                                           __mmask8 *nonzero_product) {
    __m512d r = _mm512_roundscale_pd(_mm512_mul_pd(_mm512_cvtepi32_pd(k), c1), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256i left = _mm256_sub_epi32(k, _mm512_cvtpd_epi32(r));
    // ±(k − r)·2^-149, or +0 (a sum of opposites).
    __m256i m_out = _mm256_andnot_si256(_mm256_cmpeq_epi32(left, _mm256_setzero_si256()), _mm256_or_si256(sign, left));
    __m512d a = _mm512_roundscale_pd(_mm512_mul_pd(_mm512_cvtepi32_pd(left), alpha), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    *nonzero_product = _mm512_cmp_pd_mask(a, _mm512_setzero_pd(), _CMP_NEQ_OQ);
    // The product's sign is m's (a zero's too).
    __m512i m_sign = _mm512_slli_epi64(_mm512_cvtepu32_epi64(_mm256_and_si256(m_out, _mm256_set1_epi32((int)0x80000000u))), 32);
    *product = _mm512_castsi512_pd(_mm512_or_si512(_mm512_castpd_si512(_mm512_mul_pd(a, _mm512_set1_pd(0x1p-149))), m_sign));
    return m_out;
}

/// w − a / d for 8 lanes whose a (a double holding a float) is a subnormal: the quotient and the difference in
/// double, each rounded to float (53 ≥ 2·24 + 2 bits: the same as one float operation each).
__attribute__((target("avx512f"))) static inline __m256i shrinking_weights_512(__m512d a, __m256 w, __m256 d) {
    __m512d q = round_512(_mm512_div_pd(a, _mm512_cvtps_pd(d)));
    return float_bits_512(round_512(_mm512_sub_pd(_mm512_cvtps_pd(w), q)));
}

__attribute__((target("avx512f"))) static void adam_avx512(long count, float *w, float *m, float *v, const float *g,
                                                           float c1, float c2, float alpha, float eps) {
    __m512 c1v = _mm512_set1_ps(c1), c2v = _mm512_set1_ps(c2), av = _mm512_set1_ps(alpha), ev = _mm512_set1_ps(eps);
    __m512d c1d = _mm512_set1_pd(c1), ad = _mm512_set1_pd(alpha);
    // k·c1 and (k − r)·alpha must stay below 2^23 (and be exact): 0 < c1 ≤ 1, 0 ≤ alpha < 1.
    int stuck_allowed = c1 > 0.0f && c1 <= 1.0f && alpha >= 0.0f && alpha < 1.0f;
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512i gb = _mm512_loadu_si512(g + i), mb = _mm512_loadu_si512(m + i), vb = _mm512_loadu_si512(v + i),
                wb = _mm512_loadu_si512(w + i);
        __mmask16 stuck = subnormal_512(mb);
        if (subnormal_512(gb) | subnormal_512(vb) | subnormal_512(wb) ||
            (stuck && (!stuck_allowed || (stuck & ~_mm512_testn_epi32_mask(gb, _mm512_set1_epi32(0x7FFFFFFF)))))) {
            adam_generic(16, w + i, m + i, v + i, g + i, c1, c2, alpha, eps);
            continue;
        }
        __m512 gi = _mm512_castsi512_ps(gb), mi = _mm512_castsi512_ps(mb), vi = _mm512_castsi512_ps(vb);
        if (!stuck) {
            mi = _mm512_add_ps(mi, _mm512_mul_ps(_mm512_sub_ps(gi, mi), c1v));
            vi = _mm512_add_ps(vi, _mm512_mul_ps(_mm512_sub_ps(_mm512_mul_ps(gi, gi), vi), c2v));
            _mm512_storeu_ps(m + i, mi);
            _mm512_storeu_ps(v + i, vi);
            __m512 step = _mm512_div_ps(_mm512_mul_ps(mi, av), _mm512_add_ps(_mm512_sqrt_ps(vi), ev));
            _mm512_storeu_ps(w + i, _mm512_sub_ps(_mm512_castsi512_ps(wb), step));
            continue;
        }
        // Stuck lanes: m and m·alpha from integers; the float operations see m as +0 and m·alpha as a zero of
        // m's sign (right while r_a is 0; the other lanes' w is redone in double below).
        __m512i k = _mm512_and_si512(mb, _mm512_set1_epi32(MANTISSA)), sign = _mm512_and_si512(mb, _mm512_set1_epi32((int)0x80000000u));
        __m512d a_low, a_high;
        __mmask8 nonzero_low, nonzero_high;
        __m256i m_low = stuck_moments_512(_mm512_castsi512_si256(k), _mm512_castsi512_si256(sign), c1d, ad, &a_low, &nonzero_low);
        __m256i m_high = stuck_moments_512(_mm512_extracti64x4_epi64(k, 1), _mm512_extracti64x4_epi64(sign, 1), c1d, ad, &a_high,
                                           &nonzero_high);
        __m512i m_stuck = _mm512_inserti64x4(_mm512_castsi256_si512(m_low), m_high, 1);
        mi = _mm512_castsi512_ps(_mm512_mask_blend_epi32(stuck, mb, _mm512_setzero_si512()));
        mi = _mm512_add_ps(mi, _mm512_mul_ps(_mm512_sub_ps(gi, mi), c1v));
        vi = _mm512_add_ps(vi, _mm512_mul_ps(_mm512_sub_ps(_mm512_mul_ps(gi, gi), vi), c2v));
        __m512 a = _mm512_mask_blend_ps(stuck, _mm512_mul_ps(mi, av),
                                        _mm512_castsi512_ps(_mm512_and_si512(m_stuck, _mm512_set1_epi32((int)0x80000000u))));
        __m512 d = _mm512_add_ps(_mm512_sqrt_ps(vi), ev);
        __m512 wo = _mm512_sub_ps(_mm512_castsi512_ps(wb), _mm512_div_ps(a, d));
        __mmask16 shrinking = stuck & (__mmask16)(nonzero_low | (nonzero_high << 8));
        if (shrinking) {
            __m512i d_bits = _mm512_castps_si512(d);
            __m256i w_low = shrinking_weights_512(a_low, _mm512_castps512_ps256(_mm512_castsi512_ps(wb)),
                                                  _mm512_castps512_ps256(d));
            __m256i w_high = shrinking_weights_512(a_high, _mm256_castsi256_ps(_mm512_extracti64x4_epi64(wb, 1)),
                                                   _mm256_castsi256_ps(_mm512_extracti64x4_epi64(d_bits, 1)));
            wo = _mm512_mask_blend_ps(shrinking, wo, _mm512_castsi512_ps(_mm512_inserti64x4(_mm512_castsi256_si512(w_low), w_high, 1)));
        }
        _mm512_storeu_ps(m + i, _mm512_mask_blend_ps(stuck, mi, _mm512_castsi512_ps(m_stuck)));
        _mm512_storeu_ps(v + i, vi);
        _mm512_storeu_ps(w + i, wo);
    }
    adam_generic(count - i, w + i, m + i, v + i, g + i, c1, c2, alpha, eps);
}

// MARK: AVX2

/// All-ones lanes that hold a subnormal.
__attribute__((target("avx2"))) static inline __m256i subnormal_256(__m256i bits) {
    __m256i zero = _mm256_setzero_si256();
    __m256i no_exponent = _mm256_cmpeq_epi32(_mm256_and_si256(bits, _mm256_set1_epi32(EXPONENT)), zero);
    __m256i no_mantissa = _mm256_cmpeq_epi32(_mm256_and_si256(bits, _mm256_set1_epi32(MANTISSA)), zero);
    return _mm256_andnot_si256(no_mantissa, no_exponent);
}

/// (k − r) of 4 first moments' integer mantissas k, and all-ones lanes where (k − r)·alpha ≤ 1/2.
__attribute__((target("avx2"))) static inline __m128i stuck_mantissas_256(__m128i k, __m256d c1, __m256d alpha,
                                                                          __m128i *zero_product) {
    __m256d r = _mm256_round_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(k), c1), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m128i left = _mm_sub_epi32(k, _mm256_cvtpd_epi32(r));
    __m256d ok = _mm256_cmp_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(left), alpha), _mm256_set1_pd(0.5), _CMP_LE_OQ);
    // The low 32 bits of each 64-bit mask lane, packed.
    *zero_product = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(_mm256_castpd_si256(ok), _mm256_setr_epi32(0, 2, 4, 6, 0, 0, 0, 0)));
    return left;
}

__attribute__((target("avx2"))) static void adam_avx2(long count, float *w, float *m, float *v, const float *g,
                                                      float c1, float c2, float alpha, float eps) {
    __m256 c1v = _mm256_set1_ps(c1), c2v = _mm256_set1_ps(c2), av = _mm256_set1_ps(alpha), ev = _mm256_set1_ps(eps);
    __m256d c1d = _mm256_set1_pd(c1), ad = _mm256_set1_pd(alpha);
    int stuck_allowed = c1 > 0.0f && c1 <= 1.0f && alpha >= 0.0f && alpha < INFINITY;
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256i gb = _mm256_loadu_si256((const __m256i *)(g + i)), mb = _mm256_loadu_si256((const __m256i *)(m + i)),
                vb = _mm256_loadu_si256((const __m256i *)(v + i)), wb = _mm256_loadu_si256((const __m256i *)(w + i));
        __m256i others = _mm256_or_si256(_mm256_or_si256(subnormal_256(gb), subnormal_256(vb)), subnormal_256(wb));
        if (!_mm256_testz_si256(others, others)) {
            adam_generic(8, w + i, m + i, v + i, g + i, c1, c2, alpha, eps);
            continue;
        }
        __m256i stuck = subnormal_256(mb);
        int any_stuck = !_mm256_testz_si256(stuck, stuck);
        __m256i m_out = _mm256_setzero_si256(), a_sign = _mm256_setzero_si256();
        if (any_stuck) {
            __m256i zero_g = _mm256_cmpeq_epi32(_mm256_and_si256(gb, _mm256_set1_epi32(0x7FFFFFFF)), _mm256_setzero_si256());
            __m256i k = _mm256_and_si256(mb, _mm256_set1_epi32(MANTISSA));
            __m128i low_ok, high_ok;
            __m128i low = stuck_mantissas_256(_mm256_castsi256_si128(k), c1d, ad, &low_ok);
            __m128i high = stuck_mantissas_256(_mm256_extracti128_si256(k, 1), c1d, ad, &high_ok);
            __m256i zero_product = _mm256_inserti128_si256(_mm256_castsi128_si256(low_ok), high_ok, 1);
            __m256i bad = _mm256_andnot_si256(_mm256_and_si256(zero_g, zero_product), stuck);
            if (!stuck_allowed || !_mm256_testz_si256(bad, bad)) {
                adam_generic(8, w + i, m + i, v + i, g + i, c1, c2, alpha, eps);
                continue;
            }
            __m256i left = _mm256_inserti128_si256(_mm256_castsi128_si256(low), high, 1);
            __m256i sign = _mm256_and_si256(mb, _mm256_set1_epi32((int)0x80000000u));
            __m256i nonzero = _mm256_xor_si256(_mm256_cmpeq_epi32(left, _mm256_setzero_si256()), _mm256_set1_epi32(-1));
            // m: ±(k − r)·2^-149, or +0; m·alpha: a zero of that sign.
            m_out = _mm256_and_si256(nonzero, _mm256_or_si256(sign, left));
            a_sign = _mm256_and_si256(m_out, _mm256_set1_epi32((int)0x80000000u));
            mb = _mm256_andnot_si256(stuck, mb);
        }
        __m256 gi = _mm256_castsi256_ps(gb), mi = _mm256_castsi256_ps(mb), vi = _mm256_castsi256_ps(vb);
        mi = _mm256_add_ps(mi, _mm256_mul_ps(_mm256_sub_ps(gi, mi), c1v));
        vi = _mm256_add_ps(vi, _mm256_mul_ps(_mm256_sub_ps(_mm256_mul_ps(gi, gi), vi), c2v));
        __m256 a = _mm256_mul_ps(mi, av);
        if (any_stuck) {
            __m256 mask = _mm256_castsi256_ps(stuck);
            mi = _mm256_blendv_ps(mi, _mm256_castsi256_ps(m_out), mask);
            a = _mm256_blendv_ps(a, _mm256_castsi256_ps(a_sign), mask);
        }
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        __m256 step = _mm256_div_ps(a, _mm256_add_ps(_mm256_sqrt_ps(vi), ev));
        _mm256_storeu_ps(w + i, _mm256_sub_ps(_mm256_castsi256_ps(wb), step));
    }
    adam_generic(count - i, w + i, m + i, v + i, g + i, c1, c2, alpha, eps);
}
#endif

void ser_adam_with(ser_gemm_kernel kernel, long count, float *w, float *m, float *v, const float *g, float c1, float c2,
                   float alpha, float eps) {
#if defined(__x86_64__)
    switch (ser_gemm_runnable_kernel(kernel)) {
    case SER_GEMM_AVX512: adam_avx512(count, w, m, v, g, c1, c2, alpha, eps); return;
    case SER_GEMM_AVX2: adam_avx2(count, w, m, v, g, c1, c2, alpha, eps); return;
    default: break;
    }
#else
    (void)kernel;
#endif
    adam_generic(count, w, m, v, g, c1, c2, alpha, eps);
}

/// `ser_adam`'s operands, for a range of its weights (`ser_team_for`).
typedef struct {
    float *w, *m, *v;
    const float *g;
    float c1, c2, alpha, eps;
} adam_operands;

static void adam_range(void *context, long first, long end) {
    const adam_operands *p = context;
    ser_adam_with(ser_gemm_current_kernel(), end - first, p->w + first, p->m + first, p->v + first, p->g + first, p->c1,
                  p->c2, p->alpha, p->eps);
}

void ser_adam(long count, float *w, float *m, float *v, const float *g, float c1, float c2, float alpha, float eps) {
    adam_operands operands = {w, m, v, g, c1, c2, alpha, eps};
    // Shared by the calling thread's team in whole 64-weight chunks: each weight's update is the same few
    // operations wherever its chunk starts.
    run_pass(count, 64, count, adam_range, &operands);
}
