import Support
/// Activation functions, by their Keras names.
public enum Activation: String, Codable, Sendable, CaseIterable {
    /// Identity (Keras `"linear"`, the default of Conv1D and Dense).
    case linear
    /// max(0, x); its derivative at 0 is taken as 0, as in TensorFlow.
    case relu
    /// Softmax over the features; only on the last layer, where it is fused with categorical cross-entropy.
    case softmax
}

/// Conv1D padding, by Keras's names.
public enum Padding: String, Codable, Sendable, CaseIterable {
    /// No padding: output length = input − kernel_size + 1.
    case valid
    /// Zero padding so that output length = input length; (k−1)/2 zeros on the left, the rest on the right.
    case same
}

/// What a layer computes, with Keras's arguments (stride 1, dilation 1 for Conv1D).
public enum LayerKind: Equatable, Sendable {
    /// `Conv1D(filters, kernel_size, padding, activation)`: kernel (kernel_size, in_channels, filters), bias (filters).
    case conv1D(filters: Int, kernelSize: Int, padding: Padding = .valid, activation: Activation = .linear)
    /// `MaxPooling1D(pool_size, strides)` with 'valid' padding; `strides` nil means pool_size (Keras's default).
    case maxPooling1D(poolSize: Int, strides: Int? = nil)
    /// `Flatten()`: (length, channels) → (length·channels).
    case flatten
    /// `Dense(units, activation)`: kernel (in_features, units), bias (units).
    case dense(units: Int, activation: Activation = .linear)
    /// `Dropout(rate)`: inverted dropout while training (kept values scaled by 1/(1−rate)), identity otherwise.
    case dropout(rate: Float)
    /// `ReLU()` as a layer of its own.
    case relu

    /// The kind's schema: its names, its arguments, its group.
    public var schema: LayerSchema { LayerSchema.all.first { $0.typeName == typeName }! }

    /// The Keras class name ("Conv1D", "MaxPooling1D", ...).
    public var typeName: String {
        switch self {
        case .conv1D: "Conv1D"
        case .maxPooling1D: "MaxPooling1D"
        case .flatten: "Flatten"
        case .dense: "Dense"
        case .dropout: "Dropout"
        case .relu: "ReLU"
        }
    }

    /// The layer's arguments by the schema's argument names (absent optional ones left out).
    public var arguments: [String: LayerValue] {
        switch self {
        case let .conv1D(filters, kernelSize, padding, activation):
            ["filters": .int(filters), "kernel": .int(kernelSize), "padding": .padding(padding), "activation": .activation(activation)]
        case let .maxPooling1D(poolSize, strides):
            ["size": .int(poolSize)].merging(strides.map { ["strides": .int($0)] } ?? [:]) { a, _ in a }
        case .flatten, .relu: [:]
        case let .dense(units, activation): ["units": .int(units), "activation": .activation(activation)]
        case let .dropout(rate): ["rate": .float(rate)]
        }
    }

    /// The prefix Keras uses for automatic layer names ("conv1d", "max_pooling1d", ...).
    public var baseName: String { schema.baseName }

    /// The group a fine-tuning selector names: `conv` (Conv1D, MaxPooling1D), `dense` (Flatten, Dense, Dropout,
    /// ReLU after them).
    public var group: LayerGroup { schema.group }

    /// Whether the layer holds weights.
    public var hasWeights: Bool { !weightShapes(input: [1, 1]).isEmpty }

    /// The Keras shapes of the layer's weights for a per-sample `input` shape: [kernel, bias], or [] for a
    /// layer without weights.
    public func weightShapes(input: [Int]) -> [[Int]] {
        switch self {
        case let .conv1D(filters, kernelSize, _, _): [[kernelSize, input.last ?? 1, filters], [filters]]
        case let .dense(units, _): [[input.reduce(1, *), units], [units]]
        case .maxPooling1D, .flatten, .dropout, .relu: []
        }
    }

