import CGEMM
import Support

/// The computation of one layer over a batch, on flat buffers (batch-major, channels last).
///
/// `forward` reads `x` (batch × inputSize) and writes `y` (batch × outputSize); `backward` takes the
/// gradient `dy` with respect to `y` (it may overwrite it), accumulates nothing: it *writes* the weight
/// gradients into `grads` when given and the input gradient into `dx` when given. A layer whose activation
/// is softmax receives in `dy` the gradient with respect to its logits (the fused loss computes it).
/// Workspaces are allocated by `reserve(batch:)`, never inside forward/backward.
protocol LayerKernel: AnyObject {
    var inputSize: Int { get }
    var outputSize: Int { get }
    var parameterCount: Int { get }
    func initialize(_ params: UnsafeMutablePointer<Float>, using rng: inout SplitMix64)
    func reserve(batch: Int)
    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                 params: UnsafePointer<Float>, training: Bool, rng: inout SplitMix64)
    func backward(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafeMutablePointer<Float>,
                  dx: UnsafeMutablePointer<Float>?, batch: Int,
                  params: UnsafePointer<Float>, grads: UnsafeMutablePointer<Float>?)
}

/// Glorot (Xavier) uniform: U(−l, l) with l = sqrt(6 / (fan_in + fan_out)), Keras's default kernel initializer.
func glorotUniform(_ p: UnsafeMutablePointer<Float>, count: Int, fanIn: Int, fanOut: Int, using rng: inout SplitMix64) {
    let limit = (6 / Float(fanIn + fanOut)).squareRoot()
    for i in 0..<count { p[i] = (rng.unitFloat() * 2 - 1) * limit }
}

/// Adds `bias` (n values) to every row of `y` (rows × n) and applies `activation` in place.
func addBiasAndActivate(_ y: UnsafeMutablePointer<Float>, rows: Int, n: Int, bias: UnsafePointer<Float>, activation: Activation) {
    switch activation {
    case .linear:
        for r in 0..<rows {
            let row = y + r * n
            for j in 0..<n { row[j] += bias[j] }
        }
    case .relu:
        for r in 0..<rows {
            let row = y + r * n
            for j in 0..<n { row[j] = max(row[j] + bias[j], 0) }
        }
    case .softmax:
        for r in 0..<rows {
            let row = y + r * n
            var top = -Float.infinity
            for j in 0..<n { row[j] += bias[j]; top = max(top, row[j]) }
            var sum: Float = 0
            for j in 0..<n { let e = PortableMath.exp(row[j] - top); row[j] = e; sum += e }
            let inv = 1 / sum
            for j in 0..<n { row[j] *= inv }
        }
    }
}

/// y = a · W + b, activated: the weights are `weights` (k × n) followed by the bias (n). Bias and ReLU run in the
/// GEMM's output pass; softmax afterwards (same values as `addBiasAndActivate` after a plain product). With
/// `pooled` (linear or ReLU, m even) the same pass also writes the pair max-pooling of y's rows there.
func multiplyAddBias(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, weights: UnsafePointer<Float>,
                     y: UnsafeMutablePointer<Float>, activation: Activation, pooled: UnsafeMutablePointer<Float>? = nil) {
    let bias = weights + k * n
    switch activation {
    case .linear, .relu:
        GEMM.multiply(m: m, n: n, k: k, a: a, lda: lda, b: weights, ldb: n, c: y, ldc: n, bias: bias,
                      relu: activation == .relu, pooled: pooled)
    case .softmax:
        precondition(pooled == nil, "pooling is fused only into a linear or ReLU output pass")
        GEMM.multiply(m: m, n: n, k: k, a: a, lda: lda, b: weights, ldb: n, c: y, ldc: n)
        addBiasAndActivate(y, rows: m, n: n, bias: bias, activation: activation)
    }
}

/// Zeroes `dy` where a ReLU output was 0 (derivative 0 at 0, as TensorFlow): `ser_mask_relu`, vectorised.
func maskReLU(_ dy: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, count: Int) {
    ser_mask_relu(count, dy, y)
}

