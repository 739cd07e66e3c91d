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

/// A `ValueCache` in memory, for tests and for a REPL session without a disk cache.
public final class MemoryCache: ValueCache {
    public private(set) var entries: [ContentHash: [UInt8]] = [:]
    /// Lookups that found an entry / did not.
    public private(set) var hits = 0, misses = 0

    public init() {}

    public func lookup(_ key: CacheKey) throws -> [UInt8]? {
        if let bytes = entries[key.hash] {
            hits += 1
            return bytes
        }
        misses += 1
        return nil
    }

    public func store(_ bytes: [UInt8], for key: CacheKey) throws {
        entries[key.hash] = bytes
    }
}