    /// The per-sample output shape for `input`, or why the layer cannot take it (`last`: the model's last
    /// layer, the only one softmax may end).
    func outputShape(input shape: [Int], last: Bool) -> Result<[Int], LayerShapeError> {
        func fail(_ message: String) -> Result<[Int], LayerShapeError> { .failure(LayerShapeError(message: message)) }
        switch self {
        case let .conv1D(filters, kernelSize, padding, activation):
            guard shape.count == 2 else { return fail("needs a (length, channels) input, got \(shape)") }
            guard filters > 0, kernelSize > 0 else { return fail("filters and kernel_size must be positive") }
            let length = padding == .same ? shape[0] : shape[0] - kernelSize + 1
            guard length > 0 else { return fail("kernel_size \(kernelSize) is longer than its input (\(shape[0]))") }
            if activation == .softmax && !last { return fail("softmax is supported on the last layer only") }
            return .success([length, filters])
        case let .maxPooling1D(poolSize, strides):
            guard shape.count == 2 else { return fail("needs a (length, channels) input, got \(shape)") }
            let stride = strides ?? poolSize
            guard poolSize > 0, stride > 0 else { return fail("pool_size and strides must be positive") }
            guard shape[0] >= poolSize else { return fail("pool_size \(poolSize) is longer than its input (\(shape[0]))") }
            return .success([(shape[0] - poolSize) / stride + 1, shape[1]])
        case .flatten:
            return .success([shape.reduce(1, *)])
        case let .dense(units, activation):
            guard shape.count == 1 else { return fail("needs a flat input (add Flatten before it), got \(shape)") }
            guard units > 0 else { return fail("units must be positive") }
            if activation == .softmax && !last { return fail("softmax is supported on the last layer only") }
            return .success([units])
        case let .dropout(rate):
            guard rate >= 0, rate < 1 else { return fail("rate must be in [0, 1), got \(rate)") }
            return .success(shape)
        case .relu:
            return .success(shape)
        }
    }

    /// The kernel computing the layer on a per-sample `input` shape (already checked by `outputShape`).
    func kernel(input: [Int]) -> any LayerKernel {
        let size = input.reduce(1, *)
        switch self {
        case let .conv1D(filters, kernelSize, padding, activation):
            return Conv1DKernel(inLength: input[0], inChannels: input[1], filters: filters, kernelSize: kernelSize,
                                padding: padding, activation: activation)
        case let .maxPooling1D(poolSize, strides):
            return MaxPooling1DKernel(inLength: input[0], channels: input[1], poolSize: poolSize, stride: strides ?? poolSize)
        case .flatten: return FlattenKernel(size: size)
        case let .dense(units, activation): return DenseKernel(inputs: size, units: units, activation: activation)
        case let .dropout(rate): return DropoutKernel(size: size, rate: rate)
        case .relu: return ReLUKernel(size: size)
        }
    }

    /// The activation ending the layer, for layers that have one.
    public var activation: Activation? {
        if case .activation(let a)? = arguments["activation"] { return a }
        return nil
    }
}

/// Why a layer cannot take its input shape.
struct LayerShapeError: Error {
    var message: String
}

/// One argument of a layer kind, by the name the language's call uses (`conv1d(filters, kernel, …)`) and the
/// key Keras's JSON uses (`kernel_size`).
public struct LayerArgument: Sendable {
    public enum ValueKind: Sendable {
        /// A whole number ≥ 1.
        case count
        /// A number in [0, 1).
        case fraction
        case activation
        case padding
    }

    public let name: String
    public let key: String
    public let kind: ValueKind
    /// Whether it must be given; otherwise the layer's default applies.
    public let required: Bool
}

/// The value of one layer argument.
public enum LayerValue: Equatable, Sendable {
    case int(Int)
    case float(Float)
    case activation(Activation)
    case padding(Padding)
}

