import Foundation
import Language
import Testing
@testable import Notebook

/// Issue 12: a damaged cache must never be used. Every entry carries the SHA-256 of its payload; a mismatch
/// is a miss, reported once, and the recomputed value replaces the entry.
@Suite struct NotebookHostileInputTests {
    let folder = NSTemporaryDirectory() + "ser-hostile-cache-\(UUID().uuidString)"
    let key = String(repeating: "ab", count: 32)

    /// Item 7: flipping one byte of a payload used to change results with "1 from cache".
    @Test func flippedPayloadByteIsADamagedMiss() throws {
        let cache = DiskCache(folder: folder)
        let payload = [UInt8](repeating: 0x41, count: 1000)
        try cache.store(payload, for: key, kind: "features", description: "d")
        #expect(cache.entry(key) == .hit(payload))
        var bytes = try #require(FileManager.default.contents(atPath: cache.path(for: key)))
        bytes[bytes.count - 500] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: cache.path(for: key)))
        guard case .damaged(let message) = cache.entry(key) else {
            Issue.record("a flipped byte must be reported as damage")
            return
        }
        #expect(message == "\(cache.path(for: key)): damaged cache entry (payload checksum mismatch); recomputed and replaced")
        #expect(cache.load(key) == nil)
    }

    @Test func truncatedAndForeignEntriesAreDamaged() throws {
        let cache = DiskCache(folder: folder)
        try cache.store([1, 2, 3, 4], for: key, kind: "features")
        let path = cache.path(for: key)
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes.removeLast()
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(cache.entry(key) == .damaged("\(path): damaged cache entry (payload of 3 bytes, the header announces 4); recomputed and replaced"))
        try Data("ser-cache 1\tfeatures\t1\tx\n1".utf8).write(to: URL(fileURLWithPath: path))
        #expect(cache.entry(key) == .miss)
    }

    /// Through the interpreter: the damage is a warning line once, the verb runs again, the entry is replaced.
    @Test func sessionReportsDamageOnceAndReplacesTheEntry() throws {
        let runs = CachedRunTests.Counter()
        var registry = VerbRegistry.standard
        registry.add(Verb("double", summary: "2·x", parameters: [Parameter("x", .number, positional: true, doc: "x")],
                          examples: ["y = double 3"], result: .number, cached: true) { call in
            runs.increment()
            return call.make(.number(2 * call.number("x"), .none))
        })
        let cache = DiskCache(folder: folder)
        _ = try Session(registry: registry, cache: cache).execute("y = double 21", file: "t")
        #expect(runs.count == 1)
        let entries = try FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.count > 3 }
        let path = folder + "/" + (try #require(entries.first))
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes[bytes.count - 9] ^= 0x40   // inside the number's bits
        try bytes.write(to: URL(fileURLWithPath: path))

        let second = try Session(registry: registry, cache: cache).execute("y = double 21", file: "t")
        #expect(runs.count == 2)
        #expect(second.text.contains("warning: \(path): damaged cache entry (payload checksum mismatch); recomputed and replaced"))
        #expect(second.text.contains("y = 42"))
        let third = try Session(registry: registry, cache: cache).execute("y = double 21", file: "t")
        #expect(runs.count == 2)
        #expect(!third.text.contains("warning"))
    }

    /// The same for a deferred verb (bound without being read, its note beside its value): a damaged value is
    /// said when it is needed and recomputed; a damaged note is said, the value served, and the note replaced.
    @Test func deferredValuesReportDamageOnceAndReplaceTheEntry() throws {
        let runs = CachedRunTests.Counter()
        var registry = VerbRegistry.standard
        registry.add(Verb("triple", summary: "3·x", parameters: [Parameter("x", .number, positional: true, doc: "x")],
                          examples: ["y = triple 3"], result: .number, cached: true, scheduling: .deferred) { call in
            runs.increment()
            call.print("tripled")
            return call.make(.number(3 * call.number("x"), .none))
        })
        let cache = DiskCache(folder: folder)
        let first = try Session(registry: registry, cache: cache).execute("y = triple 14\ny", file: "t")
        #expect(runs.count == 1)
        #expect(first.text.contains("tripled") && first.text.contains("42"))
        let entries = try FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.count > 3 }.map { folder + "/" + $0 }
        #expect(entries.count == 2)  // the value and its note
        let valuePath = try #require(entries.first { (try? String(contentsOfFile: $0, encoding: .isoLatin1))?.contains("\ttriple\t") == true })
        let notePath = try #require(entries.first { $0 != valuePath })
        func flip(_ path: String) throws {
            var bytes = try #require(FileManager.default.contents(atPath: path))
            bytes[bytes.count - 2] ^= 0x40
            try bytes.write(to: URL(fileURLWithPath: path))
        }

        // A damaged value under an intact note: the statement shows the note, `y` needs the value.
        try flip(valuePath)
        let second = try Session(registry: registry, cache: cache).execute("y = triple 14\ny", file: "t")
        #expect(runs.count == 2)
        #expect(second.text.contains("warning: \(valuePath): damaged cache entry (payload checksum mismatch); recomputed and replaced"))
        #expect(second.text.contains("42"))

        // A damaged note: said, the value read from the cache (not recomputed), the note written again.
        try flip(notePath)
        let third = try Session(registry: registry, cache: cache).execute("y = triple 14", file: "t")
        #expect(runs.count == 2)
        #expect(third.text.contains("warning: \(notePath): damaged cache entry (payload checksum mismatch); recomputed and replaced"))
        #expect(third.text.contains("y = 42"))
        let fourth = try Session(registry: registry, cache: cache).execute("y = triple 14\ny", file: "t")
        #expect(runs.count == 2)
        #expect(!fourth.text.contains("warning"))
        #expect(fourth.text.contains("y = 42"))
    }

    /// Misleading message: a cache path that is a file silently disabled caching; it is now said once.
    @Test func cachePathThatIsAFileIsSaidOnce() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/cache-file"
        _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let cache = DiskCache(folder: file)
        #expect(cache.entry(key) == .damaged("\(file): the cache path is a file, not a folder; caching is off for this run"))
        #expect(cache.entry(key) == .miss)
        try cache.store([1], for: key, kind: "x")
        #expect(FileManager.default.contents(atPath: file) == Data("x".utf8))
    }

    /// Misleading message: `cache clear` followed symbolic links to shard folders and removed files elsewhere.
    @Test func clearDoesNotFollowLinkedShards() throws {
        let cache = DiskCache(folder: folder + "/cache")
        try cache.store([1], for: key, kind: "a")
        let elsewhere = folder + "/elsewhere"
        let other = DiskCache(folder: elsewhere)
        let otherKey = String(repeating: "cd", count: 32)
        try other.store([2], for: otherKey, kind: "b")
        #expect(symlink(elsewhere + "/cd", folder + "/cache/cd") == 0)
        #expect(cache.clear() == 1)
        #expect(other.load(otherKey) == [2])
    }
}
