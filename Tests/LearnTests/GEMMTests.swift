import Testing
@testable import Learn

@Suite struct GEMMTests {
    func naive(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { c[i * n + j] += a[i * k + p] * b[p * n + j] } } }
        return c
    }

    func transpose(_ x: [Float], rows: Int, cols: Int) -> [Float] {
        var t = [Float](repeating: 0, count: x.count)
        for r in 0..<rows { for c in 0..<cols { t[c * rows + r] = x[r * cols + c] } }
        return t
    }

    @Test(arguments: [(2, 3, 4), (5, 1, 7), (13, 11, 9), (1, 1, 1)])
    func sgemmEqualsNaiveProduct(m: Int, n: Int, k: Int) {
        var rng = SystemRandomNumberGenerator()
        let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &rng) }
        let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
        let expected = naive(a, b, m: m, n: n, k: k)
        var c = [Float](repeating: 0, count: m * n)
        GEMM.multiply(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n)
        for (x, y) in zip(c, expected) { #expect(abs(x - y) < 1e-5) }

        // Transposed operands give the same product.
        let at = transpose(a, rows: m, cols: k), bt = transpose(b, rows: k, cols: n)
        var c2 = [Float](repeating: 0, count: m * n)
        GEMM.multiply(m: m, n: n, k: k, a: at, lda: m, transA: true, b: bt, ldb: k, transB: true, c: &c2, ldc: n)
        for (x, y) in zip(c2, expected) { #expect(abs(x - y) < 1e-5) }
    }

    @Test func betaAccumulates() {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [1, 0, 0, 1]
        var c: [Float] = [10, 10, 10, 10]
        GEMM.multiply(m: 2, n: 2, k: 2, alpha: 2, a: a, lda: 2, b: b, ldb: 2, beta: 1, c: &c, ldc: 2)
        #expect(c == [12, 14, 16, 18])
    }
}