/// Everything ser knows about one kind of layer by name: the Keras class (JSON `type`, `summary`), the prefix
/// of automatic names, the language's call name, the fine-tuning group and the arguments. JSON coding
/// (`SpecCoding`), the language's `model custom layers=[conv1d(…), …]` parsing and `summary` all read it, so a
/// new layer kind is added in two files: this one (a `LayerKind` case, its schema below, and the cases of
/// the switches above, which the compiler asks for) and `Kernels.swift` (its forward and backward pass); then
/// `scripts/language-reference` regenerates docs/language.md (see docs/architecture.md, "Adding a layer kind").
public struct LayerSchema: Sendable {
    public let typeName: String
    public let baseName: String
    public let callName: String
    public let group: LayerGroup
    public let arguments: [LayerArgument]
    /// The layer from its arguments (every required one present, values checked by kind).
    public let make: @Sendable ([String: LayerValue]) -> LayerKind

    /// Every layer kind, in the order the language's reference lists them.
    public static let all: [LayerSchema] = [
        LayerSchema(typeName: "Conv1D", baseName: "conv1d", callName: "conv1d", group: .conv, arguments: [
            LayerArgument(name: "filters", key: "filters", kind: .count, required: true),
            LayerArgument(name: "kernel", key: "kernel_size", kind: .count, required: true),
            LayerArgument(name: "padding", key: "padding", kind: .padding, required: false),
            LayerArgument(name: "activation", key: "activation", kind: .activation, required: false),
        ]) { a in
            .conv1D(filters: a.int("filters"), kernelSize: a.int("kernel"), padding: a.padding("padding") ?? .valid,
                    activation: a.activation("activation") ?? .linear)
        },
        LayerSchema(typeName: "MaxPooling1D", baseName: "max_pooling1d", callName: "maxpool", group: .conv, arguments: [
            LayerArgument(name: "size", key: "pool_size", kind: .count, required: true),
            LayerArgument(name: "strides", key: "strides", kind: .count, required: false),
        ]) { a in .maxPooling1D(poolSize: a.int("size"), strides: a.optionalInt("strides")) },
        LayerSchema(typeName: "Flatten", baseName: "flatten", callName: "flatten", group: .dense, arguments: []) { _ in .flatten },
        LayerSchema(typeName: "Dense", baseName: "dense", callName: "dense", group: .dense, arguments: [
            LayerArgument(name: "units", key: "units", kind: .count, required: true),
            LayerArgument(name: "activation", key: "activation", kind: .activation, required: false),
        ]) { a in .dense(units: a.int("units"), activation: a.activation("activation") ?? .linear) },
        LayerSchema(typeName: "Dropout", baseName: "dropout", callName: "dropout", group: .dense, arguments: [
            LayerArgument(name: "rate", key: "rate", kind: .fraction, required: true),
        ]) { a in .dropout(rate: a.float("rate")) },
        LayerSchema(typeName: "ReLU", baseName: "re_lu", callName: "relu", group: .dense, arguments: []) { _ in .relu },
    ]

    /// The schema of a Keras class name ("Conv1D") or nil.
    public static func named(type: String) -> LayerSchema? { all.first { $0.typeName == type } }

    /// The schema of a language call name ("conv1d") or nil.
    public static func named(call: String) -> LayerSchema? { all.first { $0.callName == call } }

    /// `conv1d(filters, kernel, padding=…, activation=…)`: the call as the language's reference shows it.
    public var signature: String {
        let parts = arguments.map { $0.required ? $0.name : "\($0.name)=…" }
        return "\(callName)(\(parts.joined(separator: ", ")))"
    }
}

extension [String: LayerValue] {
    func int(_ name: String) -> Int { optionalInt(name) ?? 0 }
    func optionalInt(_ name: String) -> Int? { if case .int(let v)? = self[name] { v } else { nil } }
    func float(_ name: String) -> Float { if case .float(let v)? = self[name] { v } else { 0 } }
    func activation(_ name: String) -> Activation? { if case .activation(let v)? = self[name] { v } else { nil } }
    func padding(_ name: String) -> Padding? { if case .padding(let v)? = self[name] { v } else { nil } }
}

