// ser's single-precision GEMM: one arithmetic on every CPU.
//
// Why not OpenBLAS: OpenBLAS picks its SGEMM kernel per CPU (Haswell, SkylakeX, Sandybridge, …) and the kernels
// sum in different orders, so the same training gave other weights on another machine. Here every element of C
// is one chain of fused multiply-adds over p = 0, 1, …, k − 1:
//
//     c = fma(a[i][k−1], b[k−1][j], … fma(a[i][1], b[1][j], fma(a[i][0], b[0][j], c0)) …)
//
// with c0 = 0 (or C's value when accumulating). The vector kernels only decide how many such chains run side by
// side (one per vector lane, lanes are columns j), never the order inside a chain, and an FMA rounds once on every
// IEEE machine, so the generic C kernel, AVX2 and AVX-512 give the same bits; so would NEON. Contraction of
// `a * b + c` by the compiler is switched off: every fused operation is written out.
//
// Layout: full NR-column panels of a row-major B are read in place (on the AVX2 kernel only while its rows are
// close: `packs_full_panels`); a transposed B and a last, partial panel are packed (zero-padded) into a per-thread
// buffer that grows and is reused (no allocation in steady state); a team packs B once for all its threads. A is
// read in place (row-major or transposed) in blocks of MR rows; a last, shorter block runs on a kernel compiled for
// exactly its row count (no zero rows computed, nothing packed). Tiles of full panels are written straight into C;
// those of a partial panel go through a small local tile. An optional epilogue (+ bias, ReLU) runs on each tile
// while it is still in registers, so a layer's output is written once.

#pragma STDC FP_CONTRACT OFF

#include "ser_gemm.h"
#include "ser_kernels.h"
#include "ser_team.h"
#include "shares.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

// MARK: Per-thread packing buffers

typedef struct {
    float *pointer;
    size_t capacity;
} buffer;

enum { workspaces = 3 };

static pthread_key_t buffer_key;
static pthread_once_t buffer_once = PTHREAD_ONCE_INIT;

static void free_buffers(void *value) {
    buffer *buffers = value;
    for (int i = 0; i < workspaces; i++) free(buffers[i].pointer);
    free(buffers);
}

static void make_buffer_key(void) { pthread_key_create(&buffer_key, free_buffers); }

/// This thread's buffer `which` (0: packed B, 1: a transposed product, 2: B packed for a team) with room for `count` floats, 64-byte aligned.
static float *workspace(int which, size_t count) {
    pthread_once(&buffer_once, make_buffer_key);
    buffer *buffers = pthread_getspecific(buffer_key);
    if (!buffers) {
        buffers = calloc(workspaces, sizeof(buffer));
        if (!buffers || pthread_setspecific(buffer_key, buffers) != 0) {
            fputs("ser: out of memory for the GEMM workspace\n", stderr);
            abort();
        }
    }
    buffer *b = &buffers[which];
    if (b->capacity < count) {
        free(b->pointer);
        size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
        b->pointer = aligned_alloc(64, bytes);
        if (!b->pointer) {
            fputs("ser: out of memory for the GEMM workspace\n", stderr);
            abort();
        }
        b->capacity = count;
    }
    return b->pointer;
}

// The largest tile any kernel writes (AVX-512: 12 × 32), and the block of k a product runs at once.
enum { TILE_MAX = 12 * 32 };
#ifndef SER_GEMM_K_BLOCK
#define SER_GEMM_K_BLOCK 256
#endif
static const long k_block = SER_GEMM_K_BLOCK;

// MARK: Packing

