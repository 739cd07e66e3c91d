import Foundation
import Language
import Testing
@testable import Notebook

/// The cache-entry reader never crashes or hangs, and never passes a changed payload: mutated entries are
/// refused by `DiskCache.decode` (header, length, SHA-256 checksum). LanguageTests' ValueFuzzTests fuzz the
/// payload decoder behind it. CI runs 10 000 inputs; `make fuzz` runs SER_FUZZ_COUNT.
@Suite struct CacheFuzzTests {
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
                let v: UInt64 = [0, UInt64.max, 1 << 62, UInt64(rng.below(1 << 20)), rng.next()][rng.below(5)]
                for k in 0..<8 { bytes[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
            case 3 where !bytes.isEmpty: bytes.remove(at: rng.below(bytes.count))
            default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(bytes.count + 1))
            }
        }
        return bytes
    }

    /// Encoded values to store.
    static func payloads() throws -> [[UInt8]] {
        let values: [Value] = [.number(2, .seconds), .string("x"), .list([.number(1, .none), .list([.string("a")])]),
                               .string(String(repeating: "long text ", count: 100))]
        return try values.map { try ValueCoder.encode($0) }
    }

    static var count: Int { ProcessInfo.processInfo.environment["SER_FUZZ_COUNT"].flatMap(Int.init) ?? 10_000 }

    @Test func entriesWithMutatedBytesAreMisses() throws {
        let folder = NSTemporaryDirectory() + "ser-fuzz-cache-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = DiskCache(folder: folder)
        let key = String(repeating: "ab", count: 32)
        var entries: [[UInt8]] = []
        for payload in try Self.payloads() {
            try cache.store(payload, for: key, kind: "fuzz", description: "seed")
            entries.append(Array(try Data(contentsOf: URL(fileURLWithPath: cache.path(for: key)))))
        }
        var rng = SplitMix64(state: 4)
        var same = 0, refused = 0
        for _ in 0..<Self.count {
            let original = entries[rng.below(entries.count)]
            let mutated = Self.mutate(original, &rng)
            switch DiskCache.decode(mutated) {
            case .success(let entry):
                // Only an unchanged payload may pass the checksum (a change in the header's description may).
                #expect(original.suffix(entry.payload.count).elementsEqual(entry.payload))
                same += 1
            case .failure:
                refused += 1
            }
        }
        #expect(refused > Self.count / 2, "refused \(refused), passed \(same)")
    }
}
