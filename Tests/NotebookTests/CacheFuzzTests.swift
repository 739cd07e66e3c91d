import Foundation
import FuzzSupport
import Language
import Support
import Testing
@testable import Notebook

/// The cache-entry reader never crashes or hangs, and never passes a changed payload: mutated entries are
/// refused by `DiskCache.decode` (header, length, SHA-256 checksum). LanguageTests' ValueFuzzTests fuzz the
/// payload decoder behind it. CI runs 10 000 inputs; `make fuzz` runs SER_FUZZ_COUNT.
@Suite struct CacheFuzzTests {
    /// Entry mutations: the header's fields (version, kind, length, checksum) rewritten, payload bytes flipped,
    /// header bytes overwritten, the entry cut or grown.
    static let mutations: [Mutation] = [
        .flipBit(.after(10)), .cut, .insertBytes(upTo: 8, .end), .setByte(.through(10)),
        .custom { (bytes: inout [UInt8], rng: inout SplitMix64) in
            let small: UInt64 = rng.next() % 100
            let newline = bytes.firstIndex(of: 10) ?? bytes.count
            var fields = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let replacements = ["", "ser-cache 2", "ser-cache 1", "-1", "99999999999999999999", String(small), String(repeating: "0", count: 64)]
            fields[rng.below(fields.count)] = replacements[rng.below(replacements.count)]
            bytes = Array(fields.joined(separator: "\t").utf8) + bytes[newline...]
        },
    ]

    /// Encoded values to store.
    static func payloads() throws -> [[UInt8]] {
        let values: [Value] = [.number(2, .seconds), .string("x"), .list([.number(1, .none), .list([.string("a")])]),
                               .string(String(repeating: "long text ", count: 100))]
        return try values.map { try ValueCoder.encode($0) }
    }

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
        let count = Fuzz.count()
        let (same, refused) = Fuzz.run(seed: 4, count: count) { rng in
            let original = entries[rng.below(entries.count)]
            switch DiskCache.decode(Fuzz.mutate(original, &rng, with: Self.mutations)) {
            case .success(let entry):
                // Only an unchanged payload may pass the checksum (a change in the header's description may).
                #expect(original.suffix(entry.payload.count).elementsEqual(entry.payload))
                return true
            case .failure:
                return false
            }
        }
        #expect(refused > count / 2, "refused \(refused), passed \(same)")
    }
}