/// Columns j0 ..< j0 + nr of op(B), all k rows, as bp[p * NR + j]; columns nr ..< NR are zero.
static void pack_b(long NR, int trans, const float *b, long ldb, long j0, long nr, long k, float *bp) {
    if (trans) { // op(B)(p, j) = b[j * ldb + p]
        for (long j = 0; j < nr; j++) {
            const float *column = b + (j0 + j) * ldb;
            for (long p = 0; p < k; p++) bp[p * NR + j] = column[p];
        }
        for (long j = nr; j < NR; j++)
            for (long p = 0; p < k; p++) bp[p * NR + j] = 0;
    } else if (nr == NR && (NR == 8 || NR == 16 || NR == 32)) { // op(B)(p, j) = b[p * ldb + j], a full panel
        // Copies of a size known here, which the compiler inlines: with a call to memcpy per row of 32–128 bytes,
        // packing took 3.8 % of an AVX2 epoch's samples (`perf`, one core of the Intel Xeon model 207), inline 2.4 %.
        const float *row = b + j0;
        if (NR == 8) for (long p = 0; p < k; p++, row += ldb) memcpy(bp + p * 8, row, 8 * sizeof(float));
        else if (NR == 16) for (long p = 0; p < k; p++, row += ldb) memcpy(bp + p * 16, row, 16 * sizeof(float));
        else for (long p = 0; p < k; p++, row += ldb) memcpy(bp + p * 32, row, 32 * sizeof(float));
    } else { // op(B)(p, j) = b[p * ldb + j]
        for (long p = 0; p < k; p++) {
            memcpy(bp + p * NR, b + p * ldb + j0, (size_t)nr * sizeof(float));
            for (long j = nr; j < NR; j++) bp[p * NR + j] = 0;
        }
    }
}

// MARK: Kernels: a rows × NR tile of C from `rows` (1 ... MR) rows of op(A) and NR columns of op(B)
//
// op(A)(i, p) is read at a[i * rs + p * cs]: a packed block (rs = 1, cs = MR), a transposed A in place (rs = 1,
// cs = lda) or a row-major A in place (rs = lda, cs = 1). Row p of the B panel is at bp + p * bs: a packed panel
// (bs = NR) or a row-major B read in place (bs = ldb). After its k fused multiply-adds, each element gets the
// epilogue: + bias[j] when `bias` is given, then ReLU as Swift's max(v, 0) computes it ((0 >= v) ? 0 : v).

/// Asks for the cache line `bytes` past `p` ahead of its use (a hint: never faults, changes no value). Tiles
/// prefetch the row of B and, for a packed or transposed A, the column of A that they read 16 steps of k later:
/// a product's operands come from L2 or L3 in training, and the hint gains 2–5 % there.
#if defined(__x86_64__)
#define PREFETCH_AHEAD(p, bytes) _mm_prefetch((const char *)((uintptr_t)(p) + (uintptr_t)(bytes)), _MM_HINT_T0)
enum { PREFETCH_STEPS = 16 };
#endif

typedef void (*tile_kernel)(int rows, long k, const float *a, long rs, long cs, const float *bp, long bs, float *c,
                            long ldc, int accumulate, const float *bias, int relu, float *pool, long ldp);

enum { GENERIC_MR = 4, GENERIC_NR = 8 };

static void kernel_generic(int rows, long k, const float *a, long rs, long cs, const float *bp, long bs, float *c,
                           long ldc, int accumulate, const float *bias, int relu, float *pool, long ldp) {
    float t[GENERIC_MR][GENERIC_NR];
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < GENERIC_NR; j++) t[i][j] = accumulate ? c[i * ldc + j] : 0.0f;
    for (long p = 0; p < k; p++) {
        for (int i = 0; i < rows; i++) {
            float x = a[i * rs + p * cs];
            for (int j = 0; j < GENERIC_NR; j++) t[i][j] = fmaf(x, bp[p * bs + j], t[i][j]);
        }
    }
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < GENERIC_NR; j++) {
            float v = t[i][j];
            if (bias) v = v + bias[j];
            if (relu) v = (0.0f >= v) ? 0.0f : v;
            c[i * ldc + j] = v;
            if (pool && (i & 1)) {
                float first = t[i - 1][j];
                if (bias) first = first + bias[j];
                if (relu) first = (0.0f >= first) ? 0.0f : first;
                pool[(i / 2) * ldp + j] = v > first ? v : first;
            }
        }
}

#if defined(__x86_64__)

enum { AVX2_MR = 6, AVX2_NR = 16 };

