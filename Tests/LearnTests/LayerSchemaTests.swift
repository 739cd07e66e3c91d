import Foundation
import Learn
import Testing

/// One schema per layer kind drives JSON coding, the language's layer calls and `summary`.
@Suite struct LayerSchemaTests {
    static let kinds: [LayerKind] = [
        .conv1D(filters: 8, kernelSize: 3, padding: .same, activation: .relu), .conv1D(filters: 4, kernelSize: 5),
        .maxPooling1D(poolSize: 2), .maxPooling1D(poolSize: 3, strides: 1), .flatten,
        .dense(units: 7, activation: .softmax), .dense(units: 3), .dropout(rate: 0.25), .relu,
    ]

    @Test func everyKindHasOneSchemaWithDistinctNames() {
        #expect(Set(LayerSchema.all.map(\.typeName)).count == LayerSchema.all.count)
        #expect(Set(LayerSchema.all.map(\.callName)).count == LayerSchema.all.count)
        #expect(Set(LayerSchema.all.map(\.baseName)).count == LayerSchema.all.count)
        for kind in Self.kinds {
            #expect(kind.schema.typeName == kind.typeName)
            #expect(LayerSchema.named(call: kind.schema.callName)?.typeName == kind.typeName)
        }
    }

    @Test(arguments: kinds)
    func argumentsRebuildTheKindAndJSONRoundTrips(kind: LayerKind) throws {
        #expect(kind.schema.make(kind.arguments) == kind)
        for argument in kind.schema.arguments where argument.required {
            #expect(kind.arguments[argument.name] != nil, "\(kind.typeName) \(argument.name)")
        }
        let layer = LayerSpec(kind, name: "x", trainable: false)
        let json = try JSONEncoder().encode(layer)
        #expect(try JSONDecoder().decode(LayerSpec.self, from: json) == layer)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["type"] as? String == kind.typeName)
        let keys = Set(object.keys).subtracting(["type", "name", "trainable"])
        #expect(keys.isSubset(of: Set(kind.schema.arguments.map(\.key))))
    }

    @Test func kerasKeysAndDefaults() throws {
        let json = #"{"type": "MaxPooling1D", "name": "p", "pool_size": 2}"#
        let layer = try JSONDecoder().decode(LayerSpec.self, from: Data(json.utf8))
        #expect(layer.kind == .maxPooling1D(poolSize: 2, strides: nil))
        let conv = #"{"type": "Conv1D", "name": "c", "filters": 4, "kernel_size": 3}"#
        #expect(try JSONDecoder().decode(LayerSpec.self, from: Data(conv.utf8)).kind == .conv1D(filters: 4, kernelSize: 3))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(LayerSpec.self, from: Data(#"{"type": "LSTM", "name": "l"}"#.utf8))
        }
        #expect(LayerSchema.named(type: "Conv1D")?.signature == "conv1d(filters, kernel, padding=…, activation=…)")
    }
}
