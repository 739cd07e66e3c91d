@testable import Features
import Foundation
import FuzzSupport
import Support
import Testing

/// The .npy and .csv readers never crash or hang: mutated feature tables are read or refused with a
/// `FeaturesError`. CI runs 10 000 inputs of each; `make fuzz` runs SER_FUZZ_COUNT.
@Suite struct TableFuzzTests {
    static let fragments = [",", "\"", "\r\n", "\n", "\r", "-1", "99999999999999999999", "(", ")", "'", "<f8", ">f4",
                            "True", "'shape': (", "1e308", "nan", "\u{FEFF}", ", 2, 3)", "''"]

    /// Mutations aimed at the first `header` bytes (three times in four): bits, bytes, format fragments and
    /// the digits of numbers (a shape, an index).
    static func mutations(header: Int) -> [Mutation] {
        [.flipBit(.mostly(0..<header)), .cut, .remove(.mostly(0..<header)), .insertFragment(fragments, .mostly(0..<header)),
         .setByte(.mostly(0..<header)), .replaceDigit(.mostly(0..<header))]
    }

    static func seed() throws -> (npy: [UInt8], csv: [UInt8]) {
        let dir = NSTemporaryDirectory() + "ser-fuzz-table-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var table = FeatureTable(width: 3)
        for i in 0..<4 {
            table.append([Float(i), 0.5, -1], FeatureRow(file: i == 2 ? "a, \"b\"\r\nc.wav" : "f\(i).wav", window: i, start: Double(i) * 2,
                                                         end: Double(i) * 2 + 2, attributes: ["speaker": "s\(i % 2)", "emotion": i == 1 ? "" : "joy"]))
        }
        try table.write(prefix: dir + "/t")
        return (Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/t.npy"))),
                Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/t.csv"))))
    }

    @Test func npyReaderSurvivesMutatedFiles() throws {
        let seed = try Self.seed().npy, count = Fuzz.count()
        let (read, refused) = Fuzz.run(seed: 1, count: count) { rng in
            do throws(FeaturesError) {
                let (shape, values) = try NPY.decodeFloat32Matrix(Fuzz.mutate(seed, &rng, with: Self.mutations(header: 128)), path: "fuzz.npy")
                #expect(values.count == shape.rows * shape.columns)
                return true
            } catch {
                #expect(error.path == "fuzz.npy")
                return false
            }
        }
        #expect(read > count / 50 && refused > count / 50, "read \(read), refused \(refused)")
    }

    @Test func csvReaderSurvivesMutatedFiles() throws {
        let seed = try Self.seed().csv, count = Fuzz.count()
        let (read, refused) = Fuzz.run(seed: 2, count: count) { rng in
            do throws(FeaturesError) {
                _ = try FeatureCSV.decode(Fuzz.mutate(seed, &rng, with: Self.mutations(header: seed.count)), path: "fuzz.csv")
                return true
            } catch {
                #expect(error.path == "fuzz.csv")
                return false
            }
        }
        #expect(read > count / 50 && refused > count / 50, "read \(read), refused \(refused)")
    }
}