/// dst[i] += src[i] for i < count: `ser_add`, vectorised.
@inline(__always)
func addInPlace(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, count: Int) {
    ser_add(count, dst, src)
}

/// Column sums of `m` (rows × n) into `out` (n): ((0 + row 0) + row 1) + …, or, when `accumulate`, continuing
/// the sums already in `out` (((out + row 0) + row 1) + …). `ser_column_sums`.
func columnSums(_ m: UnsafePointer<Float>, rows: Int, n: Int, into out: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
    ser_column_sums(rows, n, m, out, accumulate ? 1 : 0)
}

/// Conv1D (stride 1) as im2col + GEMM: the column matrix holds, for each output step, the kernel_size ×
/// in_channels input values under the kernel (zeros outside for same padding): `ser_im2col`; backward scatters
/// the columns' gradient back with `ser_col2im`. Both are vectorised copies and additions in a fixed order.
///
/// The batch runs in chunks of samples whose column matrix (at most `columnBudget` floats) stays in the core's
/// cache between im2col and the GEMM that reads it; backward builds each chunk's columns again, each row ending
/// with a 1 (`ser_im2col_ones`), so that one product gives the weight and bias gradients. Every output row
/// is its own chain, and the weight and bias gradients continue their sums chunk after chunk in row order, so the
/// results are those of one pass over the whole batch, bit for bit.
final class Conv1DKernel: LayerKernel {
    let inLength: Int, inChannels: Int, kernelSize: Int, filters: Int, outLength: Int, padLeft: Int
    let activation: Activation
    let cols = FloatBuffer(count: 1)
    /// The kernel transposed (filters × rowWidth), made once per backward pass: the input gradient's products then
    /// read it in place, chunk after chunk, instead of packing Wᵀ again for every chunk.
    let transposed: FloatBuffer
    /// Whether the layer above (a pair max-pooling, `MaxPooling1DKernel.masksReLUBelow`) already applied this
    /// layer's ReLU gradient to `dy`: backward then skips its own pass over it (the mask is the same either way).
    var receivesMaskedGradient = false
    /// Whether the pair max-pooling above can be computed in this layer's output pass (`forward(_:_:pooled:…)`):
    /// a linear or ReLU activation and an even output length, so that no pair straddles two samples.
    var canPoolPairs: Bool { activation != .softmax && outLength % 2 == 0 }
    /// Floats of one chunk's column matrix (256 KiB: an eighth of this machine's 2 MiB L2, beside the chunk's
    /// input, output and gradients).
    static let columnBudget = 64 * 1024

    init(inLength: Int, inChannels: Int, filters: Int, kernelSize: Int, padding: Padding, activation: Activation) {
        self.inLength = inLength
        self.inChannels = inChannels
        self.kernelSize = kernelSize
        self.filters = filters
        self.activation = activation
        switch padding {
        case .valid:
            outLength = inLength - kernelSize + 1
            padLeft = 0
        case .same:
            outLength = inLength
            padLeft = (kernelSize - 1) / 2
        }
        transposed = FloatBuffer(count: kernelSize * inChannels * filters)
    }

    var inputSize: Int { inLength * inChannels }
    var outputSize: Int { outLength * filters }
    var rowWidth: Int { kernelSize * inChannels }
    var parameterCount: Int { rowWidth * filters + filters }
    /// Samples per chunk: as many as the column budget holds (at least one).
    var chunkSamples: Int { chunkSamples(threads: 1) }

    /// Samples per chunk when `threads` threads share each chunk's passes and products (`ProductTeam`): each
    /// builds and reads about its share of the columns, in its own core's cache, so the budget is per thread.
    func chunkSamples(threads: Int) -> Int { max(1, Self.columnBudget * max(threads, 1) / max(outLength * rowWidth, 1)) }

    /// The chunks of a batch: `count` chunks of nearly equal sizes, none above `chunkSamples(threads:)`.
    func chunks(_ batch: Int, threads: Int = 1) -> (count: Int, size: Int) {
        let most = chunkSamples(threads: threads)
        let count = max(1, (batch + most - 1) / most)
        return (count, (batch + count - 1) / count)
    }