__attribute__((target("avx2,fma"), always_inline))
static inline void tile_avx2(int ROWS, long k, const float *a, long rs, long cs, const float *bp, long bs, float *c,
                             long ldc, int accumulate, const float *bias, int relu, float *pool, long ldp) {
    __m256 c0[AVX2_MR], c1[AVX2_MR];
#pragma clang loop unroll(full)
    for (int i = 0; i < ROWS; i++) {
        c0[i] = accumulate ? _mm256_loadu_ps(c + i * ldc) : _mm256_setzero_ps();
        c1[i] = accumulate ? _mm256_loadu_ps(c + i * ldc + 8) : _mm256_setzero_ps();
    }
    for (long p = 0; p < k; p++) {
        PREFETCH_AHEAD(bp, PREFETCH_STEPS * bs * 4);
        if (cs != 1) PREFETCH_AHEAD(a, (p + PREFETCH_STEPS) * cs * 4);
        __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
#pragma clang loop unroll(full)
        for (int i = 0; i < ROWS; i++) {
            __m256 x = _mm256_broadcast_ss(a + i * rs + p * cs);
            c0[i] = _mm256_fmadd_ps(x, b0, c0[i]);
            c1[i] = _mm256_fmadd_ps(x, b1, c1[i]);
        }
        bp += bs;
    }
    __m256 bias0 = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
    __m256 bias1 = bias ? _mm256_loadu_ps(bias + 8) : _mm256_setzero_ps();
    __m256 zero = _mm256_setzero_ps();
#pragma clang loop unroll(full)
    for (int i = 0; i < ROWS; i++) {
        if (bias) {
            c0[i] = _mm256_add_ps(c0[i], bias0);
            c1[i] = _mm256_add_ps(c1[i], bias1);
        }
        if (relu) {
            c0[i] = _mm256_blendv_ps(c0[i], zero, _mm256_cmp_ps(zero, c0[i], _CMP_GE_OQ));
            c1[i] = _mm256_blendv_ps(c1[i], zero, _mm256_cmp_ps(zero, c1[i], _CMP_GE_OQ));
        }
        _mm256_storeu_ps(c + i * ldc, c0[i]);
        _mm256_storeu_ps(c + i * ldc + 8, c1[i]);
        if (pool && (i & 1)) { // max(second, first) = second > first ? second : first
            _mm256_storeu_ps(pool + (i / 2) * ldp, _mm256_max_ps(c0[i], c0[i - 1]));
            _mm256_storeu_ps(pool + (i / 2) * ldp + 8, _mm256_max_ps(c1[i], c1[i - 1]));
        }
    }
}

// One instance per row count and A layout (row-major in place: cs = 1; transposed or packed: rs = 1), so that
// every loop over rows is unrolled with constant offsets.
#define ROW_CASE(TILE, R, ...) case R: TILE(R, __VA_ARGS__); return;
#define ROW_CASES_6(TILE, ...) ROW_CASE(TILE, 6, __VA_ARGS__) ROW_CASE(TILE, 5, __VA_ARGS__) ROW_CASE(TILE, 4, __VA_ARGS__) \
    ROW_CASE(TILE, 3, __VA_ARGS__) ROW_CASE(TILE, 2, __VA_ARGS__) ROW_CASE(TILE, 1, __VA_ARGS__)
#define ROW_CASES_12(TILE, ...) ROW_CASE(TILE, 12, __VA_ARGS__) ROW_CASE(TILE, 11, __VA_ARGS__) \
    ROW_CASE(TILE, 10, __VA_ARGS__) ROW_CASE(TILE, 9, __VA_ARGS__) ROW_CASE(TILE, 8, __VA_ARGS__) \
    ROW_CASE(TILE, 7, __VA_ARGS__) ROW_CASES_6(TILE, __VA_ARGS__)

#define DEFINE_KERNEL(NAME, TARGET, ROW_CASES, TILE)                                                                \
    __attribute__((target(TARGET))) static void NAME(int rows, long k, const float *a, long rs, long cs,             \
                                                     const float *bp, long bs, float *c, long ldc, int accumulate,    \
                                                     const float *bias, int relu, float *pool, long ldp) {            \
        if (cs == 1) {                                                                                                \
            switch (rows) { ROW_CASES(TILE, k, a, rs, 1, bp, bs, c, ldc, accumulate, bias, relu, pool, ldp) }        \
        } else {                                                                                                      \
            switch (rows) { ROW_CASES(TILE, k, a, 1, cs, bp, bs, c, ldc, accumulate, bias, relu, pool, ldp) }        \
        }                                                                                                             \
    }

