/// JSON form of layers and model descriptions, in Keras's vocabulary:
/// `{"type": "Conv1D", "name": "conv1d", "trainable": true, "filters": 16, "kernel_size": 9,
///   "padding": "same", "activation": "relu"}`; a model is `{"input_shape": [160, 1], "layers": [...]}`.
extension LayerSpec: Codable {
    enum CodingKeys: String, CodingKey {
        case type, name, trainable, filters, padding, activation, units, rate
        case kernelSize = "kernel_size", poolSize = "pool_size", strides
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        let kind: LayerKind
        switch type {
        case "Conv1D":
            kind = .conv1D(filters: try c.decode(Int.self, forKey: .filters),
                           kernelSize: try c.decode(Int.self, forKey: .kernelSize),
                           padding: try c.decodeIfPresent(Padding.self, forKey: .padding) ?? .valid,
                           activation: try c.decodeIfPresent(Activation.self, forKey: .activation) ?? .linear)
        case "MaxPooling1D":
            kind = .maxPooling1D(poolSize: try c.decode(Int.self, forKey: .poolSize),
                                 strides: try c.decodeIfPresent(Int.self, forKey: .strides))
        case "Flatten": kind = .flatten
        case "Dense":
            kind = .dense(units: try c.decode(Int.self, forKey: .units),
                          activation: try c.decodeIfPresent(Activation.self, forKey: .activation) ?? .linear)
        case "Dropout": kind = .dropout(rate: try c.decode(Float.self, forKey: .rate))
        case "ReLU": kind = .relu
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown layer type '\(type)'")
        }
        self.init(kind, name: try c.decode(String.self, forKey: .name),
                  trainable: try c.decodeIfPresent(Bool.self, forKey: .trainable) ?? true)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind.typeName, forKey: .type)
        try c.encode(name, forKey: .name)
        try c.encode(trainable, forKey: .trainable)
        switch kind {
        case let .conv1D(filters, kernelSize, padding, activation):
            try c.encode(filters, forKey: .filters)
            try c.encode(kernelSize, forKey: .kernelSize)
            try c.encode(padding, forKey: .padding)
            try c.encode(activation, forKey: .activation)
        case let .maxPooling1D(poolSize, strides):
            try c.encode(poolSize, forKey: .poolSize)
            try c.encodeIfPresent(strides, forKey: .strides)
        case let .dense(units, activation):
            try c.encode(units, forKey: .units)
            try c.encode(activation, forKey: .activation)
        case let .dropout(rate):
            try c.encode(rate, forKey: .rate)
        case .flatten, .relu:
            break
        }
    }
}

extension ModelSpec: Codable {
    enum CodingKeys: String, CodingKey {
        case inputShape = "input_shape", layers
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let shape = try c.decode([Int].self, forKey: .inputShape)
        guard shape.count == 2 else {
            throw DecodingError.dataCorruptedError(forKey: .inputShape, in: c, debugDescription: "input_shape must be [length, channels]")
        }
        self.init(inputLength: shape[0], inputChannels: shape[1], layers: try c.decode([LayerSpec].self, forKey: .layers))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([inputLength, inputChannels], forKey: .inputShape)
        try c.encode(layers, forKey: .layers)
    }
}
