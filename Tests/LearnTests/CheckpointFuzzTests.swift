import Foundation
import Testing
@testable import Learn

/// The safetensors reader never crashes, hangs or allocates without bound: mutated checkpoints are read or
/// refused with a `badCheckpoint` error. CI runs 10 000 inputs; `make fuzz` runs SER_FUZZ_COUNT.
@Suite struct CheckpointFuzzTests {
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    static let fragments = ["\"", "\\\"", "{", "}", "[", "]", ",", ":", "-1", "1e30", "99999999999", "null", "\"F64\"",
                            "\\\"units\\\":1000000", "\\\"filters\\\":0", "\\\"kernel_size\\\":-3", "\\\"input_shape\\\":[0,1]"]

    /// Mutations aimed at the 8-byte length, the JSON header (numbers, strings, structure) and the data.
    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64, headerEnd: Int) -> [UInt8] {
        var bytes = input
        for _ in 0...rng.below(3) {
            let zone = rng.below(4) > 0 ? min(headerEnd, bytes.count) : bytes.count
            switch rng.below(7) {
            case 0 where bytes.count >= 8:
                let v: UInt64 = [0, UInt64.max, UInt64(bytes.count), UInt64(rng.below(bytes.count + 16)), rng.next()][rng.below(5)]
                for k in 0..<8 { bytes[k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
            case 1 where !bytes.isEmpty: bytes[rng.below(zone)] ^= UInt8(1 << rng.below(8))
            case 2: bytes = Array(bytes.prefix(rng.below(bytes.count + 1)))
            case 3: bytes.insert(contentsOf: Array(fragments[rng.below(fragments.count)].utf8), at: min(bytes.count, 8 + rng.below(max(1, zone - 8))))
            case 4 where !bytes.isEmpty: bytes.remove(at: rng.below(zone))
            case 5:
                let digits = bytes.indices.filter { $0 >= 8 && $0 < zone && bytes[$0] >= 48 && bytes[$0] <= 57 }
                if let at = digits.isEmpty ? nil : digits[rng.below(digits.count)] {
                    bytes.replaceSubrange(at...at, with: Array(String(rng.next() >> rng.below(64)).utf8))
                }
            default:
                bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(bytes.count + 1))
            }
        }
        return bytes
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
        let count = ProcessInfo.processInfo.environment["SER_FUZZ_COUNT"].flatMap(Int.init) ?? 10_000
        var rng = SplitMix64(state: 3)
        var read = 0, refused = 0
        for _ in 0..<count {
            do {
                let m = try Checkpoint.decode(Self.mutate(seed, &rng, headerEnd: 8 + n))
                #expect(m.parameterCount <= ModelSpec.maxParameters)
                read += 1
            } catch {
                #expect(error.code == .badCheckpoint)
                refused += 1
            }
        }
        #expect(read > count / 100 && refused > count / 2, "read \(read), refused \(refused)")
    }
}
