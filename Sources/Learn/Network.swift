import Support
/// The executable form of a `ModelSpec`: layer kernels, one flat weight buffer (layer by layer, kernel then
/// bias, in Keras's layouts), its gradient buffer, and per-layer activation and gradient workspaces sized for
/// the largest batch seen so far.
final class Network {
    let spec: ModelSpec
    let kernels: [any LayerKernel]
    /// Offset of each layer's weights in `weights`.
    let offsets: [Int]
    let parameterCount: Int
    let weights: FloatBuffer
    let gradients: FloatBuffer
    /// activations[0] is the input batch, activations[i + 1] the output of layer i.
    private(set) var activations: [FloatBuffer]
    /// deltas[i] is the gradient with respect to activations[i].
    private(set) var deltas: [FloatBuffer]
    private(set) var batchCapacity = 0
    /// poolingConvolution[i]: the convolution below layer i when layer i is a pair max-pooling that it computes in
    /// its own output pass (`Conv1DKernel.forward(_:_:pooled:…)`); `forward` then skips layer i.
    private let poolingConvolution: [Conv1DKernel?]

    /// A network for `spec`; `sharing` makes it a replica that reads (and updates) another network's weights
    /// while owning its own gradients and workspaces (batch-parallel training).
    init(spec: ModelSpec, sharing: FloatBuffer? = nil) throws(LearnError) {
        let shapes = try spec.shapes()
        self.spec = spec
        var kernels: [any LayerKernel] = []
        var input = [spec.inputLength, spec.inputChannels]
        for (layer, output) in zip(spec.layers, shapes) {
            kernels.append(layer.kind.kernel(input: input))
            input = output
        }
        self.kernels = kernels
        // A convolution under a pair max-pooling: the pooling's backward applies a ReLU's gradient too, and the
        // convolution's output pass writes the pooling's output when it can.
        var pooling = [Conv1DKernel?](repeating: nil, count: kernels.count)
        for i in kernels.indices.dropFirst() {
            guard let conv = kernels[i - 1] as? Conv1DKernel, let pool = kernels[i] as? MaxPooling1DKernel, pool.pairs else { continue }
            if conv.activation == .relu {
                pool.masksReLUBelow = true
                conv.receivesMaskedGradient = true
            }
            if conv.canPoolPairs { pooling[i] = conv }
        }
        poolingConvolution = pooling
        var offsets: [Int] = []
        var total = 0
        for k in kernels { offsets.append(total); total += k.parameterCount }
        self.offsets = offsets
        parameterCount = total
        weights = sharing ?? FloatBuffer(count: total)
        precondition(weights.capacity >= total, "a shared weight buffer must hold the whole model")
        gradients = FloatBuffer(count: total)
        activations = [FloatBuffer(count: 1)] + kernels.map { _ in FloatBuffer(count: 1) }
        deltas = [FloatBuffer(count: 1)] + kernels.map { _ in FloatBuffer(count: 1) }
    }

    var inputSize: Int { spec.inputLength * spec.inputChannels }
    var outputSize: Int { kernels.last?.outputSize ?? inputSize }
    var endsInSoftmax: Bool {
        spec.layers.last?.kind.activation == .softmax
    }

    /// Glorot-uniform kernels and zero biases, layer by layer from one generator.
    func initialize(using rng: inout SplitMix64) {
        for (k, offset) in zip(kernels, offsets) { k.initialize(weights.pointer + offset, using: &rng) }
    }

    /// Grows the workspaces for batches of up to `batch` samples (no-op when they are large enough).
    func reserve(batch: Int) {
        guard batch > batchCapacity else { return }
        activations[0].reserve(batch * inputSize)
        deltas[0].reserve(batch * inputSize)
        for (i, k) in kernels.enumerated() {
            k.reserve(batch: batch)
            activations[i + 1].reserve(batch * k.outputSize)
            deltas[i + 1].reserve(batch * k.outputSize)
        }
        batchCapacity = batch
    }

    /// The input workspace; fill `batch × inputSize` values before `forward`.
    var input: UnsafeMutablePointer<Float> { activations[0].pointer }
    /// The last layer's output after `forward` (softmax probabilities for a classifier).
    var output: UnsafeMutablePointer<Float> { activations[kernels.count].pointer }
    /// The gradient the loss writes (with respect to the last layer's output, or its logits for softmax).
    var outputDelta: UnsafeMutablePointer<Float> { deltas[kernels.count].pointer }

    func forward(batch: Int, training: Bool, rng: inout SplitMix64) {
        precondition(batch <= batchCapacity)
        let w = UnsafePointer(weights.pointer)
        for (i, k) in kernels.enumerated() {
            if poolingConvolution[i] != nil { continue } // written by the convolution below
            if i + 1 < kernels.count, let conv = poolingConvolution[i + 1] {
                conv.forward(activations[i].pointer, activations[i + 1].pointer, pooled: activations[i + 2].pointer,
                             batch: batch, params: w + offsets[i])
                continue
            }
            k.forward(activations[i].pointer, activations[i + 1].pointer, batch: batch,
                      params: w + offsets[i], training: training, rng: &rng)
        }
    }

    /// Whether layer `i` is a pair max-pooling that the convolution below computes in its output pass.
    func isPooledByConvolution(_ i: Int) -> Bool { poolingConvolution[i] != nil }

    /// Back-propagates `outputDelta` down to layer `lowest` (layers below it are skipped), writing weight
    /// gradients of the layers in `trainable` and, when `inputGradient` is set, the gradient with respect to
    /// the input into `deltas[0]`.
    func backward(batch: Int, trainable: [Bool], lowest: Int, inputGradient: Bool = false) {
        let w = UnsafePointer(weights.pointer)
        let lowest = inputGradient ? 0 : lowest
        var i = kernels.count - 1
        while i >= lowest {
            let k = kernels[i]
            let needsDx = i > lowest || inputGradient
            k.backward(x: activations[i].pointer, y: activations[i + 1].pointer, dy: deltas[i + 1].pointer,
                       dx: needsDx ? deltas[i].pointer : nil, batch: batch, params: w + offsets[i],
                       grads: trainable[i] && k.parameterCount > 0 ? gradients.pointer + offsets[i] : nil)
            i -= 1
        }
    }
}
