// Single-core FMA peak of this CPU, for bench-learn.sh: GFLOP/s of independent fused multiply-adds on the widest
// vectors ser's GEMM uses here (AVX-512, else AVX2 + FMA), measured in thread CPU time (a busy machine disturbs
// it less than wall time). Prints one JSON line: {"isa": ..., "gflops": ...}. `fma_peak avx2` measures the AVX2 +
// FMA peak even where AVX-512 exists (the peak of ser's AVX2 kernel, SER_GEMM_KERNEL=avx2).
// Build: cc -O2 bench/fma_peak.c -o fma_peak
#include <immintrin.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// Independent accumulators hide the FMA latency (4–5 cycles) on two FMA ports: 24 of AVX-512's 32 registers,
// 12 of AVX2's 16 (more would spill to the stack).
#define CHAINS 24
#define CHAINS_256 12

__attribute__((target("avx512f"), noinline)) static float run512(long n) {
    __m512 acc[CHAINS], a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float)i);
    for (long r = 0; r < n; r++)
#pragma clang loop unroll(full)
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    __m512 s = acc[0];
    for (int i = 1; i < CHAINS; i++) s = _mm512_add_ps(s, acc[i]);
    return _mm512_reduce_add_ps(s);
}

__attribute__((target("avx2,fma"), noinline)) static float run256(long n) {
    __m256 acc[CHAINS_256], a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS_256; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long r = 0; r < n; r++)
#pragma clang loop unroll(full)
        for (int i = 0; i < CHAINS_256; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    float out[8];
    __m256 s = acc[0];
    for (int i = 1; i < CHAINS_256; i++) s = _mm256_add_ps(s, acc[i]);
    _mm256_storeu_ps(out, s);
    return out[0];
}

int main(int argc, char **argv) {
    __builtin_cpu_init();
    int wide = __builtin_cpu_supports("avx512f") && !(argc > 1 && !strcmp(argv[1], "avx2"));
    if (!wide && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
        puts("{\"isa\": \"none\", \"gflops\": 0}");
        return 0;
    }
    long n = 20000000;
    double best = 0;
    volatile float sink = 0;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = cpu_seconds();
        sink += wide ? run512(n) : run256(n);
        double t = cpu_seconds() - t0;
        double gflops = 2.0 * (wide ? CHAINS * 16 : CHAINS_256 * 8) * n / t * 1e-9;
        if (gflops > best) best = gflops;
    }
    printf("{\"isa\": \"%s\", \"gflops\": %.1f}\n", wide ? "avx512" : "avx2", best);
    return 0;
}