    /// The chunk size for a batch on the calling thread's team, with room for its columns (and backward's column
    /// of ones).
    private func chunkSize(_ batch: Int) -> Int {
        let size = chunks(batch, threads: Int(ser_team_threads())).size
        cols.reserve(size * outLength * (rowWidth + 1))
        return size
    }

    func initialize(_ params: UnsafeMutablePointer<Float>, using rng: inout SplitMix64) {
        glorotUniform(params, count: rowWidth * filters, fanIn: kernelSize * inChannels, fanOut: kernelSize * filters, using: &rng)
        (params + rowWidth * filters).update(repeating: 0, count: filters)
    }

    /// Room for the largest chunk of any batch up to `batch` (a smaller batch may cut into fewer, larger chunks).
    func reserve(batch: Int) { cols.reserve(min(batch, chunkSamples) * outLength * (rowWidth + 1)) }

    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                 params: UnsafePointer<Float>, training: Bool, rng: inout SplitMix64) {
        forward(x, y, pooled: nil, batch: batch, params: params)
    }

    /// Forward; with `pooled` (`canPoolPairs`), also the output of the MaxPooling1D(2) above, written in the same
    /// pass over each output tile (the bits `ser_max_pool_pairs` gives, one pass over y fewer).
    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, pooled: UnsafeMutablePointer<Float>?,
                 batch: Int, params: UnsafePointer<Float>) {
        precondition(pooled == nil || canPoolPairs)
        let kc = rowWidth, size = chunkSize(batch), c = cols.pointer
        var first = 0
        while first < batch {
            let samples = min(size, batch - first)
            ser_im2col(samples, inLength, inChannels, kernelSize, outLength, padLeft, x + first * inputSize, c)
            multiplyAddBias(m: samples * outLength, n: filters, k: kc, a: c, lda: kc, weights: params,
                            y: y + first * outputSize, activation: activation, pooled: pooled.map { $0 + first * outputSize / 2 })
            first += samples
        }
    }

    func backward(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafeMutablePointer<Float>,
                  dx: UnsafeMutablePointer<Float>?, batch: Int,
                  params: UnsafePointer<Float>, grads: UnsafeMutablePointer<Float>?) {
        let kc = rowWidth, size = chunkSize(batch), c = cols.pointer, wT = transposed.pointer
        if dx != nil { ser_transpose(kc, filters, params, wT) }
        var first = 0
        while first < batch {
            let samples = min(size, batch - first), rows = samples * outLength
            let dyc = dy + first * outputSize
            if activation == .relu && !receivesMaskedGradient { maskReLU(dyc, output: y + first * outputSize, count: rows * filters) }
            if let grads {
                // Weight and bias gradients: sums over the batch's rows in order, continued chunk after chunk, in
                // one product: the columns end with a 1, so the product's last row is the bias gradient, dy's
                // column sums (the bias follows the kernel in `grads`).
                ser_im2col_ones(samples, inLength, inChannels, kernelSize, outLength, padLeft, x + first * inputSize, c)
                GEMM.multiply(m: kc + 1, n: filters, k: rows, a: c, lda: kc + 1, transA: true, b: dyc, ldb: filters,
                              accumulate: first > 0, c: grads, ldc: filters)
            }
            if let dx {
                // The chunk's columns receive d(cols) = dy · Wᵀ, then col2im scatters them.
                GEMM.multiply(m: rows, n: kc, k: filters, a: dyc, lda: filters, b: wT, ldb: kc, c: c, ldc: kc)
                ser_col2im(samples, inLength, inChannels, kernelSize, outLength, padLeft, c, dx + first * inputSize)
            }
            first += samples
        }
    }
}

