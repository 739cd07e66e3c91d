import Crypto

/// A SHA-256 digest naming a session value by what made it: its verb, canonical arguments, the hashes of
/// its inputs, the seed and ser's version (for values computed by a verb), or its content (for literals).
/// The same hash names the value's cache entry.
public struct ContentHash: Sendable, Hashable, CustomStringConvertible {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// SHA-256 (swift-crypto) of `text`'s UTF-8 bytes.
    public init(of text: String) {
        self.bytes = Array(SHA256.hash(data: Array(text.utf8)))
    }

    /// SHA-256 of raw bytes.
    public init(of data: [UInt8]) {
        self.bytes = Array(SHA256.hash(data: data))
    }

    init(digest: [UInt8]) { self.bytes = digest }

    /// 64 lowercase hexadecimal digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first 12 hex digits, as shown by `:vars`.
    public var short: String { String(hex.prefix(12)) }

    public var description: String { hex }
}
