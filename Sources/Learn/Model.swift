import Support
/// Per-feature input normalization stored with a model: x′ = (x − mean) / std, with std 0 treated as 1.
public struct Normalization: Equatable, Sendable {
    public var mean: [Float]
    public var std: [Float]

    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count, "normalization mean and std must have the same length")
        self.mean = mean
        self.std = std
    }

    /// Writes the normalized `row` (`count` features) into `out`.
    @inline(__always)
    func apply(_ row: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        for j in 0..<count {
            let s = std[j]
            out[j] = (row[j] - mean[j]) / (s == 0 ? 1 : s)
        }
    }
}

/// Which layers a fine-tuning call names.
public enum LayerSelector: Equatable, Sendable, CustomStringConvertible {
    /// The layer at this position (0-based, as `summary` lists them).
    case index(Int)
    /// The layer with this name ("conv1d_2", "dense").
    case name(String)
    /// Every layer of a group: `conv` (Conv1D, MaxPooling1D) or `dense` (Flatten, Dense, Dropout, ReLU).
    case group(LayerGroup)
    /// Every layer.
    case all

    /// Reads "conv", "dense", "all", a 0-based index or a layer name.
    public init(parsing text: String) {
        if let group = LayerGroup(rawValue: text) { self = .group(group) }
        else if text == "all" { self = .all }
        else if let i = Int(text) { self = .index(i) }
        else { self = .name(text) }
    }

    public var description: String {
        switch self {
        case let .index(i): "layer \(i)"
        case let .name(n): "layer '\(n)'"
        case let .group(g): "group '\(g.rawValue)'"
        case .all: "all layers"
        }
    }
}

/// A sequential model with its weights: what `train` fits, `predict` runs and a checkpoint holds, plus the
/// input normalization, class names and training record that travel with it.
///
/// A `Model` owns workspaces and is not thread-safe: use one model from one thread at a time (`copy()` makes
/// an independent one).
public final class Model {
    public private(set) var spec: ModelSpec
    var network: Network
    /// Class names, index = class id (empty when unknown).
    public var labels: [String]
    /// Applied to every input row by `predict` and the trainer when set.
    public var normalization: Normalization?
    /// Free-form facts about training (data, split, seed, ser version), saved in checkpoints.
    public var metadata: [String: String]
    /// The record of the last training, saved in checkpoints.
    public var history: TrainingHistory?

    /// A model with Glorot-uniform kernels and zero biases drawn from `seed` (Keras's initializers).
    public init(spec: ModelSpec, seed: UInt64 = 0) throws(LearnError) {
        self.spec = spec
        network = try Network(spec: spec)
        labels = []
        metadata = [:]
        var rng = SplitMix64(seed: seed, stream: RandomStream.initialization.rawValue)
        network.initialize(using: &rng)
    }

    /// Number of values per input row (length × channels).
    public var inputSize: Int { network.inputSize }
    /// Number of outputs per row (classes for a classifier).
    public var outputSize: Int { network.outputSize }
    /// Number of weights in all layers.
    public var parameterCount: Int { network.parameterCount }

    /// An independent copy: same architecture, weights, labels, normalization, metadata and history.
    public func copy() -> Model {
        // The spec was valid when this model was built, so rebuilding it cannot fail.
        let other = try! Model(spec: spec)
        other.network.weights.pointer.update(from: network.weights.pointer, count: network.parameterCount)
        other.labels = labels
        other.normalization = normalization
        other.metadata = metadata
        other.history = history
        return other
    }

    // MARK: Weights

    /// The Keras shapes of layer `index`'s weights: [kernel, bias], or [] for a layer without weights.
    public func weightShapes(layer index: Int) -> [[Int]] {
        let input = index == 0 ? [spec.inputLength, spec.inputChannels] : ((try? spec.shapes()) ?? [])[index - 1]
        return spec.layers[index].kind.weightShapes(input: input)
    }

    /// Every weight tensor named as Keras paths them ("conv1d/kernel", "conv1d/bias", ...), in layer order.
    public func namedWeights() -> [(name: String, tensor: Tensor)] {
        var result: [(name: String, tensor: Tensor)] = []
        for (i, layer) in spec.layers.enumerated() {
            for (shape, tensor) in zip(["kernel", "bias"], weights(layer: i)) {
                result.append(("\(layer.name)/\(shape)", tensor))
            }
        }
        return result
    }

    /// Layer `index`'s weights as [kernel, bias] in Keras's layouts, or [] for a layer without weights.
    public func weights(layer index: Int) -> [Tensor] {
        var offset = network.offsets[index]
        return weightShapes(layer: index).map { shape in
            let n = shape.reduce(1, *)
            let values = Array(UnsafeBufferPointer(start: network.weights.pointer + offset, count: n))
            offset += n
            return Tensor(shape: shape, values: values)
        }
    }

    /// Replaces layer `index`'s weights ([kernel, bias] in Keras's layouts); shapes must match exactly.
    public func setWeights(layer index: Int, _ tensors: [Tensor]) throws(LearnError) {
        guard spec.layers.indices.contains(index) else {
            throw LearnError(.badParameter, "no layer \(index): the model has \(spec.layers.count) layers")
        }
        let shapes = weightShapes(layer: index)
        guard shapes == tensors.map(\.shape) else {
            throw LearnError(.badParameter, "layer '\(spec.layers[index].name)' expects weights of shapes \(shapes), got \(tensors.map(\.shape))")
        }
        var offset = network.offsets[index]
        for t in tensors {
            t.values.withUnsafeBufferPointer { (network.weights.pointer + offset).update(from: $0.baseAddress!, count: t.count) }
            offset += t.count
        }
    }