/// The two parts of a 1-D CNN a fine-tuning selector can name.
public enum LayerGroup: String, Codable, Sendable, CaseIterable {
    case conv
    case dense
}

/// One layer of a model description: what it computes, its name and whether training changes it.
public struct LayerSpec: Equatable, Sendable {
    public var kind: LayerKind
    /// Unique within a model; Keras-style automatic names when not given ("conv1d", "conv1d_1", ...).
    public var name: String
    /// Frozen layers (false) keep their weights during training.
    public var trainable: Bool

    public init(_ kind: LayerKind, name: String, trainable: Bool = true) {
        self.kind = kind
        self.name = name
        self.trainable = trainable
    }
}

/// A sequential model description: the input shape of one sample (length × channels, channels last) and
/// the layers in order. Builds no weights; `Model` does.
public struct ModelSpec: Equatable, Sendable {
    /// Samples per input row along time.
    public var inputLength: Int
    /// Channels per time step (1 for a feature vector).
    public var inputChannels: Int
    public var layers: [LayerSpec]

    /// A model description from layer kinds, named as Keras names them ("conv1d", "conv1d_1", "dense", ...).
    public init(inputLength: Int, inputChannels: Int = 1, kinds: [LayerKind]) {
        self.inputLength = inputLength
        self.inputChannels = inputChannels
        var counts: [String: Int] = [:]
        layers = kinds.map { kind in
            let n = counts[kind.baseName, default: 0]
            counts[kind.baseName] = n + 1
            return LayerSpec(kind, name: n == 0 ? kind.baseName : "\(kind.baseName)_\(n)")
        }
    }

    /// A model description from fully specified layers.
    public init(inputLength: Int, inputChannels: Int = 1, layers: [LayerSpec]) {
        self.inputLength = inputLength
        self.inputChannels = inputChannels
        self.layers = layers
    }

    /// ser's reading of the paper's 1-D CNN, `cnn1d` (the paper gives the shape, not the sizes): one Conv1D → MaxPooling1D(pool) block per (filters, kernel) pair
    /// (same padding, ReLU), Flatten, then Dense(units, ReLU) → Dropout(dropout) per dense width, and
    /// Dense(classes, softmax).
    ///
    /// Defaults: input 160 × 1; blocks 16/9, 32/7, 64/5, 128/3, 256/3; pool 2; dense 128, 64; dropout 0.3.
    public static func cnn1d(
        classes: Int,
        inputLength: Int = 160,
        inputChannels: Int = 1,
        blocks: [(filters: Int, kernelSize: Int)] = [(16, 9), (32, 7), (64, 5), (128, 3), (256, 3)],
        poolSize: Int = 2,
        dense: [Int] = [128, 64],
        dropout: Float = 0.3
    ) -> ModelSpec {
        var kinds: [LayerKind] = []
        for block in blocks {
            kinds.append(.conv1D(filters: block.filters, kernelSize: block.kernelSize, padding: .same, activation: .relu))
            kinds.append(.maxPooling1D(poolSize: poolSize))
        }
        kinds.append(.flatten)
        for units in dense {
            kinds.append(.dense(units: units, activation: .relu))
            if dropout > 0 { kinds.append(.dropout(rate: dropout)) }
        }
        kinds.append(.dense(units: classes, activation: .softmax))
        return ModelSpec(inputLength: inputLength, inputChannels: inputChannels, kinds: kinds)
    }

    /// The most values one row may have at any layer (input, output, or a Conv1D's im2col columns): 2^24.
    public static let maxValues = 1 << 24
    /// The most weights a model may have: 2^28 (1 GiB of float32).
    public static let maxParameters = 1 << 28
    /// The most layers a model may have.
    public static let maxLayers = 1000

