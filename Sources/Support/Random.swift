#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// ser's seeded random sources. Both generators give the same sequence for the same seed on every platform
// and Swift version (the standard library's generator and `shuffle(using:)` promise neither). Not for
// cryptography.

/// SplitMix64 (Steele, Lea & Flood 2014): 64 bits of state, one multiply-xorshift finalizer per draw. Learn
/// draws initial weights, shuffles and dropout masks from it; it also seeds `Xoshiro256StarStar`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    /// A generator whose sequence is fixed by `seed` (any seed, including 0).
    @inlinable public init(seed: UInt64) { state = seed }

    /// The generator for stream `id` of `seed`: distinct, reproducible sequences for distinct ids, so that
    /// independent uses of one seed (initialization, shuffling, dropout) do not share numbers.
    public init(seed: UInt64, stream id: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (id &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next() ^ id
    }

    /// A generator for one named thing (a speaker, a file) under a run seed: independent of the order in
    /// which things are drawn, so parallel work stays reproducible.
    public init(seed: UInt64, key: String) {
        state = seed ^ stableHash(key)
        _ = next()
    }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// SplitMix64's finalizer: a bijective 64-bit mix.
    @inlinable public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman & Vigna 2018), its state filled by SplitMix64 from the seed. Augment's noise and
/// Evaluate's splits draw from it.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose whole state is derived from `seed` through SplitMix64 (any seed, including 0).
    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        let result = Xoshiro256StarStar.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Xoshiro256StarStar.rotl(s3, 45)
        return result
    }

    @inlinable static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

extension RandomNumberGenerator {
    /// A uniform Double in [0, 1): the top 53 bits of `next()`.
    @inlinable public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform Float in [0, 1): the top 24 bits of `next()`.
    @inlinable public mutating func unitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform Double in [a, b).
    @inlinable public mutating func uniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * unit()
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject, unbiased; `bound` > 0).
    @inlinable public mutating func index(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        let threshold = (0 &- b) % b
        while true {
            let product = next().multipliedFullWidth(by: b)
            if product.low >= threshold { return Int(product.high) }
        }
    }

    /// Shuffles `array` in place (Fisher–Yates from the end, `index(below:)` per step), reproducibly for a
    /// given generator state.
    @inlinable public mutating func shuffle<T>(_ array: inout [T]) {
        var i = array.count - 1
        while i > 0 {
            array.swapAt(i, index(below: i + 1))
            i -= 1
        }
    }

    /// One standard normal value (mean 0, variance 1) by the Box–Muller transform of two uniforms.
    @inlinable public mutating func normal() -> Double {
        let u1 = max(unit(), 0x1.0p-53), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Fills `out` with independent standard normal values (mean 0, variance 1), by Marsaglia's polar method
    /// on pairs of uniforms in (−1, 1)² (pairs outside the unit circle are drawn again). The values depend
    /// only on the generator's state and `out.count`, and the generator is left as drawing pair after pair
    /// until `out` is full would leave it.
    ///
    /// Candidate pairs are drawn in rounds of at most as many as are still needed (so never one that the
    /// pair-by-pair loop would not draw) and the ones inside the circle kept without a branch; a second loop
    /// turns the kept ones into normals. A rejection is then no mispredicted branch, and the logarithms, square
    /// roots and divisions of a round overlap: the same numbers, in the same order, about twice as fast.
    @inlinable public mutating func fillGaussian(_ out: UnsafeMutableBufferPointer<Float>) {
        let pairs = (out.count + 1) / 2, round = 256
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * round) { buffer in
            let us = buffer.baseAddress!, vs = us + round, ss = vs + round
            var done = 0
            while done < pairs {
                var kept = 0
                for _ in 0..<min(round, pairs - done) {
                    let u = 2 * unit() - 1
                    let v = 2 * unit() - 1
                    let s = u * u + v * v
                    us[kept] = u
                    vs[kept] = v
                    ss[kept] = s
                    kept += s < 1 && s != 0 ? 1 : 0
                }
                for j in 0..<kept {
                    let factor = (-2 * log(ss[j]) / ss[j]).squareRoot()
                    let i = 2 * (done + j)
                    out[i] = Float(us[j] * factor)
                    if i + 1 < out.count { out[i + 1] = Float(vs[j] * factor) }
                }
                done += kept
            }
        }
    }
}

/// FNV-1a over UTF-8 bytes: a stable 64-bit hash for deriving seeds from names (Swift's `Hasher` is
/// randomized per process; this is not).
public func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01B3
    }
    return hash
}