    /// All weights as one flat array (layer by layer, kernel then bias).
    public var flatWeights: [Float] {
        Array(UnsafeBufferPointer(start: network.weights.pointer, count: network.parameterCount))
    }

    /// Sets all weights from one flat array laid out as `flatWeights`.
    public func setFlatWeights(_ values: [Float]) throws(LearnError) {
        guard values.count == network.parameterCount else {
            throw LearnError(.badParameter, "expected \(network.parameterCount) weights, got \(values.count)")
        }
        values.withUnsafeBufferPointer { network.weights.pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    // MARK: Inference

    /// Outputs for `rows` input rows (`values`: rows × inputSize, row-major, raw: `normalization` is applied
    /// here): rows × outputSize values, softmax probabilities for a classifier. Dropout is off.
    public func predict(_ values: [Float], chunk: Int = 256) throws(LearnError) -> [Float] {
        let width = inputSize
        guard width > 0, values.count % width == 0 else {
            throw LearnError(.badData, "input has \(values.count) values, not a multiple of the row width \(width)")
        }
        let rows = values.count / width, outputs = outputSize
        var result = [Float](repeating: 0, count: rows * outputs)
        guard rows > 0 else { return result }
        let chunk = max(1, min(chunk, rows))
        network.reserve(batch: chunk)
        var rng = SplitMix64(seed: 0)
        values.withUnsafeBufferPointer { x in
            result.withUnsafeMutableBufferPointer { out in
                var start = 0
                while start < rows {
                    let n = min(chunk, rows - start)
                    loadRows(x.baseAddress! + start * width, count: n, into: network.input)
                    network.forward(batch: n, training: false, rng: &rng)
                    (out.baseAddress! + start * outputs).update(from: network.output, count: n * outputs)
                    start += n
                }
            }
        }
        return result
    }

    /// The most probable class of each row (first on ties).
    public func predictClasses(_ values: [Float]) throws(LearnError) -> [Int] {
        let p = try predict(values)
        let k = outputSize
        return stride(from: 0, to: p.count, by: k).map { start in
            var best = 0
            for j in 1..<max(k, 1) where p[start + j] > p[start + best] { best = j }
            return best
        }
    }

    /// Copies `count` contiguous raw rows into the network input, normalizing them when set.
    func loadRows(_ rows: UnsafePointer<Float>, count: Int, into input: UnsafeMutablePointer<Float>) {
        let width = inputSize
        if let normalization {
            for r in 0..<count { normalization.apply(rows + r * width, count: width, into: input + r * width) }
        } else {
            input.update(from: rows, count: count * width)
        }
    }

    // MARK: Fine-tuning

    /// Indices of the layers `selector` names; a clear error when it names none.
    public func layerIndices(_ selector: LayerSelector) throws(LearnError) -> [Int] {
        let indices: [Int]
        switch selector {
        case let .index(i): indices = spec.layers.indices.contains(i) ? [i] : []
        case let .name(n): indices = spec.layers.indices.filter { spec.layers[$0].name == n }
        case let .group(g): indices = spec.layers.indices.filter { spec.layers[$0].kind.group == g }
        case .all: indices = Array(spec.layers.indices)
        }
        guard !indices.isEmpty else {
            let names = spec.layers.map(\.name).joined(separator: ", ")
            throw LearnError(.badParameter, "\(selector) does not exist; layers are 0–\(spec.layers.count - 1): \(names)")
        }
        return indices
    }

    /// Marks the selected layers frozen: training leaves their weights unchanged.
    public func freeze(_ selector: LayerSelector) throws(LearnError) {
        for i in try layerIndices(selector) { spec.layers[i].trainable = false }
    }

    /// Marks the selected layers trainable again.
    public func unfreeze(_ selector: LayerSelector) throws(LearnError) {
        for i in try layerIndices(selector) { spec.layers[i].trainable = true }
    }

    /// Replaces the output layer (the last, a Dense) by a fresh Dense(classes, same activation) with
    /// Glorot-uniform kernel and zero bias drawn from `seed`; every other weight is kept. `labels` become
    /// the new class names.
    public func replaceOutput(classes: Int, labels: [String] = [], seed: UInt64 = 0) throws(LearnError) {
        guard let last = spec.layers.last, case let .dense(_, activation) = last.kind else {
            throw LearnError(.badArchitecture, "the output layer must be a Dense layer to be replaced")
        }
        guard classes > 0 else { throw LearnError(.badParameter, "classes must be positive, got \(classes)") }
        guard labels.isEmpty || labels.count == classes else {
            throw LearnError(.badParameter, "\(labels.count) labels given for \(classes) classes")
        }
        var newSpec = spec
        newSpec.layers[newSpec.layers.count - 1] = LayerSpec(.dense(units: classes, activation: activation), name: last.name, trainable: true)
        let newNetwork = try Network(spec: newSpec)
        let kept = network.offsets[spec.layers.count - 1]
        newNetwork.weights.pointer.update(from: network.weights.pointer, count: kept)
        var rng = SplitMix64(seed: seed, stream: RandomStream.outputLayer.rawValue)
        newNetwork.kernels.last!.initialize(newNetwork.weights.pointer + kept, using: &rng)
        spec = newSpec
        network = newNetwork
        self.labels = labels
    }
}
