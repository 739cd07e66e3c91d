#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small seeded pseudo-random generator: xoshiro256** (Blackman & Vigna), its state filled by SplitMix64.
///
/// Deterministic on every platform: the same seed gives the same sequence, bit for bit. Not for cryptography.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose whole state is derived from `seed` through SplitMix64 (any seed, including 0, is fine).
    public init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform double in [0, 1): the top 53 bits of `next()`.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Fills `out` with independent standard normal values (mean 0, variance 1), by Marsaglia's polar method
    /// on pairs of uniforms in (−1, 1)² (pairs outside the unit circle are drawn again). The values depend only
    /// on the generator's state and `out.count`.
    public mutating func fillGaussian(_ out: UnsafeMutableBufferPointer<Float>) {
        var i = 0
        while i < out.count {
            var u = 0.0, v = 0.0, s = 0.0
            repeat {
                u = 2 * uniform() - 1
                v = 2 * uniform() - 1
                s = u * u + v * v
            } while s >= 1 || s == 0
            let factor = (-2 * log(s) / s).squareRoot()
            out[i] = Float(u * factor)
            if i + 1 < out.count { out[i + 1] = Float(v * factor) }
            i += 2
        }
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64 (Steele, Lea & Flood): seeds xoshiro and mixes seeds into new ones.
public struct SplitMix64: Sendable {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// SplitMix64's finalizer: a bijective 64-bit mix.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// FNV-1a over UTF-8 bytes: a stable 64-bit hash (Swift's `Hasher` is randomized per process, this is not).
public func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01B3
    }
    return hash
}
