/// The one random source of Learn: SplitMix64 (Steele, Lea & Flood 2014), seeded, reproducible on every
/// platform. Independent streams (initialization, shuffling, dropout) come from one seed through `stream`.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The generator for stream `id` of `seed`: distinct, reproducible sequences for distinct ids.
    public init(seed: UInt64, stream id: UInt64) {
        var mixer = SeededGenerator(seed: seed ^ (id &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next() ^ id
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func nextUnit() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform integer in 0..<bound (Lemire's unbiased multiply-and-reject).
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        while true {
            let product = next().multipliedFullWidth(by: b)
            if product.low >= (0 &- b) % b { return Int(product.high) }
        }
    }
}

/// Stream ids of the one seed.
enum RandomStream: UInt64 {
    case initialization = 1
    case shuffle = 2
    case dropout = 3
    case outputLayer = 4
}
