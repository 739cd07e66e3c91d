"""ser's GEMM beside OpenBLAS on the products of one cnn1d training step (bench/gemm_shapes.c), same run.

    OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=Haswell python bench/gemm_openblas.py GEMM_SHAPES avx2 [ALTERNATIONS]

GEMM_SHAPES is the built bench/gemm_shapes.c; the kernel (avx512, avx2) is the one ser runs, and OPENBLAS_CORETYPE
should name OpenBLAS's kernels for the same vector width (SkylakeX for AVX-512, Haswell for AVX2): numpy's own
OpenBLAS (the BLAS of the paper's Python stack) on one thread. Both sides run every product of the step ALTERNATIONS
times in turn (default 3), ser's table first, each product in rounds of at least 3 calls and 20 ms of this thread's
CPU time on operands that stay in cache; the fastest round counts on each side, so both see the same minutes of a
shared machine. ser's convolution outputs also add the bias, apply ReLU and write the pair max-pooling in the same
pass, and its weight gradients add to C (as a chunk after the first does), where numpy's products write C; numpy
adds about a microsecond of call overhead to each product. OpenBLAS must run on one thread (OPENBLAS_NUM_THREADS=1):
the times are this thread's CPU time.
"""

import os
import subprocess
import sys
import time

import numpy as np


def openblas_seconds(shape, rounds=3):
    """Fastest seconds per call of numpy's matmul on the product `shape` (op(A) · op(B) with ser's strides)."""
    name, ta, tb, m, n, k, lda, ldb, ldc, times = shape
    assert ldc == n, f"{name}: C with ldc {ldc} != n {n} is not timed here"
    rng = np.random.default_rng(0)
    # op(A) is m × k: stored k × lda transposed, or m × lda; op(B) likewise; views keep the leading dimensions.
    a = rng.random((k, lda) if ta else (m, lda), dtype=np.float32) - 0.5
    b = rng.random((n, ldb) if tb else (k, ldb), dtype=np.float32) - 0.5
    a = a[:, :m].T if ta else a[:, :k]
    b = b[:, :k].T if tb else b[:, :n]
    c = np.empty((m, n), dtype=np.float32)
    best = float("inf")
    for _ in range(rounds):
        calls, start = 0, time.thread_time()
        while True:
            np.matmul(a, b, out=c)
            calls += 1
            elapsed = time.thread_time() - start
            if calls >= 3 and elapsed >= 0.02:
                break
        best = min(best, elapsed / calls)
    return best


def ser_microseconds(binary, kernel):
    """Product name → ser's microseconds per call, from one run of gemm_shapes."""
    out = subprocess.run([binary, kernel], check=True, capture_output=True, text=True,
                         env={**os.environ, "ROUNDS": "3"}).stdout
    result = {}
    for line in out.splitlines()[1:]:
        if line.startswith("step"):
            continue
        f = line.split()
        result[f"{f[0]} {f[1]}"] = float(f[6])
    return result


def main():
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        sys.exit("gemm_openblas: set OPENBLAS_NUM_THREADS=1 (the times are this thread's CPU time)")
    binary, kernel = sys.argv[1], sys.argv[2]
    alternations = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    listing = subprocess.run([binary, "list"], check=True, capture_output=True, text=True).stdout
    shapes = []
    for line in listing.splitlines():
        f = line.split(",")
        shapes.append((f[0],) + tuple(int(v) for v in f[1:]))
    ser = {s[0]: float("inf") for s in shapes}
    blas = {s[0]: float("inf") for s in shapes}
    for _ in range(alternations):
        for name, us in ser_microseconds(binary, kernel).items():
            ser[name] = min(ser[name], us)
        for s in shapes:
            blas[s[0]] = min(blas[s[0]], openblas_seconds(s) * 1e6)
    core = os.environ.get("OPENBLAS_CORETYPE", "detected")
    print(f"{'product':7} {'m':>5} {'n':>5} {'k':>5} {'times':>5} {'ser us':>9} {'OpenBLAS us':>11} {'ratio':>6}")
    step_ser = step_blas = flops = 0.0
    for name, ta, tb, m, n, k, lda, ldb, ldc, times in shapes:
        print(f"{name:7} {m:5} {n:5} {k:5} {times:5} {ser[name]:9.1f} {blas[name]:11.1f} {ser[name] / blas[name]:6.2f}")
        step_ser += ser[name] * times
        step_blas += blas[name] * times
        flops += 2.0 * m * n * k * times
    print(f"step: ser {step_ser:.0f} us ({flops / step_ser * 1e-3:.1f} GFLOP/s), OpenBLAS {core} {step_blas:.0f} us "
          f"({flops / step_blas * 1e-3:.1f} GFLOP/s); ratio ser/OpenBLAS {step_ser / step_blas:.2f} "
          f"(fastest of {alternations} alternations)")


if __name__ == "__main__":
    main()
