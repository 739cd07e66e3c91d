import CBLAS

/// Matrix products through OpenBLAS: the one place Learn calls `cblas_sgemm`.
public enum GEMM {
    /// C = alpha · op(A) · op(B) + beta · C, all row-major.
    ///
    /// - Parameters: `m`, `n`, `k`: op(A) is m×k, op(B) is k×n, C is m×n. `transA`/`transB` transpose the stored
    ///   matrix; `lda`, `ldb`, `ldc` are row strides of the stored matrices.
    ///
    /// Wraps `cblas_sgemm` (CblasRowMajor).
    @inlinable
    public static func multiply(
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, transA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transB: Bool = false,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k),
                    alpha, a, blasint(lda), b, blasint(ldb),
                    beta, c, blasint(ldc))
    }

    /// Sets the number of threads OpenBLAS uses (`openblas_set_num_threads`).
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }
}