DEFINE_KERNEL(kernel_avx2, "avx2,fma", ROW_CASES_6, tile_avx2)

// AVX-512: 12 rows × NV vectors of 16 columns (NV = 2: 12 × 32 tiles; NV = 1: 12 × 16, for products with at most
// 16 columns, which would waste half of a 32-column tile).
enum { AVX512_MR = 12, AVX512_NR = 32, AVX512_NARROW_NR = 16 };

__attribute__((target("avx512f"), always_inline))
static inline void tile_avx512(int NV, int ROWS, long k, const float *a, long rs, long cs, const float *bp, long bs,
                               float *c, long ldc, int accumulate, const float *bias, int relu, float *pool, long ldp) {
    __m512 acc[2][AVX512_MR];
#pragma clang loop unroll(full)
    for (int i = 0; i < ROWS; i++)
#pragma clang loop unroll(full)
        for (int v = 0; v < NV; v++) acc[v][i] = accumulate ? _mm512_loadu_ps(c + i * ldc + 16 * v) : _mm512_setzero_ps();
    for (long p = 0; p < k; p++) {
        __m512 b[2];
        PREFETCH_AHEAD(bp, PREFETCH_STEPS * bs * 4);
        if (NV == 2) PREFETCH_AHEAD(bp, (PREFETCH_STEPS * bs + 16) * 4);
        if (cs != 1) {
            PREFETCH_AHEAD(a, (p + PREFETCH_STEPS) * cs * 4);
            if (ROWS > 1) PREFETCH_AHEAD(a, ((p + PREFETCH_STEPS) * cs + ROWS - 1) * 4);
        }
#pragma clang loop unroll(full)
        for (int v = 0; v < NV; v++) b[v] = _mm512_loadu_ps(bp + 16 * v);
#pragma clang loop unroll(full)
        for (int i = 0; i < ROWS; i++) {
            __m512 x = _mm512_set1_ps(a[i * rs + p * cs]);
#pragma clang loop unroll(full)
            for (int v = 0; v < NV; v++) acc[v][i] = _mm512_fmadd_ps(x, b[v], acc[v][i]);
        }
        bp += bs;
    }
    __m512 zero = _mm512_setzero_ps();
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; v++) {
        __m512 bv = bias ? _mm512_loadu_ps(bias + 16 * v) : zero;
#pragma clang loop unroll(full)
        for (int i = 0; i < ROWS; i++) {
            __m512 t = acc[v][i];
            if (bias) t = _mm512_add_ps(t, bv);
            if (relu) t = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(zero, t, _CMP_GE_OQ), t, zero);
            _mm512_storeu_ps(c + i * ldc + 16 * v, t);
            // max(second, first) = second > first ? second : first
            if (pool && (i & 1)) _mm512_storeu_ps(pool + (i / 2) * ldp + 16 * v, _mm512_max_ps(t, acc[v][i - 1]));
            acc[v][i] = t;
        }
    }
}

#define TILE_AVX512_WIDE(R, ...) tile_avx512(2, R, __VA_ARGS__)
#define TILE_AVX512_NARROW(R, ...) tile_avx512(1, R, __VA_ARGS__)

DEFINE_KERNEL(kernel_avx512, "avx512f", ROW_CASES_12, TILE_AVX512_WIDE)
DEFINE_KERNEL(kernel_avx512_narrow, "avx512f", ROW_CASES_12, TILE_AVX512_NARROW)

#endif

// MARK: Choosing the kernel

