import Foundation
import FuzzSupport
@testable import Learn
import Support
import Testing

/// The safetensors reader never crashes, hangs or allocates without bound: mutated checkpoints are read or
/// refused with a `badCheckpoint` error. CI runs 10 000 inputs; `make fuzz` runs SER_FUZZ_COUNT.
@Suite struct CheckpointFuzzTests {
    static let fragments = ["\"", "\\\"", "{", "}", "[", "]", ",", ":", "-1", "1e30", "99999999999", "null", "\"F64\"",
                            "\\\"units\\\":1000000", "\\\"filters\\\":0", "\\\"kernel_size\\\":-3", "\\\"input_shape\\\":[0,1]"]

    /// Mutations aimed at the 8-byte length, the JSON header (numbers, strings, structure) and the data.
    static func mutations(headerEnd: Int) -> [Mutation] {
        let json = 8..<headerEnd
        return [.overwrite(width: 8, .bytes(0..<8), values: [0, .max]), .flipBit(.mostly(0..<headerEnd)), .cut,
                .insertFragment(fragments, .bytes(json)), .remove(.mostly(0..<headerEnd)), .replaceDigit(.mostly(json)),
                .insertBytes(upTo: 1, .all)]
    }

    @Test func checkpointReaderSurvivesMutatedFiles() throws {
        let spec = ModelSpec(inputLength: 12, kinds: [.conv1D(filters: 2, kernelSize: 3, padding: .same, activation: .relu),
                                                      .maxPooling1D(poolSize: 2), .flatten, .dense(units: 3, activation: .softmax)])
        let model = try Model(spec: spec, seed: 3)
        model.labels = ["a", "b", "c"]
        model.normalization = Normalization(mean: [Float](repeating: 0.1, count: 12), std: [Float](repeating: 2, count: 12))
        let seed = try Checkpoint.encode(model)
        var n = 0
        for i in 0..<8 { n |= Int(seed[i]) << (8 * i) }
        let count = Fuzz.count()
        let (read, refused) = Fuzz.run(seed: 3, count: count) { rng in
            do throws(LearnError) {
                let m = try Checkpoint.decode(Fuzz.mutate(seed, &rng, with: Self.mutations(headerEnd: 8 + n)))
                #expect(m.parameterCount <= ModelSpec.maxParameters)
                return true
            } catch {
                #expect(error.code == .badCheckpoint)
                return false
            }
        }
        #expect(read > count / 100 && refused > count / 2, "read \(read), refused \(refused)")
    }
}
