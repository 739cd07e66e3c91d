import Foundation
import Testing
@testable import Features

/// The .npy and .csv readers never crash or hang: mutated feature tables are read or refused with a
/// `FeaturesError`. CI runs 10 000 inputs of each; `make fuzz` runs SER_FUZZ_COUNT.
@Suite struct TableFuzzTests {
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

    static let fragments = [",", "\"", "\r\n", "\n", "\r", "-1", "99999999999999999999", "(", ")", "'", "<f8", ">f4",
                            "True", "'shape': (", "1e308", "nan", "\u{FEFF}", ", 2, 3)", "''"]

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64, header: Int) -> [UInt8] {
        var bytes = input
        for _ in 0...rng.below(3) {
            let zone = rng.below(3) > 0 ? min(header, bytes.count) : bytes.count
            switch rng.below(6) {
            case 0 where !bytes.isEmpty: bytes[rng.below(zone)] ^= UInt8(1 << rng.below(8))
            case 1: bytes = Array(bytes.prefix(rng.below(bytes.count + 1)))
            case 2 where !bytes.isEmpty: bytes.remove(at: rng.below(zone))
            case 3: bytes.insert(contentsOf: Array(fragments[rng.below(fragments.count)].utf8), at: rng.below(zone + 1))
            case 4 where !bytes.isEmpty: bytes[rng.below(zone)] = UInt8(truncatingIfNeeded: rng.next())
            default:
                // Digits of a number (a shape, an index) replaced by another number.
                let digits = bytes.indices.filter { bytes[$0] >= 48 && bytes[$0] <= 57 && $0 < zone }
                if let at = digits.isEmpty ? nil : digits[rng.below(digits.count)] {
                    bytes.replaceSubrange(at...at, with: Array(String(Int64(bitPattern: rng.next()) >> rng.below(64)).utf8))
                }
            }
        }
        return bytes
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

    static var count: Int { ProcessInfo.processInfo.environment["SER_FUZZ_COUNT"].flatMap(Int.init) ?? 10_000 }

    @Test func npyReaderSurvivesMutatedFiles() throws {
        let seed = try Self.seed().npy
        var rng = SplitMix64(state: 1)
        var read = 0, refused = 0
        for _ in 0..<Self.count {
            do {
                let (shape, values) = try NPY.decodeFloat32Matrix(Self.mutate(seed, &rng, header: 128), path: "fuzz.npy")
                #expect(values.count == shape.rows * shape.columns)
                read += 1
            } catch {
                #expect(error.path == "fuzz.npy")
                refused += 1
            }
        }
        #expect(read > Self.count / 50 && refused > Self.count / 50, "read \(read), refused \(refused)")
    }

    @Test func csvReaderSurvivesMutatedFiles() throws {
        let seed = try Self.seed().csv
        var rng = SplitMix64(state: 2)
        var read = 0, refused = 0
        for _ in 0..<Self.count {
            do {
                _ = try FeatureCSV.decode(Self.mutate(seed, &rng, header: seed.count), path: "fuzz.csv")
                read += 1
            } catch {
                #expect(error.path == "fuzz.csv")
                refused += 1
            }
        }
        #expect(read > Self.count / 50 && refused > Self.count / 50, "read \(read), refused \(refused)")
    }
}
