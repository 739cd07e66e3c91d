#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Audio
import Support

/// A content-addressed store of serialized session values on disk, under `.ser-cache/` by default.
///
/// Entries are named by a key that already says everything that made the value — Language's content hash
/// of the verb, its canonical arguments, the hashes of its inputs, the seed and ser's version — so an entry is
/// never stale: a changed input or argument gives a different key, and the old entry is simply not asked
/// for again. Layout: `<folder>/<first two key characters>/<key>`, each file a one-line header
/// (`ser-cache 1<TAB><kind><TAB><payload bytes><TAB><description>`) followed by the payload. Files are written
/// to a temporary name and renamed into place, so a reader never sees half an entry; an entry whose header
/// or length is wrong counts as a miss.
public final class DiskCache: @unchecked Sendable {
    /// The cache folder, as given (default `.ser-cache`).
    public let folder: String
    private let lock = Lock()
    private var counters = Counters()

    /// Lookups and stores since this cache was made.
    public struct Counters: Sendable, Equatable {
        public var hits = 0
        public var misses = 0
        public var stores = 0
    }

    /// What the cache holds, for `ser cache info`.
    public struct Summary: Sendable, Equatable {
        /// Entries and bytes per kind (`features`, `train`…), sorted by kind.
        public var kinds: [(kind: String, entries: Int, bytes: Int)]
        public var entries: Int { kinds.reduce(0) { $0 + $1.entries } }
        public var bytes: Int { kinds.reduce(0) { $0 + $1.bytes } }

        public static func == (a: Summary, b: Summary) -> Bool {
            a.kinds.elementsEqual(b.kinds) { $0.kind == $1.kind && $0.entries == $1.entries && $0.bytes == $1.bytes }
        }
    }

    /// A cache in `folder` (created on the first store).
    public init(folder: String = ".ser-cache") {
        self.folder = folder
    }

    /// Counts of hits, misses and stores so far.
    public var statistics: Counters { lock.withLock { counters } }

    /// The payload stored under `key`, or nil (a miss).
    public func load(_ key: String) -> [UInt8]? {
        guard Self.isValidKey(key), let bytes = Files.read(path(for: key)), let (_, payload) = Self.decode(bytes) else {
            lock.withLock { counters.misses += 1 }
            return nil
        }
        lock.withLock { counters.hits += 1 }
        return payload
    }

    /// Stores `payload` under `key`; `kind` (the verb) and `description` (the recipe, one line) are
    /// for `ser cache info` only.
    public func store(_ payload: [UInt8], for key: String, kind: String, description: String = "") throws(NotebookError) {
        guard Self.isValidKey(key) else {
            throw NotebookError(.io, file: folder, "invalid cache key '\(key)' (expected 16 to 128 letters or digits)")
        }
        let path = path(for: key)
        do { try Files.makeParentDirectories(of: path) } catch {
            throw NotebookError(.io, file: error.path ?? path, "cannot create cache folder: \(error.message)")
        }
        let clean = { (s: String) in String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 }) }
        let header = "ser-cache 1\t\(clean(kind))\t\(payload.count)\t\(clean(description))\n"
        do {
            try AtomicFile.write(Array(header.utf8) + payload, to: path)
        } catch {
            throw NotebookError(.io, file: path, error.message)
        }
        lock.withLock { counters.stores += 1 }
    }

    /// Entries and sizes per kind.
    public func summary() -> Summary {
        var byKind: [String: (Int, Int)] = [:]
        for path in entryPaths() {
            guard let kind = Self.readKind(path) else { continue }
            var info = stat()
            let size = stat(path, &info) == 0 ? Int(info.st_size) : 0
            byKind[kind, default: (0, 0)].0 += 1
            byKind[kind, default: (0, 0)].1 += size
        }
        return Summary(kinds: byKind.keys.sorted().map { ($0, byKind[$0]!.0, byKind[$0]!.1) })
    }

    /// Removes every entry (and only entries: files with the cache header), then the empty subfolders.
    /// Returns how many entries were removed.
    @discardableResult
    public func clear() -> Int {
        var removed = 0
        for path in entryPaths() where Self.readKind(path) != nil {
            if unlink(path) == 0 { removed += 1 }
        }
        for sub in Files.entries(folder, hidden: true) ?? [] where sub.count == 2 {
            rmdir(folder + "/" + sub)   // fails harmlessly when not empty
        }
        return removed
    }

    // MARK: Layout

    func path(for key: String) -> String {
        "\(folder)/\(key.prefix(2))/\(key)"
    }

    static func isValidKey(_ key: String) -> Bool {
        (16...128).contains(key.utf8.count) && key.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) }
    }

    private func entryPaths() -> [String] {
        var paths: [String] = []
        for sub in Files.entries(folder, hidden: true) ?? [] where sub.count == 2 {
            for name in Files.entries(folder + "/" + sub, hidden: true) ?? [] where Self.isValidKey(name) {
                paths.append("\(folder)/\(sub)/\(name)")
            }
        }
        return paths
    }

    /// Splits an entry into its header fields and payload; nil when malformed or truncated.
    static func decode(_ bytes: [UInt8]) -> (kind: String, payload: [UInt8])? {
        guard let newline = bytes.prefix(4096).firstIndex(of: 10) else { return nil }
        let fields = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count >= 3, fields[0] == "ser-cache 1", let count = Int(fields[2]),
              bytes.count - newline - 1 == count else { return nil }
        return (String(fields[1]), Array(bytes[(newline + 1)...]))
    }

    /// The kind in an entry's header, reading only the header.
    static func readKind(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let line = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count >= 3, fields[0] == "ser-cache 1" else { return nil }
        return String(fields[1])
    }
}
