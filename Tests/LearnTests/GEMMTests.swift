import CGEMM
import Testing
@testable import Learn
import Support

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

    @Test func accumulateAddsToC() {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [1, 0, 0, 1]
        var c: [Float] = [10, 10, 10, 10]
        GEMM.multiply(m: 2, n: 2, k: 2, a: a, lda: 2, b: b, ldb: 2, accumulate: true, c: &c, ldc: 2)
        #expect(c == [11, 12, 13, 14])
    }
}

/// The GEMM's arithmetic is its definition: every element is one chain of fused multiply-adds over k in
/// ascending order, on every kernel, so results do not depend on the CPU.
@Suite struct GEMMArithmeticTests {
    /// The definition, in Swift: c = fma(a[i][k−1], b[k−1][j], … fma(a[i][0], b[0][j], c0)).
    func definition(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transA: Bool, transB: Bool, c0: [Float]?) -> [Float] {
        var c = c0 ?? [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var acc = c[i * n + j]
                for p in 0..<k {
                    let x = transA ? a[p * m + i] : a[i * k + p], y = transB ? b[j * k + p] : b[p * n + j]
                    acc = acc.addingProduct(x, y)
                }
                c[i * n + j] = acc
            }
        }
        return c
    }

    var kernels: [GEMM.Kernel] { GEMM.Kernel.runnable }

    // (25, 16, 700) and (13, 40, 650): a narrow (16-column) tile and k cut into blocks, every chain continued in C.
    // (60, 130, 300): a row-major B 131 floats apart, which the AVX2 kernel packs whole (`packs_full_panels`).
    @Test(arguments: [(1, 1, 1), (12, 32, 5), (13, 33, 7), (25, 70, 130), (5, 9, 300), (40, 17, 0), (24, 64, 3),
                      (25, 16, 700), (13, 40, 650), (60, 130, 300)])
    func everyKernelComputesTheDefinitionBitForBit(m: Int, n: Int, k: Int) {
        var rng = SplitMix64(seed: UInt64(m * 10_000 + n * 100 + k))
        // Values of very different magnitudes, so that any other summation order would round differently.
        func value() -> Float { (rng.unitFloat() * 2 - 1) * Float(1 << Int(rng.index(below: 12))) }
        let a = (0..<(m * k)).map { _ in value() }, b = (0..<(k * n)).map { _ in value() }
        let c0 = (0..<(m * n)).map { _ in value() }
        // Stored with two (A) and one (B) extra NaN columns per row: a kernel that read them would return NaN.
        func padded(_ x: [Float], rows: Int, cols: Int, extra: Int) -> [Float] {
            (0..<rows).flatMap { r in Array(x[(r * cols)..<((r + 1) * cols)]) + [Float](repeating: .nan, count: extra) }
        }
        for (transA, transB, accumulate) in [(false, false, false), (true, false, false), (false, true, true), (true, true, true)] {
            let expected = definition(a, b, m: m, n: n, k: k, transA: transA, transB: transB, c0: accumulate ? c0 : nil)
            let (aRows, aCols) = transA ? (k, m) : (m, k), (bRows, bCols) = transB ? (n, k) : (k, n)
            let storedA = padded(a, rows: aRows, cols: aCols, extra: 2), storedB = padded(b, rows: bRows, cols: bCols, extra: 1)
            for kernel in kernels {
                var c = accumulate ? c0 : [Float](repeating: .nan, count: m * n)
                GEMM.multiply(kernel: kernel, m: m, n: n, k: k, a: storedA, lda: aCols + 2, transA: transA,
                              b: storedB, ldb: bCols + 1, transB: transB, accumulate: accumulate, c: &c, ldc: n)
                #expect(c.map(\.bitPattern) == expected.map(\.bitPattern),
                        "\(kernel) m \(m) n \(n) k \(k) transA \(transA) transB \(transB) accumulate \(accumulate)")
            }
        }
    }

    /// A short, wide product with a transposed B (a dense layer's input gradient) is computed transposed,
    /// Cᵀ = Bᵀ · Aᵀ, with the same chains.
    @Test(arguments: [(3, 70, 13), (32, 1280, 128), (2, 40, 400)])
    func wideProductsWithTransposedBKeepTheDefinition(m: Int, n: Int, k: Int) {
        var rng = SplitMix64(seed: UInt64(m * 7 + n * 3 + k))
        func value() -> Float { (rng.unitFloat() * 2 - 1) * Float(1 << Int(rng.index(below: 12))) }
        let a = (0..<(m * k)).map { _ in value() }, b = (0..<(k * n)).map { _ in value() }
        for transA in [false, true] {
            let expected = definition(a, b, m: m, n: n, k: k, transA: transA, transB: true, c0: nil)
            for kernel in kernels {
                var c = [Float](repeating: .nan, count: m * n)
                GEMM.multiply(kernel: kernel, m: m, n: n, k: k, a: a, lda: transA ? m : k, transA: transA,
                              b: b, ldb: k, transB: true, c: &c, ldc: n)
                #expect(c.map(\.bitPattern) == expected.map(\.bitPattern), "\(kernel) m \(m) n \(n) k \(k) transA \(transA)")
            }
        }
    }

    @Test(arguments: [(13, 33, 7), (24, 64, 20), (5, 16, 9), (26, 16, 500), (14, 40, 700)])
    func biasAndReLUInTheOutputPassEqualTheSeparateSteps(m: Int, n: Int, k: Int) {
        var rng = SplitMix64(seed: UInt64(m * 100 + n))
        let a = (0..<(m * k)).map { _ in rng.unitFloat() * 2 - 1 }, b = (0..<(k * n)).map { _ in rng.unitFloat() * 2 - 1 }
        let bias = (0..<n).map { _ in rng.unitFloat() - 0.5 }
        let product = definition(a, b, m: m, n: n, k: k, transA: false, transB: false, c0: nil)
        for relu in [false, true] {
            let expected = product.indices.map { i in relu ? max(product[i] + bias[i % n], 0) : product[i] + bias[i % n] }
            for kernel in kernels {
                var c = [Float](repeating: .nan, count: m * n)
                GEMM.multiply(kernel: kernel, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n, bias: bias, relu: relu)
                #expect(c.map(\.bitPattern) == expected.map(\.bitPattern), "\(kernel) m \(m) n \(n) k \(k) relu \(relu)")
            }
            if relu { #expect(expected.contains(0) && expected.contains { $0 > 0 }, "the case exercises both sides of the ReLU") }
        }
    }

    /// A pair max-pooling computed in the product's output pass (a convolution and the MaxPooling1D(2) above it)
    /// gives the bits of the product with its bias and ReLU followed by `ser_max_pool_pairs`, and C is unchanged:
    /// row blocks shorter than a tile (2, 14, 26 and 30 rows), a partial column panel (33 and 40 columns), k cut
    /// into blocks (500, 700), and the ties and zeros a ReLU makes.
    @Test(arguments: [(2, 16, 9), (24, 64, 20), (14, 40, 700), (26, 16, 500), (30, 33, 7)])
    func poolingInTheOutputPassEqualsPoolingAfterwards(m: Int, n: Int, k: Int) {
        var rng = SplitMix64(seed: UInt64(m * 31 + n * 7 + k))
        let a = (0..<(m * k)).map { _ in rng.unitFloat() * 2 - 1 }, b = (0..<(k * n)).map { _ in rng.unitFloat() * 2 - 1 }
        let bias = (0..<n).map { _ in rng.unitFloat() - 0.5 }
        for relu in [false, true] {
            for kernel in kernels {
                var c = [Float](repeating: .nan, count: m * n), expected = [Float](repeating: .nan, count: m / 2 * n)
                GEMM.multiply(kernel: kernel, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n, bias: bias, relu: relu)
                ser_max_pool_pairs(1, m, n, c, &expected)
                var fused = [Float](repeating: .nan, count: m * n), pooled = [Float](repeating: .nan, count: m / 2 * n)
                GEMM.multiply(kernel: kernel, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &fused, ldc: n, bias: bias,
                              relu: relu, pooled: &pooled)
                #expect(fused.map(\.bitPattern) == c.map(\.bitPattern), "\(kernel) m \(m) n \(n) k \(k) relu \(relu): C")
                #expect(pooled.map(\.bitPattern) == expected.map(\.bitPattern), "\(kernel) m \(m) n \(n) k \(k) relu \(relu): pooled")
            }
        }
    }

    /// `ser_transpose` (Conv1D's backward pass transposes its kernel once per batch with it), on shapes that are
    /// not multiples of its 16 × 16 blocks.
    @Test(arguments: [(1, 1), (3, 17), (35, 16), (33, 50), (384, 256)])
    func transposeCopiesEveryValue(rows: Int, cols: Int) {
        let x = (0..<(rows * cols)).map { Float($0) * 0.5 - 3 }
        var y = [Float](repeating: .nan, count: rows * cols)
        ser_transpose(rows, cols, x, &y)
        var expected = [Float](repeating: 0, count: rows * cols)
        for r in 0..<rows { for c in 0..<cols { expected[c * rows + r] = x[r * cols + c] } }
        #expect(y == expected)
    }

    /// Pair max-pooling's backward with the ReLU below fused in gives the bits of the two passes it replaces
    /// (pool gradient, then `ser_mask_relu` on the convolution's output): ties, zeros, −0, negatives, NaN and an
    /// odd last row included.
    @Test(arguments: [4, 5])
    func poolBackwardWithReLUEqualsPoolThenMask(length: Int) {
        let batch = 3, channels = 17
        let specials: [Float] = [0, -0.0, 1, -1, .nan, 2, 2, 0.5, -3, 0]
        let x = (0..<(batch * length * channels)).map { i in i % 3 == 0 ? specials[(i / 3) % specials.count] : Float((i * 37) % 11) - 5 }
        let dy = (0..<(batch * (length / 2) * channels)).map { Float($0 % 13) - 6.5 }
        var separate = [Float](repeating: .nan, count: x.count), fused = separate
        ser_max_pool_pairs_backward(batch, length, channels, x, dy, &separate, 0)
        ser_mask_relu(x.count, &separate, x)
        ser_max_pool_pairs_backward(batch, length, channels, x, dy, &fused, 1)
        #expect(fused.map(\.bitPattern) == separate.map(\.bitPattern))
        #expect(fused.contains { $0 != 0 } && fused.contains(0), "the case has gradients that pass and that are masked")
    }

    /// `ser_im2col` against its definition, on row widths (kernel × channels) that leave every vector tail: 9, 15,
    /// 16 and 35 floats, with zero padding on both sides; `ser_im2col_ones` the same windows in rows one float
    /// longer, ending with a 1.
    @Test(arguments: [(9, 1), (5, 3), (1, 16), (7, 5)], [false, true])
    func im2colCopiesEveryWindow(shape: (kernel: Int, channels: Int), ones: Bool) {
        let (kernel, channels) = shape
        let batch = 3, length = 11, padLeft = (kernel - 1) / 2, width = kernel * channels
        let ld = ones ? width + 1 : width
        let x = (0..<(batch * length * channels)).map { Float($0) + 0.25 }
        var cols = [Float](repeating: .nan, count: batch * length * ld)
        if ones {
            ser_im2col_ones(batch, length, channels, kernel, length, padLeft, x, &cols)
        } else {
            ser_im2col(batch, length, channels, kernel, length, padLeft, x, &cols)
        }
        var expected = [Float](repeating: 0, count: cols.count)
        for b in 0..<batch {
            for t in 0..<length {
                for j in 0..<kernel where (0..<length).contains(t - padLeft + j) {
                    for c in 0..<channels {
                        expected[(b * length + t) * ld + j * channels + c] = x[(b * length + t - padLeft + j) * channels + c]
                    }
                }
                if ones { expected[(b * length + t) * ld + width] = 1 }
            }
        }
        #expect(cols.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    /// The weight-gradient product over columns that end with a 1 gives, as its last row, the bias gradient with
    /// the bits of `ser_column_sums` (fma(1, y, s) = s + y), chunk after chunk, on every kernel.
    @Test func aRowOfOnesGivesTheColumnSums() {
        var rng = SplitMix64(seed: 11)
        let rows = 300, n = 40, k = 7
        // Very different magnitudes (any other order of the sums would round differently), and signed zeros.
        let dy = (0..<(rows * n)).map { i -> Float in
            i % 13 == 0 ? -0.0 : (rng.unitFloat() * 2 - 1) * Float(1 << Int(rng.index(below: 14)))
        }
        var cols = [Float](repeating: 0, count: rows * (k + 1))
        for r in 0..<rows {
            for j in 0..<k { cols[r * (k + 1) + j] = rng.unitFloat() - 0.5 }
            cols[r * (k + 1) + k] = 1
        }
        var sums = [Float](repeating: 0, count: n)
        ser_column_sums(180, n, dy, &sums, 0)
        dy.withUnsafeBufferPointer { ser_column_sums(rows - 180, n, $0.baseAddress! + 180 * n, &sums, 1) }
        for kernel in kernels {
            var grads = [Float](repeating: .nan, count: (k + 1) * n)
            // Two chunks of rows, the second continuing the first's sums.
            cols.withUnsafeBufferPointer { c in
                dy.withUnsafeBufferPointer { d in
                    grads.withUnsafeMutableBufferPointer { g in
                        GEMM.multiply(kernel: kernel, m: k + 1, n: n, k: 180, a: c.baseAddress!, lda: k + 1, transA: true,
                                      b: d.baseAddress!, ldb: n, c: g.baseAddress!, ldc: n)
                        GEMM.multiply(kernel: kernel, m: k + 1, n: n, k: rows - 180, a: c.baseAddress! + 180 * (k + 1),
                                      lda: k + 1, transA: true, b: d.baseAddress! + 180 * n, ldb: n, accumulate: true,
                                      c: g.baseAddress!, ldc: n)
                    }
                }
            }
            #expect(Array(grads[(k * n)...]).map(\.bitPattern) == sums.map(\.bitPattern), "\(kernel)")
        }
    }

    @Test func stridedOperandsAndOutput() {
        // A 3×4 block of a 5×6 matrix times a 4×2 block of a 4×9 matrix into a 3×2 block of a 3×7 one.
        let a = (0..<30).map { Float($0) / 7 }, b = (0..<36).map { Float($0 % 5) - 2 }
        var c = [Float](repeating: -1, count: 21)
        GEMM.multiply(m: 3, n: 2, k: 4, a: a, lda: 6, b: b, ldb: 9, c: &c, ldc: 7)
        for i in 0..<3 {
            for j in 0..<2 {
                var acc: Float = 0
                for p in 0..<4 { acc = acc.addingProduct(a[i * 6 + p], b[p * 9 + j]) }
                #expect(c[i * 7 + j].bitPattern == acc.bitPattern)
            }
            #expect(c[(i * 7 + 2)...(i * 7 + 6)].allSatisfy { $0 == -1 }, "nothing outside the block is written")
        }
    }
}

/// Conv1D runs a batch in chunks of samples; its column workspace must hold the largest chunk of every batch up
/// to the reserved one (a smaller batch may cut into fewer, larger chunks: 8 samples → 2 × 4, 7 → 1 × 7).
@Suite struct ConvChunkTests {
    /// cnn1d's five ReLU convolutions each hand their ReLU's gradient to the pair max-pooling above them; a linear
    /// convolution, or a pooling that is not of pairs, keeps both passes.
    @Test func reluConvolutionsUnderPairPoolingsShareOnePass() throws {
        let cnn = try Network(spec: .cnn1d(classes: 7))
        let convs = cnn.kernels.compactMap { $0 as? Conv1DKernel }, pools = cnn.kernels.compactMap { $0 as? MaxPooling1DKernel }
        #expect(convs.count == 5 && convs.allSatisfy(\.receivesMaskedGradient))
        #expect(pools.count == 5 && pools.allSatisfy(\.masksReLUBelow))
        // …and each convolution writes the pooling above it in its own output pass.
        let pooled = cnn.kernels.indices.filter { cnn.isPooledByConvolution($0) }
        #expect(pooled == cnn.kernels.indices.filter { cnn.kernels[$0] is MaxPooling1DKernel })
        let other = try Network(spec: ModelSpec(inputLength: 30, kinds: [
            .conv1D(filters: 3, kernelSize: 5, padding: .same, activation: .linear), .maxPooling1D(poolSize: 2),
            .conv1D(filters: 3, kernelSize: 3, padding: .same, activation: .relu), .maxPooling1D(poolSize: 3, strides: 2),
            .flatten, .dense(units: 2, activation: .softmax)]))
        #expect(other.kernels.compactMap { $0 as? Conv1DKernel }.allSatisfy { !$0.receivesMaskedGradient })
        #expect(other.kernels.compactMap { $0 as? MaxPooling1DKernel }.allSatisfy { !$0.masksReLUBelow })
        // The linear convolution (30 steps) computes its pair pooling; the pooling of 3 is not fused.
        #expect(other.kernels.indices.filter { other.isPooledByConvolution($0) } == [1])
    }

    /// cnn1d's forward pass, with each convolution writing the pooling above it, gives the bits of its layers run
    /// one by one (each pooling on its own), on a batch that cuts into uneven chunks.
    @Test func theFusedForwardPassEqualsTheLayersOneByOne() throws {
        let net = try Network(spec: .cnn1d(classes: 7))
        var rng = SplitMix64(seed: 5)
        net.initialize(using: &rng)
        let batch = 13
        net.reserve(batch: batch)
        for i in 0..<(batch * net.inputSize) { net.input[i] = rng.unitFloat() * 4 - 2 }
        net.forward(batch: batch, training: false, rng: &rng)
        var x = Array(UnsafeBufferPointer(start: net.input, count: batch * net.inputSize))
        for (i, kernel) in net.kernels.enumerated() {
            var y = [Float](repeating: .nan, count: batch * kernel.outputSize)
            kernel.forward(x, &y, batch: batch, params: net.weights.pointer + net.offsets[i], training: false, rng: &rng)
            let fused = Array(UnsafeBufferPointer(start: net.activations[i + 1].pointer, count: y.count))
            #expect(fused.map(\.bitPattern) == y.map(\.bitPattern), "layer \(i)")
            x = y
        }
    }

    @Test func theColumnWorkspaceHoldsEveryBatchesLargestChunk() {
        // 100 steps × (3 × 31) columns: 7 samples per chunk.
        let conv = Conv1DKernel(inLength: 100, inChannels: 31, filters: 4, kernelSize: 3, padding: .same, activation: .relu)
        #expect(conv.chunkSamples == 7)
        for reserved in [1, 8, 15, 32] {
            let kernel = Conv1DKernel(inLength: 100, inChannels: 31, filters: 4, kernelSize: 3, padding: .same, activation: .relu)
            kernel.reserve(batch: reserved)
            for batch in 1...reserved {
                let chunks = kernel.chunks(batch)
                #expect(chunks.count * chunks.size >= batch && chunks.size <= kernel.chunkSamples)
                #expect(kernel.cols.capacity >= chunks.size * kernel.outLength * kernel.rowWidth, "reserved \(reserved), batch \(batch)")
            }
        }
    }
}