/// What the CPU and its operating system offer, from `cpuid` and `xgetbv` (`cpuid` traps to the hypervisor under
/// virtualisation: about 5 µs on a KVM guest, more than a small product takes).
static ser_gemm_kernel detect_best_kernel(void) {
#if defined(__x86_64__)
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return SER_GEMM_GENERIC;
    int osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1, fma = (ecx >> 12) & 1;
    if (!osxsave || !avx || !fma) return SER_GEMM_GENERIC;
    unsigned xcr0_low, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    if ((xcr0_low & 0x6) != 0x6) return SER_GEMM_GENERIC; // the OS saves SSE and AVX state
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return SER_GEMM_GENERIC;
    int avx2 = (ebx >> 5) & 1, avx512f = (ebx >> 16) & 1;
    if (avx512f && (xcr0_low & 0xe6) == 0xe6) return SER_GEMM_AVX512; // and opmask + ZMM state
    if (avx2) return SER_GEMM_AVX2;
#endif
    return SER_GEMM_GENERIC;
}

static _Atomic int best_kernel = -1;

/// Detected once: every product asks.
ser_gemm_kernel ser_gemm_best_kernel(void) {
    int kernel = atomic_load_explicit(&best_kernel, memory_order_relaxed);
    if (kernel < 0) {
        kernel = detect_best_kernel();
        atomic_store_explicit(&best_kernel, kernel, memory_order_relaxed);
    }
    return (ser_gemm_kernel)kernel;
}

ser_gemm_kernel ser_gemm_runnable_kernel(ser_gemm_kernel wanted) {
    ser_gemm_kernel best = ser_gemm_best_kernel();
    return wanted < best ? wanted : best;
}

static _Atomic int current_kernel = -1;

ser_gemm_kernel ser_gemm_current_kernel(void) {
    int kernel = atomic_load_explicit(&current_kernel, memory_order_relaxed);
    if (kernel < 0) {
        kernel = ser_gemm_best_kernel();
        const char *name = getenv("SER_GEMM_KERNEL");
        int wanted = !name ? -1 : !strcmp(name, "generic") ? SER_GEMM_GENERIC : !strcmp(name, "avx2") ? SER_GEMM_AVX2
                   : !strcmp(name, "avx512") ? SER_GEMM_AVX512 : -1;
        if (wanted >= 0 && wanted < kernel) kernel = wanted;
        atomic_store_explicit(&current_kernel, kernel, memory_order_relaxed);
    }
    return (ser_gemm_kernel)kernel;
}

// MARK: The product

void ser_sgemm(int trans_a, int trans_b, long m, long n, long k,
               const float *a, long lda, const float *b, long ldb,
               int accumulate, float *c, long ldc) {
    ser_sgemm_with(ser_gemm_current_kernel(), trans_a, trans_b, m, n, k, a, lda, b, ldb, accumulate, c, ldc, 0, 0, 0, 0);
}

void ser_sgemm_bias_pool(int trans_a, int trans_b, long m, long n, long k,
                         const float *a, long lda, const float *b, long ldb,
                         float *c, long ldc, const float *bias, int relu, float *pool, long ldp) {
    ser_sgemm_with(ser_gemm_current_kernel(), trans_a, trans_b, m, n, k, a, lda, b, ldb, 0, c, ldc, bias, relu, pool, ldp);
}

