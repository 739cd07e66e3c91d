import Audio
import Corpus
import Evaluate
import Features
import Foundation
@testable import Language
import Learn
import Testing

/// The cache-entry payload reader never crashes, hangs or allocates without bound: mutated payloads given
/// straight to `ValueCoder.decode` — as if their checksum had matched (see NotebookTests' CacheFuzzTests) —
/// decode or fail with `ValueCoder.Failure`. CI runs 10 000 inputs; `make fuzz` runs SER_FUZZ_COUNT.
@Suite struct ValueFuzzTests {
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

    /// Flips, cuts and inserts bytes, and overwrites 64-bit little-endian fields (the format's lengths).
    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0...rng.below(3) {
            switch rng.below(5) {
            case 0 where !bytes.isEmpty: bytes[rng.below(bytes.count)] ^= UInt8(1 << rng.below(8))
            case 1: bytes = Array(bytes.prefix(rng.below(bytes.count + 1)))
            case 2 where bytes.count >= 8:
                let at = rng.below(bytes.count - 7)
                let v: UInt64 = [0, UInt64.max, 1 << 62, UInt64(rng.below(1 << 12)), rng.next()][rng.below(5)]
                for k in 0..<8 { bytes[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
            case 3 where !bytes.isEmpty: bytes.remove(at: rng.below(bytes.count))
            default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(bytes.count + 1))
            }
        }
        return bytes
    }

    /// Encoded values of every kind the cache stores.
    static func payloads() throws -> [[UInt8]] {
        var table = FeatureTable(width: 2)
        for i in 0..<3 {
            table.append([Float(i), 1], FeatureRow(file: "f\(i).wav", window: 0, start: 0, end: 2, attributes: ["emotion": i == 0 ? "joy" : "anger"]))
        }
        let split = SplitValue(table: table, splits: [Split(name: "naive", train: [0, 1], validation: [], test: [2], leakage: Leakage(sharedSources: 0, leakedTestRows: 0, testRows: 1))],
                               scheme: "naive", label: "emotion")
        let model = try Model(spec: ModelSpec(inputLength: 2, kinds: [.flatten, .dense(units: 2, activation: .softmax)]))
        let report = try Report(truth: [0, 1, 1], predicted: [0, 1, 0], classes: LabelSet(names: ["anger", "joy"]))
        let values: [Value] = [
            .number(2, .seconds), .string("x"), .list([.number(1, .none), .list([.string("a")])]),
            Value(.features(table), hash: ContentHash(of: "t")),
            Value(.split(split), hash: ContentHash(of: "s")),
            Value(.model(ModelValue(model)), hash: ContentHash(of: "m")),
            Value(.report(ReportValue(reports: [report, report], names: ["a", "b"], aggregate: try Aggregate([report, report]))), hash: ContentHash(of: "r")),
            Value(.signal(SignalValue(name: "s", signal: Signal(samples: [0.1, 0.2], sampleRate: 22050))), hash: ContentHash(of: "g")),
        ]
        return try values.map { try ValueCoder.encode($0) }
    }

    static var count: Int { ProcessInfo.processInfo.environment["SER_FUZZ_COUNT"].flatMap(Int.init) ?? 10_000 }

    @Test func valueDecoderSurvivesMutatedPayloads() throws {
        let payloads = try Self.payloads()
        var rng = SplitMix64(state: 5)
        var decoded = 0, refused = 0
        for _ in 0..<Self.count {
            do {
                _ = try ValueCoder.decode(Self.mutate(payloads[rng.below(payloads.count)], &rng))
                decoded += 1
            } catch {
                refused += 1
            }
        }
        #expect(decoded > Self.count / 100 && refused > Self.count / 2, "decoded \(decoded), refused \(refused)")
    }
}