    /// The product of `factors`, or nil when it overflows or a factor is negative.
    static func checkedProduct(_ factors: [Int]) -> Int? {
        var p = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (r, overflow) = p.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            p = r
        }
        return p
    }

    /// The per-sample output shape of every layer (Keras's shapes without the batch dimension), or a
    /// `badArchitecture` error naming the first layer that cannot be built.
    public func shapes() throws(LearnError) -> [[Int]] {
        guard inputLength > 0, inputChannels > 0 else {
            throw LearnError(.badArchitecture, "input shape (\(inputLength), \(inputChannels)) must be positive")
        }
        guard !layers.isEmpty else { throw LearnError(.badArchitecture, "a model needs at least one layer") }
        guard let inputSize = ModelSpec.checkedProduct([inputLength, inputChannels]), inputSize <= ModelSpec.maxValues else {
            throw LearnError(.badArchitecture, "input shape (\(inputLength), \(inputChannels)) is too large: at most \(ModelSpec.maxValues) values per row")
        }
        guard layers.count <= ModelSpec.maxLayers else {
            throw LearnError(.badArchitecture, "\(layers.count) layers: at most \(ModelSpec.maxLayers)")
        }
        var names = Set<String>()
        var parameters = 0
        var shape = [inputLength, inputChannels]
        var result: [[Int]] = []
        for (i, layer) in layers.enumerated() {
            let where_ = "layer \(i) '\(layer.name)' (\(layer.kind.typeName))"
            guard !layer.name.isEmpty, names.insert(layer.name).inserted else {
                throw LearnError(.badArchitecture, "\(where_): layer names must be unique and non-empty")
            }
            switch layer.kind.outputShape(input: shape, last: i == layers.count - 1) {
            case .success(let output): shape = output
            case .failure(let error):
                throw LearnError(.badArchitecture, "\(where_)\(error.message.hasPrefix("needs") ? " " : ": ")\(error.message)")
            }
            // Every size that reaches an allocation is bounded, so a hostile description fails by name
            // instead of aborting in the allocator.
            guard let size = ModelSpec.checkedProduct(shape), size <= ModelSpec.maxValues else {
                throw LearnError(.badArchitecture, "\(where_): output shape \(shape) is too large: at most \(ModelSpec.maxValues) values per row")
            }
            let input = result.last ?? [inputLength, inputChannels]
            let weights: Int?
            switch layer.kind {
            case let .conv1D(filters, kernelSize, _, _):
                // im2col holds length × kernel_size × channels values per row.
                guard let columns = ModelSpec.checkedProduct([shape[0], kernelSize, input[1]]), columns <= ModelSpec.maxValues else {
                    throw LearnError(.badArchitecture, "\(where_): kernel_size \(kernelSize) over \(input[1]) channels is too large: at most \(ModelSpec.maxValues) values per row")
                }
                weights = ModelSpec.checkedProduct([kernelSize, input[1], filters]).map { $0 + filters }
            case let .dense(units, _):
                weights = ModelSpec.checkedProduct([input.reduce(1, *), units]).map { $0 + units }
            default:
                weights = 0
            }
            guard let weights, weights <= ModelSpec.maxParameters - parameters else {
                throw LearnError(.badArchitecture, "\(where_): too many weights: at most \(ModelSpec.maxParameters) in a model (1 GiB of float32)")
            }
            parameters += weights
            result.append(shape)
        }
        return result
    }

    /// Number of weights of each layer (kernel + bias), in layer order.
    public func parameterCounts() throws(LearnError) -> [Int] {
        let shapes = try shapes()
        var input = [inputLength, inputChannels]
        var counts: [Int] = []
        for (layer, shape) in zip(layers, shapes) {
            counts.append(layer.kind.weightShapes(input: input).reduce(0) { $0 + $1.reduce(1, *) })
            input = shape
        }
        return counts
    }
}