/// MaxPooling1D with 'valid' padding: output length floor((L − pool) / stride) + 1; the gradient flows to
/// the first maximum of each window.
///
/// cnn1d's pool (2, stride 2) takes non-overlapping pairs of rows elementwise (`ser_max_pool_pairs`, vectorised),
/// and stores no indices: backward finds the winning row again from the input (`second > first`, as forward chose).
/// In a `Network`, such a pool above a Conv1D is written by the convolution's output pass instead (same bits; see
/// `Conv1DKernel.canPoolPairs`). Other pools record the index of each maximum.
final class MaxPooling1DKernel: LayerKernel {
    let inLength: Int, channels: Int, poolSize: Int, stride: Int, outLength: Int
    let argmax = IndexBuffer(count: 1)
    /// Whether backward also applies the ReLU gradient of the Conv1D below it (pairs only; `Network` sets it
    /// together with that layer's `receivesMaskedGradient`): one pass over the gradient instead of two.
    var masksReLUBelow = false

    init(inLength: Int, channels: Int, poolSize: Int, stride: Int) {
        self.inLength = inLength
        self.channels = channels
        self.poolSize = poolSize
        self.stride = stride
        outLength = (inLength - poolSize) / stride + 1
    }

    var inputSize: Int { inLength * channels }
    var outputSize: Int { outLength * channels }
    var parameterCount: Int { 0 }
    var pairs: Bool { poolSize == 2 && stride == 2 }
    func initialize(_ params: UnsafeMutablePointer<Float>, using rng: inout SplitMix64) {}
    func reserve(batch: Int) { if !pairs { argmax.reserve(batch * outputSize) } }

    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                 params: UnsafePointer<Float>, training: Bool, rng: inout SplitMix64) {
        if pairs {
            ser_max_pool_pairs(batch, inLength, channels, x, y)
            return
        }
        let arg = argmax.pointer
        for b in 0..<batch {
            for t in 0..<outLength {
                let base = b * inputSize + t * stride * channels
                let out = b * outputSize + t * channels
                for ch in 0..<channels {
                    var index = base + ch
                    var best = x[index]
                    for p in 1..<max(poolSize, 1) {
                        let i = base + p * channels + ch
                        if x[i] > best { best = x[i]; index = i }
                    }
                    y[out + ch] = best
                    arg[out + ch] = Int32(truncatingIfNeeded: index)
                }
            }
        }
    }

    func backward(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafeMutablePointer<Float>,
                  dx: UnsafeMutablePointer<Float>?, batch: Int,
                  params: UnsafePointer<Float>, grads: UnsafeMutablePointer<Float>?) {
        guard let dx else { return }
        if pairs {
            // Each input row gets its gradient or 0 directly; only an odd last row is zeroed.
            ser_max_pool_pairs_backward(batch, inLength, channels, x, dy, dx, masksReLUBelow ? 1 : 0)
            return
        }
        let arg = argmax.pointer
        dx.update(repeating: 0, count: batch * inputSize)
        for i in 0..<(batch * outputSize) { dx[Int(arg[i])] += dy[i] }
    }
}

/// Dense: y = x · W + b as one GEMM per batch.
final class DenseKernel: LayerKernel {
    let inputSize: Int, units: Int
    let activation: Activation

    init(inputs: Int, units: Int, activation: Activation) {
        inputSize = inputs
        self.units = units
        self.activation = activation
    }

    var outputSize: Int { units }
    var parameterCount: Int { inputSize * units + units }

    func initialize(_ params: UnsafeMutablePointer<Float>, using rng: inout SplitMix64) {
        glorotUniform(params, count: inputSize * units, fanIn: inputSize, fanOut: units, using: &rng)
        (params + inputSize * units).update(repeating: 0, count: units)
    }

