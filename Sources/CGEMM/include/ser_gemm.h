#ifndef SER_GEMM_H
#define SER_GEMM_H
// ser's single-precision matrix product with one fixed arithmetic on every CPU (see gemm.c).

/// The instruction sets `ser_sgemm` can run on. Every kernel gives the same bits.
typedef enum {
    SER_GEMM_GENERIC = 0, ///< portable C: one fmaf per multiply-add
    SER_GEMM_AVX2 = 1,    ///< x86-64 AVX2 + FMA, 256-bit vectors
    SER_GEMM_AVX512 = 2,  ///< x86-64 AVX-512F, 512-bit vectors
} ser_gemm_kernel;

/// C = op(A) · op(B), or C += op(A) · op(B) when `accumulate` is non-zero; row-major.
/// op(A) is m × k, op(B) is k × n, C is m × n; `trans_a`/`trans_b` transpose the stored matrix, whose row
/// stride is `lda`/`ldb`. Every element of C is one chain of fused multiply-adds over p = 0, 1, …, k − 1
/// starting from 0 (or from C's value when accumulating): the result does not depend on the kernel, the
/// matrix sizes around the element, or the thread. Thread-safe; packing buffers are per thread.
void ser_sgemm(int trans_a, int trans_b, long m, long n, long k,
               const float *a, long lda, const float *b, long ldb,
               int accumulate, float *c, long ldc);

/// C = op(A) · op(B) with an epilogue fused into the same pass: every element, after its chain of fused
/// multiply-adds, becomes v + bias[j] (a separate addition), then, when `relu` is non-zero, (0 >= v) ? 0 : v
/// (Swift's max(v, 0): +0 for -0, NaN kept). `bias` holds n values. When `pool` is not NULL, the same pass also
/// max-pools pairs of C's rows into it (a Conv1D's output and its MaxPooling1D(2)'s, each written once): row q of
/// `pool` (row stride `ldp`) is, element by element, second > first ? second : first with first = C's row 2q and
/// second = row 2q + 1, after the bias and ReLU, as `ser_max_pool_pairs` computes it; m must then be even.
void ser_sgemm_bias_pool(int trans_a, int trans_b, long m, long n, long k,
                         const float *a, long lda, const float *b, long ldb,
                         float *c, long ldc, const float *bias, int relu, float *pool, long ldp);

/// `ser_sgemm` / `ser_sgemm_bias_pool` with the given kernel (or the best one the CPU has, when
/// it lacks that one): for tests. `bias` and `pool` may be NULL.
void ser_sgemm_with(ser_gemm_kernel kernel, int trans_a, int trans_b, long m, long n, long k,
                    const float *a, long lda, const float *b, long ldb,
                    int accumulate, float *c, long ldc, const float *bias, int relu, float *pool, long ldp);

/// The fastest kernel this CPU (and its operating system) supports.
ser_gemm_kernel ser_gemm_best_kernel(void);
/// `wanted`, or the best kernel this CPU supports when it lacks that one (what every `…_with` function runs).
ser_gemm_kernel ser_gemm_runnable_kernel(ser_gemm_kernel wanted);
/// The kernel `ser_sgemm` uses: the best one, unless the environment variable SER_GEMM_KERNEL (generic, avx2,
/// avx512; read once) names a slower one.
ser_gemm_kernel ser_gemm_current_kernel(void);

#endif
