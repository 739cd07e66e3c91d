// The element-wise passes of training (ser_kernels.h), compiled three times: for AVX-512, for AVX2 and in plain C,
// picked at run time like the GEMM's kernel. Each element goes through the same IEEE operations in the same order
// whatever the vector width (nothing is summed across lanes, nothing is contracted into an FMA), so all three give
// the same bits.

#pragma STDC FP_CONTRACT OFF

#include "ser_kernels.h"
#include "ser_gemm.h"
#include "passes.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// MARK: Loops the compiler vectorises (element-wise, no reductions across elements)

#define DEFINE_PASSES(SUFFIX, ATTRIBUTES)                                                                             \
    ATTRIBUTES static void mask_relu_##SUFFIX(long count, float *restrict dy, const float *restrict y) {             \
        for (long i = 0; i < count; i++) dy[i] = y[i] > 0.0f ? dy[i] : 0.0f;                                         \
    }                                                                                                                 \
    ATTRIBUTES static void add_##SUFFIX(long count, float *restrict dst, const float *restrict src) {                 \
        for (long i = 0; i < count; i++) dst[i] = dst[i] + src[i];                                                   \
    }                                                                                                                 \
    ATTRIBUTES static void column_sums_##SUFFIX(long rows, long n, const float *restrict x, long ldx,                \
                                                float *restrict out, int accumulate) {                                \
        if (!accumulate)                                                                                              \
            for (long j = 0; j < n; j++) out[j] = 0.0f;                                                              \
        for (long r = 0; r < rows; r++) {                                                                            \
            const float *restrict row = x + r * ldx;                                                                  \
            for (long j = 0; j < n; j++) out[j] = out[j] + row[j];                                                   \
        }                                                                                                             \
    }                                                                                                                 \
    ATTRIBUTES static void max_pool_pairs_##SUFFIX(long batch, long length, long channels, const float *restrict x,  \
                                                   float *restrict y) {                                               \
        long pairs = length / 2;                                                                                      \
        for (long b = 0; b < batch; b++)                                                                              \
            for (long t = 0; t < pairs; t++) {                                                                        \
                const float *restrict first = x + (b * length + 2 * t) * channels, *restrict second = first + channels; \
                float *restrict out = y + (b * pairs + t) * channels;                                                 \
                for (long c = 0; c < channels; c++) out[c] = second[c] > first[c] ? second[c] : first[c];             \
            }                                                                                                         \
    }                                                                                                                 \
    ATTRIBUTES static void max_pool_pairs_backward_##SUFFIX(long batch, long length, long channels,                  \
                                                            const float *restrict x, const float *restrict dy,        \
                                                            float *restrict dx, int relu) {                           \
        long pairs = length / 2;                                                                                      \
        for (long b = 0; b < batch; b++) {                                                                            \
            for (long t = 0; t < pairs; t++) {                                                                        \
                const float *restrict x0 = x + (b * length + 2 * t) * channels, *restrict x1 = x0 + channels;         \
                float *restrict d0 = dx + (b * length + 2 * t) * channels, *restrict d1 = d0 + channels;              \
                const float *restrict g = dy + (b * pairs + t) * channels;                                            \
                if (relu)                                                                                             \
                    for (long c = 0; c < channels; c++) {                                                            \
                        int second = x1[c] > x0[c];                                                                   \
                        d0[c] = second ? 0.0f : (x0[c] > 0.0f ? g[c] : 0.0f);                                         \
                        d1[c] = second ? (x1[c] > 0.0f ? g[c] : 0.0f) : 0.0f;                                         \
                    }                                                                                                 \
                else                                                                                                  \
                    for (long c = 0; c < channels; c++) {                                                            \
                        int second = x1[c] > x0[c];                                                                   \
                        d0[c] = second ? 0.0f : g[c];                                                                 \
                        d1[c] = second ? g[c] : 0.0f;                                                                 \
                    }                                                                                                 \
            }                                                                                                         \
            if (length % 2) memset(dx + (b * length + length - 1) * channels, 0, (size_t)channels * sizeof(float)); \
        }                                                                                                             \
    }                                                                                                                 \
    ATTRIBUTES NO_COPY_CALLS static void im2col_##SUFFIX(long batch, long length, long channels, long kernel, long out_length,     \
                                           long pad_left, const float *restrict x, float *restrict cols, long ld,     \
                                           int ones) {                                                                \
        long width = kernel * channels;                                                                               \
        for (long b = 0; b < batch; b++) {                                                                            \
            const float *restrict xb = x + b * length * channels;                                                    \
            for (long t = 0; t < out_length; t++) {                                                                   \
                float *restrict row = cols + (b * out_length + t) * ld;                                               \
                if (ones) row[width] = 1.0f;                                                                          \
                long start = t - pad_left;                                                                            \
                if (start >= 0 && start + kernel <= length) {                                                         \
                    copy_##SUFFIX(width, row, xb + start * channels);                                                 \
                    continue;                                                                                         \
                }                                                                                                     \
                for (long j = 0; j < kernel; j++) {                                                                   \
                    long src = start + j;                                                                             \
                    if (src >= 0 && src < length) copy_##SUFFIX(channels, row + j * channels, xb + src * channels);   \
                    else memset(row + j * channels, 0, (size_t)channels * sizeof(float));                             \
                }                                                                                                     \
            }                                                                                                         \
        }                                                                                                             \
    }                                                                                                                 \
    ATTRIBUTES static void col2im_##SUFFIX(long batch, long length, long channels, long kernel, long out_length,     \
                                           long pad_left, const float *restrict cols, float *restrict dx) {           \
        long width = kernel * channels;                                                                               \
        memset(dx, 0, (size_t)(batch * length * channels) * sizeof(float));                                          \
        for (long b = 0; b < batch; b++) {                                                                            \
            float *restrict db = dx + b * length * channels;                                                          \
            for (long t = 0; t < out_length; t++) {                                                                   \
                const float *restrict row = cols + (b * out_length + t) * width;                                      \
                long start = t - pad_left;                                                                            \
                if (start >= 0 && start + kernel <= length) {                                                         \
                    add_##SUFFIX(width, db + start * channels, row);                                                  \
                    continue;                                                                                         \
                }                                                                                                     \
                for (long j = 0; j < kernel; j++) {                                                                   \
                    long src = start + j;                                                                             \
                    if (src >= 0 && src < length) add_##SUFFIX(channels, db + src * channels, row + j * channels);    \
                }                                                                                                     \
            }                                                                                                         \
        }                                                                                                             \
    }