    func reserve(batch: Int) {}

    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                 params: UnsafePointer<Float>, training: Bool, rng: inout SplitMix64) {
        multiplyAddBias(m: batch, n: units, k: inputSize, a: x, lda: inputSize, weights: params, y: y, activation: activation)
    }

    func backward(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafeMutablePointer<Float>,
                  dx: UnsafeMutablePointer<Float>?, batch: Int,
                  params: UnsafePointer<Float>, grads: UnsafeMutablePointer<Float>?) {
        if activation == .relu { maskReLU(dy, output: y, count: batch * units) }
        if let grads {
            GEMM.multiply(m: inputSize, n: units, k: batch, a: x, lda: inputSize, transA: true, b: dy, ldb: units, c: grads, ldc: units)
            columnSums(dy, rows: batch, n: units, into: grads + inputSize * units)
        }
        if let dx {
            GEMM.multiply(m: batch, n: inputSize, k: units, a: dy, lda: units, b: params, ldb: units, transB: true, c: dx, ldc: inputSize)
        }
    }
}

/// Inverted dropout (Keras): while training each value is kept with probability 1 − rate and scaled by
/// 1 / (1 − rate), else zeroed; at inference the identity.
final class DropoutKernel: LayerKernel {
    let inputSize: Int, rate: Float
    let mask = FloatBuffer(count: 1)
    /// Whether the last forward pass applied a mask (training with rate > 0).
    var masked = false

    init(size: Int, rate: Float) {
        inputSize = size
        self.rate = rate
    }

    var outputSize: Int { inputSize }
    var parameterCount: Int { 0 }
    func initialize(_ params: UnsafeMutablePointer<Float>, using rng: inout SplitMix64) {}
    func reserve(batch: Int) { mask.reserve(batch * inputSize) }

    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                 params: UnsafePointer<Float>, training: Bool, rng: inout SplitMix64) {
        let n = batch * inputSize
        masked = training && rate > 0
        guard masked else { y.update(from: x, count: n); return }
        let scale = 1 / (1 - rate), m = mask.pointer
        for i in 0..<n {
            m[i] = rng.unitFloat() >= rate ? scale : 0
            y[i] = x[i] * m[i]
        }
    }

    func backward(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafeMutablePointer<Float>,
                  dx: UnsafeMutablePointer<Float>?, batch: Int,
                  params: UnsafePointer<Float>, grads: UnsafeMutablePointer<Float>?) {
        guard let dx else { return }
        let n = batch * inputSize
        if masked {
            let m = mask.pointer
            for i in 0..<n { dx[i] = dy[i] * m[i] }
        } else {
            dx.update(from: dy, count: n)
        }
    }
}

/// Flatten: the buffers are already flat; a copy.
final class FlattenKernel: LayerKernel {
    let inputSize: Int
    init(size: Int) { inputSize = size }
    var outputSize: Int { inputSize }
    var parameterCount: Int { 0 }
    func initialize(_ params: UnsafeMutablePointer<Float>, using rng: inout SplitMix64) {}
    func reserve(batch: Int) {}

    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                 params: UnsafePointer<Float>, training: Bool, rng: inout SplitMix64) {
        y.update(from: x, count: batch * inputSize)
    }

    func backward(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafeMutablePointer<Float>,
                  dx: UnsafeMutablePointer<Float>?, batch: Int,
                  params: UnsafePointer<Float>, grads: UnsafeMutablePointer<Float>?) {
        dx?.update(from: dy, count: batch * inputSize)
    }
}

/// ReLU as a layer of its own.
final class ReLUKernel: LayerKernel {
    let inputSize: Int
    init(size: Int) { inputSize = size }
    var outputSize: Int { inputSize }
    var parameterCount: Int { 0 }
    func initialize(_ params: UnsafeMutablePointer<Float>, using rng: inout SplitMix64) {}
    func reserve(batch: Int) {}

    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                 params: UnsafePointer<Float>, training: Bool, rng: inout SplitMix64) {
        for i in 0..<(batch * inputSize) { y[i] = max(x[i], 0) }
    }

    func backward(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafeMutablePointer<Float>,
                  dx: UnsafeMutablePointer<Float>?, batch: Int,
                  params: UnsafePointer<Float>, grads: UnsafeMutablePointer<Float>?) {
        guard let dx else { return }
        for i in 0..<(batch * inputSize) { dx[i] = y[i] > 0 ? dy[i] : 0 }
    }
}
