// JSON form of layers and model descriptions, in Keras's vocabulary:
// `{"type": "Conv1D", "name": "conv1d", "trainable": true, "filters": 16, "kernel_size": 9,
//   "padding": "same", "activation": "relu"}`; a model is `{"input_shape": [160, 1], "layers": [...]}`.

/// The JSON keys of a layer: `type`, `name`, `trainable` and the schema's argument keys.
struct LayerKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    static let type = LayerKey("type"), name = LayerKey("name"), trainable = LayerKey("trainable")
}

/// Driven by `LayerSchema`: the `type` names the schema, each of its arguments is read from and written to
/// its Keras key (optional ones may be absent), so a new layer kind needs no change here.
extension LayerSpec: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKey.self)
        let type = try c.decode(String.self, forKey: .type)
        guard let schema = LayerSchema.named(type: type) else {
            let known = LayerSchema.all.map(\.typeName).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown layer type '\(type)' (known: \(known))")
        }
        var values: [String: LayerValue] = [:]
        for argument in schema.arguments {
            let key = LayerKey(argument.key)
            guard argument.required || c.contains(key) else { continue }
            switch argument.kind {
            case .count: values[argument.name] = .int(try c.decode(Int.self, forKey: key))
            case .fraction: values[argument.name] = .float(try c.decode(Float.self, forKey: key))
            case .activation: values[argument.name] = .activation(try c.decode(Activation.self, forKey: key))
            case .padding: values[argument.name] = .padding(try c.decode(Padding.self, forKey: key))
            }
        }
        self.init(schema.make(values), name: try c.decode(String.self, forKey: .name),
                  trainable: try c.decodeIfPresent(Bool.self, forKey: .trainable) ?? true)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKey.self)
        try c.encode(kind.typeName, forKey: .type)
        try c.encode(name, forKey: .name)
        try c.encode(trainable, forKey: .trainable)
        let values = kind.arguments
        for argument in kind.schema.arguments {
            let key = LayerKey(argument.key)
            switch values[argument.name] {
            case .int(let v)?: try c.encode(v, forKey: key)
            case .float(let v)?: try c.encode(v, forKey: key)
            case .activation(let v)?: try c.encode(v, forKey: key)
            case .padding(let v)?: try c.encode(v, forKey: key)
            case nil: break
            }
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