// MARK: Short copies (im2col's rows: 9 to a few hundred floats), inline rather than a call to memcpy per row
//
// clang recognises a loop of vector loads and stores as a copy and calls memcpy for it (LoopIdiomRecognize), which
// is what these copies are there to avoid: 4 % of a training's CPU went to memmove calls from im2col. The vector
// kernels forbid that with the `no_builtin` attribute (the generic one calls memcpy on purpose).
#if defined(__x86_64__) && defined(__clang__)
#define NO_COPY_CALLS __attribute__((no_builtin("memcpy", "memmove")))
#else
#define NO_COPY_CALLS
#endif

static void copy_generic(long count, float *restrict dst, const float *restrict src) {
    memcpy(dst, src, (size_t)count * sizeof(float));
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) NO_COPY_CALLS
static void copy_avx2(long count, float *restrict dst, const float *restrict src) {
    long i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(dst + i, _mm256_loadu_ps(src + i));
    if (i < count) {
        __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count - i)), lanes);
        _mm256_maskstore_ps(dst + i, mask, _mm256_maskload_ps(src + i, mask));
    }
}

__attribute__((target("avx512f"))) NO_COPY_CALLS
static void copy_avx512(long count, float *restrict dst, const float *restrict src) {
    long i = 0;
    for (; i + 16 <= count; i += 16) _mm512_storeu_ps(dst + i, _mm512_loadu_ps(src + i));
    if (i < count) {
        __mmask16 mask = (__mmask16)((1u << (count - i)) - 1);
        _mm512_mask_storeu_ps(dst + i, mask, _mm512_maskz_loadu_ps(mask, src + i));
    }
}
#endif

DEFINE_PASSES(generic, )
#if defined(__x86_64__)
DEFINE_PASSES(avx2, __attribute__((target("avx2"))))
DEFINE_PASSES(avx512, __attribute__((target("avx512f"))))
#endif

// MARK: Transposition (copies only; explicit vectors: 8 × 8 blocks through registers)