/// C = or += op(A) · op(B) on one kernel with MR × NR tiles; the epilogue runs on the last block of k.
///
/// k is cut into blocks of at most `k_block`, of nearly equal sizes (so that a block of B stays in cache while the rows of A pass over
/// it); the blocks run in ascending order and each continues every element's chain from its value in C, which is
/// the same chain as one pass over k (an FMA rounds to float, and C holds floats). Full NR-column panels of a
/// row-major B are read in place; transposed B and a last, partial panel are packed for each block. A is read in
/// place, MR rows at a time and the rest on the kernel's instance for that many rows. With `pool` (m and MR even),
/// the epilogue also writes the pair max-pooling of C's rows into it. With `pack_full`, full panels of a
/// row-major B are packed too (`packs_full_panels`). With `packed`, every panel is read from there instead, packed
/// over all of k beforehand (`pack_panels`): panel jp's row p at packed[(jp * k + p) * NR].
static void product(tile_kernel kernel, long MR, long NR, int trans_a, int trans_b, long m, long n, long k,
                    const float *a, long lda, const float *b, long ldb, int accumulate, float *c, long ldc,
                    const float *bias, int relu, float *pool, long ldp, int pack_full, const float *packed) {
    // Blocks of equal size (up to one), none larger than k_block.
    long panels = (n + NR - 1) / NR, blocks = (k + k_block - 1) / k_block;
    long kb = blocks > 1 ? (k + blocks - 1) / blocks : (k > 0 ? k : 1);
    // Packed B panels of one k block, then the bias padded to whole panels.
    float *bp = workspace(0, (size_t)(panels * NR * kb + panels * NR));
    float *biasp = bias ? bp + panels * NR * kb : 0;
    if (bias) {
        for (long j = 0; j < panels * NR; j++) biasp[j] = j < n ? bias[j] : 0.0f;
    }
    // op(A)(i, p) is at a[i * rs + p * cs].
    long rs = trans_a ? 1 : lda, cs = trans_a ? lda : 1;
    float tile[TILE_MAX] __attribute__((aligned(64)));
    long k0 = 0;
    do {
        long kc = k - k0 < kb ? k - k0 : kb;
        int acc = accumulate || k0 > 0, last = k0 + kc >= k;
        const float *epilogue_bias = last ? biasp : 0;
        int epilogue_relu = last && relu;
        float *epilogue_pool = last ? pool : 0;
        const float *a_block = a + k0 * cs, *b_block = trans_b ? b + k0 : b + k0 * ldb;
        for (long jp = 0; jp < panels && !packed; jp++) {
            long j0 = jp * NR, nr = n - j0 < NR ? n - j0 : NR;
            if (trans_b || nr < NR || pack_full) pack_b(NR, trans_b, b_block, ldb, j0, nr, kc, bp + jp * NR * kc);
        }
        for (long i0 = 0; i0 < m; i0 += MR) {
            int mr = (int)(m - i0 < MR ? m - i0 : MR);
            const float *ablock = a_block + i0 * rs;
            for (long jp = 0; jp < panels; jp++) {
                long j0 = jp * NR, nr = n - j0 < NR ? n - j0 : NR;
                float *cij = c + i0 * ldc + j0;
                const float *panel = bp + jp * NR * kc, *tile_bias = epilogue_bias ? epilogue_bias + j0 : 0;
                long bs = NR;
                if (packed) {
                    panel = packed + (jp * k + k0) * NR;
                } else if (!trans_b && nr == NR && !pack_full) {
                    panel = b_block + j0;
                    bs = ldb;
                }
                float *pij = epilogue_pool ? epilogue_pool + (i0 / 2) * ldp + j0 : 0;
                if (nr == NR) {
                    kernel(mr, kc, ablock, rs, cs, panel, bs, cij, ldc, acc, tile_bias, epilogue_relu, pij, ldp);
                    continue;
                }
                if (acc) {
                    for (long i = 0; i < mr; i++)
                        for (long j = 0; j < NR; j++) tile[i * NR + j] = j < nr ? cij[i * ldc + j] : 0.0f;
                }
                kernel(mr, kc, ablock, rs, cs, panel, bs, tile, NR, acc, tile_bias, epilogue_relu, 0, 0);
                for (long i = 0; i < mr; i++) memcpy(cij + i * ldc, tile + i * NR, (size_t)nr * sizeof(float));
                if (pij) {
                    for (long i = 1; i < mr; i += 2)
                        for (long j = 0; j < nr; j++) {
                            float first = tile[(i - 1) * NR + j], second = tile[i * NR + j];
                            pij[(i / 2) * ldp + j] = second > first ? second : first;
                        }
                }
            }
        }
        k0 += kc;
    } while (k0 < k);
}

// MARK: Products shared by a team

/// Products of fewer multiply-adds run on the calling thread alone: a hand-over would cost more than it saves.
static const double parallel_min_macs = 65536;

/// One `product` shared by the team's `parts` threads in whole units (MR-row blocks when `rows`, else NR-column
/// panels): one share of nearly equal size per thread (shares.h, `product_part`).
typedef struct {
    tile_kernel kernel;
    long MR, NR;
    int trans_a, trans_b;
    long m, n, k;
    const float *a;
    long lda;
    const float *b;
    long ldb;
    int accumulate;
    float *c;
    long ldc;
    const float *bias;
    int relu;
    float *pool;
    long ldp;
    int pack_full;
    const float *packed;
    int rows;
    int parts;
    share *shares; // one per part (shares.h)
} product_call;

