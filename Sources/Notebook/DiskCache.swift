#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Audio
import Language
import Support

/// A content-addressed store of serialized session values on disk, under `.ser-cache/` by default.
///
/// Entries are named by a key that already says everything that made the value — Language's content hash
/// of the verb, its canonical arguments, the hashes of its inputs, the seed and ser's version — so an entry is
/// never stale: a changed input or argument gives a different key, and the old entry is simply not asked
/// for again. Layout: `<folder>/<first two key characters>/<key>`, each file a one-line header
/// (`ser-cache 2<TAB><kind><TAB><payload bytes><TAB><SHA-256 of the payload, hex><TAB><description>`) followed
/// by the payload. Files are written to a temporary name and renamed into place, so a reader never sees half
/// an entry. Every read verifies the payload's length and checksum: a damaged entry (a flipped byte, a cut
/// file, a foreign file) is a miss that `entry(_:)` reports as `.damaged` — the caller says so once and the
/// recomputed value replaces it. Entries of the older unchecked format (`ser-cache 1`) are plain misses.
public final class DiskCache: @unchecked Sendable {
    /// The cache folder, as given (default `.ser-cache`).
    public let folder: String
    private let lock = Lock()
    private var counters = Counters()
    private var reportedFolder = false

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

    /// What a lookup found.
    public enum Lookup: Equatable, Sendable {
        case hit([UInt8])
        case miss
        /// An entry is there but fails its checks; the sentence says which, naming the file.
        case damaged(String)
    }

    /// The payload stored under `key`, or nil (a miss; a damaged entry is a miss too).
    public func load(_ key: String) -> [UInt8]? {
        if case .hit(let payload) = entry(key) { return payload }
        return nil
    }

    /// The entry under `key`, verified: its header, length and payload checksum.
    public func entry(_ key: String) -> Lookup {
        let result: Lookup
        if !Self.isValidKey(key) {
            result = .miss
        } else if let problem = folderProblem() {
            result = problem
        } else {
            let path = path(for: key)
            var st = stat()
            if lstat(path, &st) != 0 {
                result = .miss
            } else if (st.st_mode & S_IFMT) != S_IFREG {
                result = .damaged("\(path): not a regular file; ignored and replaced")
            } else if let bytes = Files.read(path) {
                switch Self.decode(bytes) {
                case .success(let entry): result = .hit(entry.payload)
                case .failure(let reason):
                    result = reason == .oldFormat ? .miss
                        : .damaged("\(path): damaged cache entry (\(reason.description)); recomputed and replaced")
                }
            } else {
                result = .damaged("\(path): cannot read cache entry; recomputed and replaced")
            }
        }
        lock.withLock {
            if case .hit = result { counters.hits += 1 } else { counters.misses += 1 }
        }
        return result
    }

    /// When the cache folder cannot be used (it is a file), `.damaged` with the reason the first time, `.miss`
    /// after that: the problem is said once per cache, not once per statement.
    private func folderProblem() -> Lookup? {
        guard folderIsUnusable else { return nil }
        let first = lock.withLock { () -> Bool in
            defer { reportedFolder = true }
            return !reportedFolder
        }
        return first ? .damaged("\(folder): the cache path is a file, not a folder; caching is off for this run") : .miss
    }

    /// Whether `folder` exists and is not a folder.
    private var folderIsUnusable: Bool {
        var st = stat()
        return stat(folder, &st) == 0 && (st.st_mode & S_IFMT) != S_IFDIR
    }

    /// Stores `payload` under `key`; `kind` (the verb) and `description` (the recipe, one line) are
    /// for `ser cache info` only.
    public func store(_ payload: [UInt8], for key: String, kind: String, description: String = "") throws(NotebookError) {
        guard Self.isValidKey(key) else {
            throw NotebookError(.io, file: folder, "invalid cache key '\(key)' (expected 16 to 128 letters or digits)")
        }
        // An unusable cache folder was reported by the lookup.
        if folderIsUnusable { return }
        let path = path(for: key)
        do { try Files.makeParentDirectories(of: path) } catch {
            throw NotebookError(.io, file: error.path ?? path, "cannot create cache folder: \(error.message)")
        }
        let clean = { (s: String) in String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 }) }
        let checksum = ContentHash(of: payload).hex
        let header = "ser-cache 2\t\(clean(kind))\t\(payload.count)\t\(checksum)\t\(clean(description))\n"
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

    /// Removes every entry (and only entries: regular files with the cache header), then the empty subfolders.
    /// Symbolic links are never followed: a shard folder or entry that is a link is left alone.
    /// Returns how many entries were removed.
    @discardableResult
    public func clear() -> Int {
        var removed = 0
        for path in entryPaths() where Self.readKind(path) != nil {
            if unlink(path) == 0 { removed += 1 }
        }
        for sub in shardFolders() {
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

    /// The two-character shard folders that are real folders (not links).
    private func shardFolders() -> [String] {
        (Files.entries(folder, hidden: true) ?? []).filter { sub in
            var st = stat()
            return sub.count == 2 && lstat(folder + "/" + sub, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
        }
    }

    /// Entry files: regular files (not links) with a key's name in a shard folder.
    private func entryPaths() -> [String] {
        var paths: [String] = []
        for sub in shardFolders() {
            for name in (Files.entries(folder + "/" + sub, hidden: true) ?? []) where Self.isValidKey(name) {
                let path = "\(folder)/\(sub)/\(name)"
                var st = stat()
                if lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { paths.append(path) }
            }
        }
        return paths
    }

    /// Why an entry's bytes were refused.
    enum Damage: Error, Equatable, CustomStringConvertible {
        case notAnEntry, oldFormat, length(announced: Int, found: Int), checksum

        var description: String {
            switch self {
            case .notAnEntry: "not a ser cache entry"
            case .oldFormat: "an entry of an older format"
            case let .length(announced, found): "payload of \(found) bytes, the header announces \(announced)"
            case .checksum: "payload checksum mismatch"
            }
        }
    }

    /// Splits an entry into its kind and payload, verifying the length and the SHA-256 of the payload.
    static func decode(_ bytes: [UInt8]) -> Result<(kind: String, payload: [UInt8]), Damage> {
        guard let newline = bytes.prefix(4096).firstIndex(of: 10) else { return .failure(.notAnEntry) }
        let fields = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
        if fields.first == "ser-cache 1" { return .failure(.oldFormat) }
        guard fields.count >= 4, fields[0] == "ser-cache 2", let count = Int(fields[2]), count >= 0 else {
            return .failure(.notAnEntry)
        }
        let found = bytes.count - newline - 1
        guard found == count else { return .failure(.length(announced: count, found: found)) }
        let payload = Array(bytes[(newline + 1)...])
        guard ContentHash(of: payload).hex == fields[3] else { return .failure(.checksum) }
        return .success((String(fields[1]), payload))
    }

    /// The kind in an entry's header, reading only the header.
    static func readKind(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let line = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count >= 3, fields[0] == "ser-cache 1" || fields[0] == "ser-cache 2" else { return nil }
        return String(fields[1])
    }
}
