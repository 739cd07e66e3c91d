#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Support

/// What ser's fuzz tests share (the lexer and parser's, and the readers of audio files, .npy/.csv tables,
/// safetensors models, cache entries and their payloads): how many inputs to try, a seeded byte mutator
/// whose mutations each test aims at its format's weak spots, and the loop that counts what was read and
/// what was refused. Test code only; no module of ser depends on it.
public enum Fuzz {
    /// Inputs per target: `ci` in `make test`, SER_FUZZ_COUNT under `make fuzz`.
    public static func count(ci: Int = 10_000) -> Int {
        getenv("SER_FUZZ_COUNT").flatMap { Int(String(cString: $0)) } ?? ci
    }

    /// Runs `body` on `count` inputs, all drawn from one generator seeded with `seed` (the same inputs run
    /// after run). `body` returns whether its input was accepted (read, decoded, parsed) or refused.
    public static func run(seed: UInt64, count: Int = count(), _ body: (inout SplitMix64) throws -> Bool) rethrows
        -> (accepted: Int, refused: Int)
    {
        var rng = SplitMix64(seed: seed)
        var accepted = 0
        for _ in 0..<count where try body(&rng) { accepted += 1 }
        return (accepted, count - accepted)
    }

    /// `input` changed by one to three mutations, each drawn from `mutations` (a kind listed twice is drawn
    /// twice as often). A mutation that does not apply (a byte flip in an empty input) does nothing.
    public static func mutate(_ input: [UInt8], _ rng: inout SplitMix64, with mutations: [Mutation]) -> [UInt8] {
        var bytes = input
        for _ in 0...rng.below(3) {
            mutations[rng.below(mutations.count)].apply(to: &bytes, &rng)
        }
        return bytes
    }
}

/// Where in the input a mutation lands.
public enum Zone: Sendable {
    /// Anywhere.
    case all
    /// Inside `range` (clipped to the input).
    case bytes(Range<Int>)
    /// Inside `range` three times in four, anywhere otherwise: headers, where readers trust sizes.
    case mostly(Range<Int>)
    /// Up to and including the first `byte` (a header line); all of the input when there is none.
    case through(UInt8)
    /// After the first `byte` (a payload); nothing when there is none.
    case after(UInt8)
    /// The end (to append).
    case end

    /// The positions of `bytes` this draw may touch (`lowerBound` ≤ `upperBound` ≤ `count`).
    func positions(in bytes: [UInt8], _ rng: inout SplitMix64) -> Range<Int> {
        let count = bytes.count, range: Range<Int>
        switch self {
        case .all: range = 0..<count
        case .bytes(let r): range = r
        case .mostly(let r): range = rng.below(4) > 0 ? r : 0..<count
        case .through(let byte): range = 0..<(bytes.firstIndex(of: byte).map { $0 + 1 } ?? count)
        case .after(let byte): range = (bytes.firstIndex(of: byte).map { $0 + 1 } ?? count)..<count
        case .end: range = count..<count
        }
        let lower = min(max(0, range.lowerBound), count)
        return lower..<max(lower, min(range.upperBound, count))
    }
}

/// One kind of change to an input's bytes.
public enum Mutation: Sendable {
    /// One bit flipped.
    case flipBit(Zone)
    /// One byte set to a random value (below 128 with `ascii`).
    case setByte(Zone, ascii: Bool = false)
    /// One byte removed.
    case remove(Zone)
    /// Up to `count` random bytes inserted.
    case insertBytes(upTo: Int, Zone)
    /// One of `fragments` inserted (format tokens: quotes, brackets, huge numbers).
    case insertFragment([String], Zone)
    /// The input cut to a random length (0 … all).
    case cut
    /// A little-endian integer of `width` bytes written over the input: one of `values`, the input's length,
    /// a number just above it, or random bits (lengths and counts are what readers trust).
    case overwrite(width: Int, Zone, values: [UInt64])
    /// One digit of a number replaced by another number (a shape, a length, an index).
    case replaceDigit(Zone)
    /// The input cut at a random place and continued from a random place of another input.
    case splice([[UInt8]])
    /// A change that knows the format (a header field rewritten).
    case custom(@Sendable (inout [UInt8], inout SplitMix64) -> Void)

    func apply(to bytes: inout [UInt8], _ rng: inout SplitMix64) {
        switch self {
        case .flipBit(let zone):
            let at = zone.positions(in: bytes, &rng)
            if !at.isEmpty { bytes[at.lowerBound + rng.below(at.count)] ^= UInt8(1 << rng.below(8)) }
        case .setByte(let zone, let ascii):
            let at = zone.positions(in: bytes, &rng)
            if !at.isEmpty { bytes[at.lowerBound + rng.below(at.count)] = UInt8(truncatingIfNeeded: ascii ? rng.next() % 128 : rng.next()) }
        case .remove(let zone):
            let at = zone.positions(in: bytes, &rng)
            if !at.isEmpty { bytes.remove(at: at.lowerBound + rng.below(at.count)) }
        case .insertBytes(let most, let zone):
            let at = zone.positions(in: bytes, &rng)
            let run = (0...rng.below(most)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            bytes.insert(contentsOf: run, at: at.lowerBound + rng.below(at.count + 1))
        case .insertFragment(let fragments, let zone):
            let at = zone.positions(in: bytes, &rng)
            bytes.insert(contentsOf: Array(fragments[rng.below(fragments.count)].utf8), at: at.lowerBound + rng.below(at.count + 1))
        case .cut:
            bytes.removeLast(rng.below(bytes.count + 1))
        case .overwrite(let width, let zone, let values):
            let at = zone.positions(in: bytes, &rng)
            guard at.count >= width else { return }
            let choices = values + [UInt64(bytes.count), UInt64(bytes.count + rng.below(16)), rng.next()]
            let value = choices[rng.below(choices.count)]
            let start = at.lowerBound + rng.below(at.count - width + 1)
            for k in 0..<width { bytes[start + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
        case .replaceDigit(let zone):
            let at = zone.positions(in: bytes, &rng)
            let digits = at.filter { bytes[$0] >= 48 && bytes[$0] <= 57 }
            guard !digits.isEmpty else { return }
            let number = String(Int64(bitPattern: rng.next()) >> rng.below(64))
            let i = digits[rng.below(digits.count)]
            bytes.replaceSubrange(i...i, with: Array(number.utf8))
        case .splice(let others):
            let other = others[rng.below(others.count)]
            bytes = Array(bytes[..<rng.below(bytes.count + 1)]) + Array(other[rng.below(other.count + 1)...])
        case .custom(let change):
            change(&bytes, &rng)
        }
    }
}

extension SplitMix64 {
    /// A uniform index below `n`; 0 when `n` ≤ 0 (so that a mutation of an empty input needs no guard).
    public mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : index(below: n) }
}
