// The products of one cnn1d training step (ser's default sizes, batch 32, on one core) through ser's GEMM
// (Sources/CGEMM), each timed alone: which shapes run near the FMA peak (bench/fma_peak.c) and which do not.
// Build it with clang, as SwiftPM builds CGEMM: GCC 12 ignores the kernels' unroll pragmas and runs them about 3×
// slower.
// bench-learn.sh runs it; by hand:
//
//     clang -O2 -ISources/CGEMM/include bench/gemm_shapes.c Sources/CGEMM/*.c -lpthread -lm -o /tmp/gemm_shapes
//     /tmp/gemm_shapes avx2      # or avx512, generic; ROUNDS=n (default 5)
//     /tmp/gemm_shapes list      # the products only, for bench/gemm_openblas.py: name, trans_a, trans_b, m, n, k,
//                                # lda, ldb, ldc, times per step
//
// Each shape runs `ROUNDS` rounds of calls in a row, each round at least 3 calls and 20 ms; the fastest round's
// time per call counts (this thread's CPU time, which other processes disturb less than the wall clock). The operands stay in cache between calls, as most of them do
// in training. A convolution's products come once per chunk of the batch (Conv1DKernel.chunks: the samples whose
// columns fit 256 KiB), so its row count is the chunk's and the step's time counts it once per chunk. The
// names: L1…L5 the convolutions, D1 and D2 the hidden dense layers; fwd the output (with bias, ReLU and the pair
// max-pooling for a convolution), dW the weight gradient (a convolution's with the bias gradient as its last row:
// columns ending with a 1), dX the input gradient (none for L1, whose input gradient is not needed).

#define _GNU_SOURCE
#include "ser_gemm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char name[16];
    int trans_a, trans_b;
    long m, n, k, lda, ldb, ldc;
    int epilogue, accumulate, times;
} shape;

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    ser_gemm_kernel kernel = ser_gemm_best_kernel();
    int list = argc > 1 && strcmp(argv[1], "list") == 0;
    if (argc > 1 && strcmp(argv[1], "avx2") == 0) kernel = SER_GEMM_AVX2;
    else if (argc > 1 && strcmp(argv[1], "generic") == 0) kernel = SER_GEMM_GENERIC;
    else if (argc > 1 && !list && strcmp(argv[1], "avx512") != 0) {
        fprintf(stderr, "usage: gemm_shapes [avx512|avx2|generic|list]\n");
        return 2;
    }
    if (kernel > ser_gemm_best_kernel()) {
        fprintf(stderr, "gemm_shapes: this CPU cannot run the %s kernel\n", argv[1]);
        return 2;
    }
    int rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 5;
    if (rounds < 1) rounds = 1;
    // cnn1d on 160 × 1: (length, channels in, kernel, filters); samples per chunk = 65536 floats of columns.
    const long batch = 32;
    const struct { long length, channels, kernel, filters; } conv[] = {
        {160, 1, 9, 16}, {80, 16, 7, 32}, {40, 32, 5, 64}, {20, 64, 3, 128}, {10, 128, 3, 256}};
    shape s[32];
    int count = 0;
    for (int l = 0; l < 5; l++) {
        long kc = conv[l].kernel * conv[l].channels, f = conv[l].filters;
        long most = 65536 / (conv[l].length * kc), chunks = (batch + most - 1) / most;
        long samples = (batch + chunks - 1) / chunks, rows = samples * conv[l].length;
        s[count] = (shape){"", 0, 0, rows, f, kc, kc, f, f, 1, 0, (int)chunks};
        snprintf(s[count++].name, 16, "L%d fwd", l + 1);
        s[count] = (shape){"", 1, 0, kc + 1, f, rows, kc + 1, f, f, 0, 1, (int)chunks};
        snprintf(s[count++].name, 16, "L%d dW", l + 1);
        if (l > 0) {
            s[count] = (shape){"", 0, 0, rows, kc, f, f, kc, kc, 0, 0, (int)chunks};
            snprintf(s[count++].name, 16, "L%d dX", l + 1);
        }
    }
    const long dense[][2] = {{1280, 128}, {128, 64}};
    for (int l = 0; l < 2; l++) {
        long in = dense[l][0], out = dense[l][1];
        s[count] = (shape){"", 0, 0, batch, out, in, in, out, out, 0, 0, 1};
        snprintf(s[count++].name, 16, "D%d fwd", l + 1);
        s[count] = (shape){"", 1, 0, in, out, batch, in, out, out, 0, 0, 1};
        snprintf(s[count++].name, 16, "D%d dW", l + 1);
        s[count] = (shape){"", 0, 1, batch, in, out, out, out, in, 0, 0, 1};
        snprintf(s[count++].name, 16, "D%d dX", l + 1);
    }
    if (list) {
        for (int q = 0; q < count; q++)
            printf("%s,%d,%d,%ld,%ld,%ld,%ld,%ld,%ld,%d\n", s[q].name, s[q].trans_a, s[q].trans_b, s[q].m, s[q].n, s[q].k,
                   s[q].lda, s[q].ldb, s[q].ldc, s[q].times);
        return 0;
    }
    const long size = 1L << 22;
    float *a = malloc(size * sizeof(float)), *b = malloc(size * sizeof(float)), *c = malloc(size * sizeof(float)),
          *pool = malloc(size * sizeof(float)), *bias = malloc(1024 * sizeof(float));
    if (!a || !b || !c || !pool || !bias) return 1;
    for (long i = 0; i < size; i++) {
        a[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
        b[i] = (float)((i * 104729) % 1000) / 1000.0f - 0.5f;
        c[i] = 0;
    }
    for (int i = 0; i < 1024; i++) bias[i] = 0.01f * (float)i;
    printf("%-7s %5s %5s %5s %6s %10s %8s\n", "product", "m", "n", "k", "times", "us", "GFLOP/s");
    double step = 0, flops = 0;
    for (int q = 0; q < count; q++) {
        const shape *x = &s[q];
        double f = 2.0 * (double)x->m * (double)x->n * (double)x->k, best = 1e30;
        for (int r = 0; r < rounds; r++) {
            double t0 = cpu_seconds(), t;
            long calls = 0;
            do {
                ser_sgemm_with(kernel, x->trans_a, x->trans_b, x->m, x->n, x->k, a, x->lda, b, x->ldb, x->accumulate,
                               c, x->ldc, x->epilogue ? bias : 0, x->epilogue, x->epilogue ? pool : 0, x->n);
                calls++;
                t = cpu_seconds() - t0;
            } while (calls < 3 || t < 0.02);
            if (t / (double)calls < best) best = t / (double)calls;
        }
        printf("%-7s %5ld %5ld %5ld %6d %10.1f %8.1f\n", x->name, x->m, x->n, x->k, x->times, best * 1e6, f / best * 1e-9);
        step += best * x->times;
        flops += f * x->times;
    }
    printf("step %.0f us, %.1f GFLOP/s\n", step * 1e6, flops / step * 1e-9);
    return 0;
}
