import Foundation
import Support

/// The cache key of an expensive verb's result.
///
/// `hash` is SHA-256 of `recipe`, which lists ser's version, the verb, every argument in canonical form
/// (session values by their own content hash, files by path, size and modification time) and the seed
/// for seeded verbs. It is also the content hash of the value the verb makes.
public struct CacheKey: Sendable, Hashable {
    public let hash: ContentHash
    /// The verb, e.g. `features` or `demo`.
    public let verb: String
    /// The text that was hashed, one `name=value` a line, for `ser cache info` and debugging.
    public let recipe: String

    public init(verb: String, recipe: String) {
        self.verb = verb
        self.recipe = recipe
        self.hash = ContentHash(of: recipe)
    }
}

/// Where the session keeps the results of expensive verbs (demo corpora, features, augment, train,
/// crossval) between runs. The `Notebook` module implements it on disk (`.ser-cache/`).
///
/// The interpreter calls `lookup` before running a cached verb; on a hit it decodes the bytes with
/// `ValueCoder.decode` and skips the verb. On a miss it runs the verb, encodes the result with
/// `ValueCoder.encode` and calls `store`. Errors thrown by either method are not fatal: a failed lookup
/// counts as a miss and is reported as a warning line (as is an entry `ValueCoder` cannot decode), a failed
/// store too.
public protocol ValueCache: AnyObject {
    /// The bytes stored under `key`, or `nil` when there are none.
    func lookup(_ key: CacheKey) throws -> [UInt8]?
    /// Stores `bytes` under `key`, replacing any previous entry; must not leave a partial entry behind.
    func store(_ bytes: [UInt8], for key: CacheKey) throws
}

/// A cache entry that is present but fails its checks (checksum, length, format): `lookup` throws it, the
/// interpreter reports it as a warning line, recomputes the value and stores it over the damaged entry.
public struct CacheDamage: ModuleError {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// A `ValueCache` in memory, for tests and for a REPL session without a disk cache. Safe to use from
/// several threads (deferred values are computed on their own threads).
public final class MemoryCache: ValueCache, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [ContentHash: [UInt8]] = [:]
    private var counts = (hits: 0, misses: 0)

    public init() {}

    public var entries: [ContentHash: [UInt8]] { lock.withLock { stored } }
    /// Lookups that found an entry / did not.
    public var hits: Int { lock.withLock { counts.hits } }
    public var misses: Int { lock.withLock { counts.misses } }

    public func lookup(_ key: CacheKey) throws -> [UInt8]? {
        lock.withLock {
            if let bytes = stored[key.hash] {
                counts.hits += 1
                return bytes
            }
            counts.misses += 1
            return nil
        }
    }

    public func store(_ bytes: [UInt8], for key: CacheKey) throws {
        lock.withLock { stored[key.hash] = bytes }
    }
}

/// What a statement showed when its value was made — the value's type, its one-line summary, the lines its
/// verb printed — kept in the cache under a key derived from the value's hash. A re-run shows the statement's
/// output from the note and leaves the value deferred: it is read from the cache (or, for a verb that is not
/// cached, computed) only if something needs it.
struct CacheNote: Equatable {
    var type: ValueType
    var summary: String
    var lines: [String]

    static let magic: [UInt8] = Array("SERN".utf8) + [1]

    /// The note's key for the value keyed by `key`.
    static func key(for key: CacheKey) -> CacheKey {
        CacheKey(verb: "note", recipe: "note of \(key.verb) \(key.hash.hex)\n")
    }

    var encoded: [UInt8] {
        var w = ByteWriter()
        w.bytes.append(contentsOf: Self.magic)
        w.string(type.rawValue)
        w.string(summary)
        w.strings(lines)
        return w.bytes
    }

    /// The note in `bytes`, or nil when they are not one.
    init?(_ bytes: [UInt8]) {
        guard bytes.starts(with: Self.magic) else { return nil }
        var r = ByteReader(bytes: bytes)
        r.offset = Self.magic.count
        guard let name = try? r.string(), let type = ValueType(rawValue: name), let summary = try? r.string(),
              let lines = try? r.strings(), r.offset == bytes.count else { return nil }
        self.init(type: type, summary: summary, lines: lines)
    }

    init(type: ValueType, summary: String, lines: [String]) {
        self.type = type
        self.summary = summary
        self.lines = lines
    }
}