/// Units first ..< end of `p`.
static void product_piece(const product_call *p, long first, long end) {
    if (p->rows) {
        long i0 = first * p->MR, i1 = end * p->MR < p->m ? end * p->MR : p->m;
        const float *a = p->trans_a ? p->a + i0 : p->a + i0 * p->lda;
        // MR is even, so a row block starts on a pair of rows: its pooled rows start at i0 / 2.
        product(p->kernel, p->MR, p->NR, p->trans_a, p->trans_b, i1 - i0, p->n, p->k, a, p->lda, p->b, p->ldb,
                p->accumulate, p->c + i0 * p->ldc, p->ldc, p->bias, p->relu, p->pool ? p->pool + (i0 / 2) * p->ldp : 0,
                p->ldp, p->pack_full, p->packed);
    } else {
        long j0 = first * p->NR, j1 = end * p->NR < p->n ? end * p->NR : p->n;
        const float *b = p->trans_b ? p->b + j0 * p->ldb : p->b + j0;
        product(p->kernel, p->MR, p->NR, p->trans_a, p->trans_b, p->m, j1 - j0, p->k, p->a, p->lda, b, p->ldb,
                p->accumulate, p->c + j0, p->ldc, p->bias ? p->bias + j0 : 0, p->relu, p->pool ? p->pool + j0 : 0,
                p->ldp, p->pack_full, 0);
    }
}

/// B's panels for `pack_panels`.
typedef struct {
    long NR;
    int trans_b;
    const float *b;
    long ldb, n, k;
    float *packed;
} panels_call;

static void pack_panel_range(void *context, long first, long end) {
    const panels_call *p = context;
    for (long jp = first; jp < end; jp++) {
        long j0 = jp * p->NR, nr = p->n - j0 < p->NR ? p->n - j0 : p->NR;
        pack_b(p->NR, p->trans_b, p->b, p->ldb, j0, nr, p->k, p->packed + jp * p->k * p->NR);
    }
}

/// Every NR-column panel of op(B) over all of k, packed once by the calling thread's team for a product whose
/// row blocks its threads share (`product`'s `packed`), instead of once by each row block.
static const float *pack_panels(long NR, int trans_b, const float *b, long ldb, long n, long k) {
    long panels = (n + NR - 1) / NR;
    panels_call call = {NR, trans_b, b, ldb, n, k, workspace(2, (size_t)(panels * NR * k))};
    ser_team_for(panels, 1, pack_panel_range, &call);
    return call.packed;
}

/// Whether a product on the AVX2 kernel also packs the full panels of a row-major B (`product`'s `pack_full`),
/// which it otherwise reads in place. In place, a panel's rows are ldb floats apart; at ldb = 128, 256 or 384
/// (512, 1024, 1536 bytes) they fall on 8, 4 or 8 of the L1 cache's 64 sets, so a panel of a few hundred rows
/// does not stay in L1 and every row tile streams it from L2 again. The 6 × 16 AVX2 tile needs one 64-byte row of
/// the panel every 12 FMAs, twice as often as the AVX-512 tile, and waits for it. Packed, a panel is contiguous and
/// stays in L1 across the row tiles; packing costs one pass over B, worth it from 8 row tiles up. Measured on
/// the cnn1d's products at batch 32 (Intel Xeon model 207, one core, bench/gemm_shapes.c, both versions
/// alternating): 10 % and 7 % less time by the median step in two hours on the AVX2 kernel (13–17 % on the 128-
/// and 256-filter layers in the quieter one); on the AVX-512 kernel, no difference beyond this machine's noise, so
/// it keeps reading in place (docs/parity-and-benchmarks.md, "Packing B for the AVX2 kernel").
static int packs_full_panels(long MR, int trans_b, long m, long ldb) { return !trans_b && ldb >= 128 && m >= 8 * MR; }

/// A thread's part of a product: its own share first (the rows whose columns its own passes built, in its cache),
/// then what is left of the others' (shares.h).
static void product_part(void *context, int part) {
    product_call *p = context;
    for (long first, end; take_units(p->shares, p->parts, part, &first, &end);) product_piece(p, first, end);
}

