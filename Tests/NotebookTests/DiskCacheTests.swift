import Foundation
import Testing
@testable import Notebook

@Suite struct DiskCacheTests {
    func temporaryFolder() -> String {
        NSTemporaryDirectory() + "ser-cache-\(UUID().uuidString)"
    }

    let key1 = String(repeating: "ab", count: 32)
    let key2 = String(repeating: "cd", count: 32)

    @Test func missThenStoreThenHit() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = DiskCache(folder: folder)
        #expect(cache.load(key1) == nil)
        try cache.store([1, 2, 3, 10, 0], for: key1, kind: "features", description: "features #12 window=2s")
        #expect(cache.load(key1) == [1, 2, 3, 10, 0])
        #expect(cache.load(key2) == nil)
        #expect(cache.statistics == DiskCache.Counters(hits: 1, misses: 2, stores: 1))
        // A second cache over the same folder (a second run) is served from disk.
        let again = DiskCache(folder: folder)
        #expect(again.load(key1) == [1, 2, 3, 10, 0])
        #expect(FileManager.default.fileExists(atPath: "\(folder)/ab/\(key1)"))
        // Nothing else is left in the entry's folder (no temporary files).
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(folder)/ab") == [key1])
    }

    @Test func overwriteReplacesAndSummaryCounts() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = DiskCache(folder: folder)
        try cache.store(Array(repeating: 7, count: 100), for: key1, kind: "train")
        try cache.store([9], for: key1, kind: "train")
        try cache.store(Array(repeating: 1, count: 50), for: key2, kind: "demo")
        #expect(cache.load(key1) == [9])
        let summary = cache.summary()
        #expect(summary.kinds.map(\.kind) == ["demo", "train"])
        #expect(summary.kinds.map(\.entries) == [1, 1])
        #expect(summary.entries == 2)
        #expect(summary.bytes > 51)
    }

    @Test func corruptOrTruncatedEntriesAreMisses() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = DiskCache(folder: folder)
        try cache.store([1, 2, 3, 4], for: key1, kind: "features")
        let path = cache.path(for: key1)
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes.removeLast()
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(cache.load(key1) == nil)
        try Data("not a cache entry\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(cache.load(key1) == nil)
    }

    @Test func invalidKeysAreRejected() {
        let cache = DiskCache(folder: temporaryFolder())
        #expect(throws: NotebookError.self) { try cache.store([1], for: "../../etc/passwd", kind: "x") }
        #expect(cache.load("../x") == nil)
    }

    @Test func clearRemovesOnlyEntries() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = DiskCache(folder: folder)
        try cache.store([1], for: key1, kind: "a")
        try cache.store([2], for: key2, kind: "b")
        try Data("keep".utf8).write(to: URL(fileURLWithPath: folder + "/README"))
        #expect(cache.clear() == 2)
        #expect(cache.load(key1) == nil)
        #expect(cache.summary().entries == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["README"])
    }
}
