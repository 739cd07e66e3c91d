import Audio
import Corpus
import Evaluate
import Features
import Foundation
@testable import Language
import FuzzSupport
import Learn
import Testing

/// The cache-entry payload reader never crashes, hangs or allocates without bound: mutated payloads given
/// straight to `ValueCoder.decode` — as if their checksum had matched (see NotebookTests' CacheFuzzTests) —
/// decode or fail with `ValueCoder.Failure`. CI runs 10 000 inputs; `make fuzz` runs SER_FUZZ_COUNT.
@Suite struct ValueFuzzTests {
    /// Flips, cuts and inserts bytes, and overwrites 64-bit little-endian fields (the format's lengths).
    static let mutations: [Mutation] = [
        .flipBit(.all), .cut, .overwrite(width: 8, .all, values: [0, .max, 1 << 62, 3, 4095]), .remove(.all), .insertBytes(upTo: 1, .all),
    ]

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

    @Test func valueDecoderSurvivesMutatedPayloads() throws {
        let payloads = try Self.payloads(), count = Fuzz.count()
        let (decoded, refused) = Fuzz.run(seed: 5, count: count) { rng in
            (try? ValueCoder.decode(Fuzz.mutate(payloads[rng.below(payloads.count)], &rng, with: Self.mutations))) != nil
        }
        #expect(decoded > count / 100 && refused > count / 2, "decoded \(decoded), refused \(refused)")
    }
}