void ser_sgemm_with(ser_gemm_kernel which, int trans_a, int trans_b, long m, long n, long k,
                    const float *a, long lda, const float *b, long ldb,
                    int accumulate, float *c, long ldc, const float *bias, int relu, float *pool, long ldp) {
    if (m <= 0 || n <= 0) return;
    if (pool && (m % 2)) { // pairs of rows only
        fputs("ser: pooling pairs of rows needs an even number of rows\n", stderr);
        abort();
    }
    which = ser_gemm_runnable_kernel(which);
    tile_kernel kernel = kernel_generic, narrow = kernel_generic;
    long MR = GENERIC_MR, NR = GENERIC_NR, narrow_nr = GENERIC_NR;
    int avx2 = 0;
#if defined(__x86_64__)
    switch (which) {
    case SER_GEMM_AVX512:
        kernel = kernel_avx512; MR = AVX512_MR; NR = AVX512_NR;
        narrow = kernel_avx512_narrow; narrow_nr = AVX512_NARROW_NR;
        break;
    case SER_GEMM_AVX2:
        kernel = kernel_avx2; narrow = kernel_avx2; MR = AVX2_MR; NR = narrow_nr = AVX2_NR;
        avx2 = 1;
        break;
    default: break;
    }
#endif
    // A wide, short product with a transposed B (a dense layer's input gradient, dy · Wᵀ): packing Wᵀ would cost
    // as much as the product. Cᵀ = op(B)ᵀ · op(A)ᵀ reads W in place instead; each element is the same chain of
    // fused multiply-adds (an FMA's product is exact, so fma(x, y, c) = fma(y, x, c)), written back transposed.
    if (trans_b && !accumulate && !bias && !relu && !pool && n >= 8 * m) {
        float *t = workspace(1, (size_t)(m * n));
        ser_sgemm_with(which, 0, !trans_a, n, m, k, b, ldb, a, lda, 0, t, m, 0, 0, 0, 0);
        if (ldc == n) {
            ser_transpose(n, m, t, c);
        } else {
            for (long i = 0; i < m; i++)
                for (long j = 0; j < n; j++) c[i * ldc + j] = t[j * m + i];
        }
        return;
    }
    if (n <= narrow_nr) NR = narrow_nr, kernel = narrow;
    int pack_full = avx2 && packs_full_panels(MR, trans_b, m, ldb);
    int threads = ser_team_threads();
    // Shared by the calling thread's team (ser_team.h) when there is one and the product is worth a hand-over
    // (about a microsecond): cut into row blocks of whole MR-row tiles, or, for a product of fewer rows, into
    // whole NR-column panels. Every element is still computed by one tile kernel as one chain, so the parts give
    // the bits one pass would.
    if (threads > 1 && (double)m * (double)n * (double)k >= parallel_min_macs) {
        long row_blocks = (m + MR - 1) / MR, panels = (n + NR - 1) / NR;
        int rows = row_blocks >= 2 * threads || (row_blocks >= threads && row_blocks >= panels);
        long units = rows ? row_blocks : panels;
        if (units >= 2 && units <= UINT32_MAX) {
            // Row blocks would each pack all of B: the team packs it once, first, up to 16 MiB of it (a larger
            // B is packed block by block by each piece, as a product alone does, in bounded memory).
            int shared_pack = rows && (trans_b || pack_full) && panels * NR * k <= (1L << 22);
            const float *packed = shared_pack ? pack_panels(NR, trans_b, b, ldb, n, k) : 0;
            share shares[SER_TEAM_MAX]; // a cache line each; only the call's `parts` are initialised
            int parts = share_out(shares, units, threads);
            product_call call = {kernel, MR, NR, trans_a, trans_b, m, n, k, a, lda, b, ldb, accumulate, c, ldc, bias,
                                 relu, pool, ldp, pack_full, packed, rows, parts, shares};
            ser_team_run(parts, product_part, &call);
            return;
        }
    }
    product(kernel, MR, NR, trans_a, trans_b, m, n, k, a, lda, b, ldb, accumulate, c, ldc, bias, relu, pool, ldp,
            pack_full, 0);
}
