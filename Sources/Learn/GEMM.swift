import CGEMM

/// Matrix products: the one place Learn multiplies matrices, through ser's own GEMM (`Sources/CGEMM`).
///
/// Every element of a product is one chain of fused multiply-adds over k in ascending order, so the result
/// does not depend on the CPU: the AVX-512, AVX2 and generic kernels give the same bits. ser does not use
/// OpenBLAS, whose kernel and summation order change with the CPU (docs/parity-and-benchmarks.md).
public enum GEMM {
    /// C = op(A) · op(B), or C += op(A) · op(B) when `accumulate`, all row-major.
    ///
    /// - Parameters: `m`, `n`, `k`: op(A) is m×k, op(B) is k×n, C is m×n. `transA`/`transB` transpose the stored
    ///   matrix; `lda`, `ldb`, `ldc` are row strides of the stored matrices.
    ///
    /// Wraps `ser_sgemm`.
    @inlinable
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transB: Bool = false,
        accumulate: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        ser_sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, a, lda, b, ldb, accumulate ? 1 : 0, c, ldc)
    }

    /// C = op(A) · op(B) + bias (one value per column, a separate addition after each chain), then ReLU when
    /// `relu` (max(v, 0) as Swift computes it), in the same pass over C: a layer's output is written once. With
    /// `pooled`, the same pass also writes the pair max-pooling of C's rows (MaxPooling1D(2) of a channels-last
    /// Conv1D output) there: m / 2 rows of n (row stride n), each value second > first ? second : first of rows 2q
    /// and 2q + 1, as `ser_max_pool_pairs` computes it; m must then be even.
    ///
    /// Wraps `ser_sgemm_bias_pool`.
    @inlinable
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        bias: UnsafePointer<Float>, relu: Bool, pooled: UnsafeMutablePointer<Float>? = nil
    ) {
        ser_sgemm_bias_pool(transA ? 1 : 0, transB ? 1 : 0, m, n, k, a, lda, b, ldb, c, ldc, bias, relu ? 1 : 0, pooled, n)
    }

    /// The instruction sets the GEMM can run on; all give the same bits.
    public enum Kernel: String, CaseIterable, Sendable {
        case generic, avx2, avx512

        init(_ k: ser_gemm_kernel) {
            switch k {
            case SER_GEMM_AVX512: self = .avx512
            case SER_GEMM_AVX2: self = .avx2
            default: self = .generic
            }
        }

        var code: ser_gemm_kernel {
            switch self {
            case .generic: SER_GEMM_GENERIC
            case .avx2: SER_GEMM_AVX2
            case .avx512: SER_GEMM_AVX512
            }
        }
    }

    /// The kernel in use: the best this CPU runs (`ser_gemm_best_kernel`), unless the environment variable
    /// `SER_GEMM_KERNEL` (generic, avx2, avx512; read once) names a slower one. Wraps `ser_gemm_current_kernel`.
    public static var kernel: Kernel { Kernel(ser_gemm_current_kernel()) }

    /// The fastest kernel this CPU runs (`ser_gemm_best_kernel`).
    public static var bestKernel: Kernel { Kernel(ser_gemm_best_kernel()) }

    /// `multiply` on a given kernel (the best the CPU has when it lacks that one): for tests that compare kernels.
    /// Wraps `ser_sgemm_with`.
    public static func multiply(
        kernel: Kernel, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transB: Bool = false,
        accumulate: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        bias: UnsafePointer<Float>? = nil, relu: Bool = false, pooled: UnsafeMutablePointer<Float>? = nil
    ) {
        ser_sgemm_with(kernel.code, transA ? 1 : 0, transB ? 1 : 0, m, n, k, a, lda, b, ldb, accumulate ? 1 : 0, c, ldc,
                       bias, relu ? 1 : 0, pooled, n)
    }
}