static void transpose_generic(long rows, long columns, const float *restrict x, float *restrict y, long ldy) {
    for (long r = 0; r < rows; r++)
        for (long c = 0; c < columns; c++) y[c * ldy + r] = x[r * columns + c];
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void transpose_avx2(long rows, long columns, const float *restrict x, float *restrict y, long ldy) {
    long r0 = 0;
    for (; r0 + 8 <= rows; r0 += 8) {
        const float *in = x + r0 * columns;
        long c0 = 0;
        for (; c0 + 8 <= columns; c0 += 8) {
            __m256 a0 = _mm256_loadu_ps(in + c0), a1 = _mm256_loadu_ps(in + columns + c0);
            __m256 a2 = _mm256_loadu_ps(in + 2 * columns + c0), a3 = _mm256_loadu_ps(in + 3 * columns + c0);
            __m256 a4 = _mm256_loadu_ps(in + 4 * columns + c0), a5 = _mm256_loadu_ps(in + 5 * columns + c0);
            __m256 a6 = _mm256_loadu_ps(in + 6 * columns + c0), a7 = _mm256_loadu_ps(in + 7 * columns + c0);
            __m256 t0 = _mm256_unpacklo_ps(a0, a1), t1 = _mm256_unpackhi_ps(a0, a1);
            __m256 t2 = _mm256_unpacklo_ps(a2, a3), t3 = _mm256_unpackhi_ps(a2, a3);
            __m256 t4 = _mm256_unpacklo_ps(a4, a5), t5 = _mm256_unpackhi_ps(a4, a5);
            __m256 t6 = _mm256_unpacklo_ps(a6, a7), t7 = _mm256_unpackhi_ps(a6, a7);
            __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
            __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
            __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
            __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
            float *out = y + c0 * ldy + r0;
            _mm256_storeu_ps(out, _mm256_permute2f128_ps(u0, u4, 0x20));
            _mm256_storeu_ps(out + ldy, _mm256_permute2f128_ps(u1, u5, 0x20));
            _mm256_storeu_ps(out + 2 * ldy, _mm256_permute2f128_ps(u2, u6, 0x20));
            _mm256_storeu_ps(out + 3 * ldy, _mm256_permute2f128_ps(u3, u7, 0x20));
            _mm256_storeu_ps(out + 4 * ldy, _mm256_permute2f128_ps(u0, u4, 0x31));
            _mm256_storeu_ps(out + 5 * ldy, _mm256_permute2f128_ps(u1, u5, 0x31));
            _mm256_storeu_ps(out + 6 * ldy, _mm256_permute2f128_ps(u2, u6, 0x31));
            _mm256_storeu_ps(out + 7 * ldy, _mm256_permute2f128_ps(u3, u7, 0x31));
        }
        for (; c0 < columns; c0++)
            for (long r = r0; r < r0 + 8; r++) y[c0 * ldy + r] = x[r * columns + c0];
    }
    for (; r0 < rows; r0++)
        for (long c = 0; c < columns; c++) y[c * ldy + r0] = x[r0 * columns + c];
}

__attribute__((target("avx512f")))
static void transpose_avx512(long rows, long columns, const float *restrict x, float *restrict y, long ldy) {
    transpose_avx2(rows, columns, x, y, ldy);
}
#endif

// MARK: Dispatch

#if defined(__x86_64__)
#define DISPATCH(NAME, ...)                                                                                           \
    switch (ser_gemm_current_kernel()) {                                                                              \
    case SER_GEMM_AVX512: NAME##_avx512(__VA_ARGS__); return;                                                         \
    case SER_GEMM_AVX2: NAME##_avx2(__VA_ARGS__); return;                                                             \
    default: NAME##_generic(__VA_ARGS__); return;                                                                     \
    }
#else
#define DISPATCH(NAME, ...)                                                                                           \
    NAME##_generic(__VA_ARGS__);                                                                                      \
    return;
#endif

void ser_mask_relu(long count, float *dy, const float *y) { DISPATCH(mask_relu, count, dy, y) }

void ser_add(long count, float *dst, const float *src) { DISPATCH(add, count, dst, src) }

void ser_max_pool_pairs(long batch, long length, long channels, const float *x, float *y) {
    DISPATCH(max_pool_pairs, batch, length, channels, x, y)
}

// MARK: Passes shared by a team (ser_team.h): cut by samples (or bands of columns), each element computed as one
// pass would

/// The operands of a pass over samples of `length` rows × `channels` (im2col and col2im: windows of `kernel` rows,
/// `out_length` outputs, `pad_left`; pooling backward: `dy`, `relu`).
typedef struct {
    long length, channels, kernel, out_length, pad_left;
    const float *x, *dy;
    float *y;
    int relu;
    long ld;  // im2col: floats from one row of columns to the next
    int ones; // im2col: a 1 after each row's window
} sample_pass;

static void pool_backward_range(void *context, long b0, long b1) {
    const sample_pass *p = context;
    long sample = p->length * p->channels;
    DISPATCH(max_pool_pairs_backward, b1 - b0, p->length, p->channels, p->x + b0 * sample,
             p->dy + b0 * (p->length / 2) * p->channels, p->y + b0 * sample, p->relu)
}

static void im2col_range(void *context, long b0, long b1) {
    const sample_pass *p = context;
    DISPATCH(im2col, b1 - b0, p->length, p->channels, p->kernel, p->out_length, p->pad_left,
             p->x + b0 * p->length * p->channels, p->y + b0 * p->out_length * p->ld, p->ld, p->ones)
}

static void col2im_range(void *context, long b0, long b1) {
    const sample_pass *p = context;
    DISPATCH(col2im, b1 - b0, p->length, p->channels, p->kernel, p->out_length, p->pad_left,
             p->x + b0 * p->out_length * p->kernel * p->channels, p->y + b0 * p->length * p->channels)
}

void ser_max_pool_pairs_backward(long batch, long length, long channels, const float *x, const float *dy, float *dx,
                                 int relu) {
    sample_pass pass = {length, channels, 0, 0, 0, x, dy, dx, relu};
    run_pass(batch, 1, batch * length * channels, pool_backward_range, &pass);
}

void ser_im2col(long batch, long length, long channels, long kernel, long out_length, long pad_left,
                const float *x, float *cols) {
    sample_pass pass = {length, channels, kernel, out_length, pad_left, x, 0, cols, 0, kernel * channels, 0};
    run_pass(batch, 1, batch * out_length * kernel * channels, im2col_range, &pass);
}

void ser_im2col_ones(long batch, long length, long channels, long kernel, long out_length, long pad_left,
                     const float *x, float *cols) {
    sample_pass pass = {length, channels, kernel, out_length, pad_left, x, 0, cols, 0, kernel * channels + 1, 1};
    run_pass(batch, 1, batch * out_length * (kernel * channels + 1), im2col_range, &pass);
}

void ser_col2im(long batch, long length, long channels, long kernel, long out_length, long pad_left,
                const float *cols, float *dx) {
    sample_pass pass = {length, channels, kernel, out_length, pad_left, cols, 0, dx, 0};
    run_pass(batch, 1, batch * out_length * kernel * channels, col2im_range, &pass);
}

/// ser_transpose's operands: x is rows × columns.
typedef struct {
    long rows, columns;
    const float *x;
    float *y;
} transpose_pass;

/// Rows r0 ..< r1 of x, i.e. columns r0 ..< r1 of y (row stride: all of x's rows).
static void transpose_range(void *context, long r0, long r1) {
    const transpose_pass *p = context;
    DISPATCH(transpose, r1 - r0, p->columns, p->x + r0 * p->columns, p->y + r0, p->rows)
}

void ser_transpose(long rows, long columns, const float *x, float *y) {
    transpose_pass pass = {rows, columns, x, y};
    run_pass(rows, 16, rows * columns, transpose_range, &pass);
}

/// ser_column_sums's operands: x is rows × n.
typedef struct {
    long rows, n;
    const float *x;
    float *out;
    int accumulate;
} column_sums_pass;

/// The sums of columns j0 ..< j1.
static void column_sums_range(void *context, long j0, long j1) {
    const column_sums_pass *p = context;
    DISPATCH(column_sums, p->rows, j1 - j0, p->x + j0, p->n, p->out + j0, p->accumulate)
}

void ser_column_sums(long rows, long n, const float *x, float *out, int accumulate) {
    column_sums_pass pass = {rows, n, x, out, accumulate};
    run_pass(n, 16, rows * n, column_sums_range, &pass);
}
