import CGEMM
import Testing
@testable import Learn
import Support

/// Adam's update is its float formula on every kernel, bit for bit — also where the AVX-512 and AVX2 kernels
/// compute vectors near the subnormal range in double precision instead (Sources/CGEMM/adam.c).
@Suite struct AdamArithmeticTests {
    /// The definition, in Swift (IEEE float operations, nothing fused).
    func definition(w: inout [Float], m: inout [Float], v: inout [Float], g: [Float], c1: Float, c2: Float, alpha: Float, eps: Float) {
        for i in g.indices {
            let mi = m[i] + (g[i] - m[i]) * c1
            let vi = v[i] + (g[i] * g[i] - v[i]) * c2
            m[i] = mi
            v[i] = vi
            w[i] = w[i] - (mi * alpha) / (vi.squareRoot() + eps)
        }
    }

    /// `ser_adam` on one kernel.
    func step(_ kernel: GEMM.Kernel, _ state: inout (w: [Float], m: [Float], v: [Float]), g: [Float], c1: Float, c2: Float, alpha: Float, eps: Float) {
        var (w, m, v) = state
        ser_adam_with(kernel.code, g.count, &w, &m, &v, g, c1, c2, alpha, eps)
        state = (w, m, v)
    }

    /// The first element whose bits differ ("index: got vs expected"), nil when none does. Any NaN equals any
    /// other: which NaN an invalid operation returns (its sign) is the C library's or the instruction's choice.
    func firstDifference(_ got: [Float], _ expected: [Float]) -> String? {
        for i in got.indices where got[i].bitPattern != expected[i].bitPattern && !(got[i].isNaN && expected[i].isNaN) {
            return "\(i): \(got[i]) (0x\(String(got[i].bitPattern, radix: 16))) vs \(expected[i]) (0x\(String(expected[i].bitPattern, radix: 16)))"
        }
        return nil
    }

    var kernels: [GEMM.Kernel] { GEMM.Kernel.runnable }

    /// A float of a random sign and magnitude 2^e·(1 + f), e in `exponents`; below −126, a subnormal.
    func value(_ rng: inout SplitMix64, exponents: ClosedRange<Int>) -> Float {
        let e = exponents.lowerBound + rng.index(below: exponents.count)
        let sign: Float = rng.index(below: 2) == 0 ? 1 : -1
        if e < -126 {
            return sign * Float(bitPattern: UInt32(1 + rng.index(below: (1 << 23) - 1)) >> UInt32(min(22, -126 - e)))
        }
        return sign * Float(sign: .plus, exponent: e, significand: 1 + rng.unitFloat())
    }

    /// Inputs of every kind the kernels tell apart: 0 and −0, the smallest subnormals (a first moment stuck there
    /// under a zero gradient), subnormals, values on both sides of the bounds of the float path (2^-40 for g
    /// and m, 2^-60 for v, 2^-90 for w), ordinary and huge values, and (with `specials`) infinities and NaNs.
    func input(_ rng: inout SplitMix64, specials: Bool) -> Float {
        switch rng.index(below: specials ? 12 : 11) {
        case 0: return rng.index(below: 2) == 0 ? 0 : -0.0
        case 1: return Float(bitPattern: UInt32(1 + rng.index(below: 6)))
        case 2: return value(&rng, exponents: -149 ... -127)
        case 3: return value(&rng, exponents: -130 ... -110)
        case 4: return value(&rng, exponents: -92 ... -88)
        case 5: return value(&rng, exponents: -62 ... -58)
        case 6: return value(&rng, exponents: -42 ... -38)
        case 7: return value(&rng, exponents: 60 ... 127)
        case 8: return [Float.leastNormalMagnitude, 0x1p-40, 0x1p-60, 0x1p-90].randomElement(using: &rng)!.nextDown
        case 9: return [Float.leastNormalMagnitude, 0x1p-40, 0x1p-60, 0x1p-90].randomElement(using: &rng)!
        case 10: return value(&rng, exponents: -20 ... 2)
        default: return [Float.infinity, -.infinity, .nan].randomElement(using: &rng)!
        }
    }

    @Test(arguments: [
        // Keras's defaults at steps 1 and 3000, a learning rate cut many times (ReduceLROnPlateau), and odd scalars.
        (Float(0.1), Float(0.001), Float(3.1622776e-4), Float(1e-7)),
        (Float(0.1), Float(0.001), Float(9.5e-4), Float(1e-7)),
        (Float(0.1), Float(0.001), Float(1e-30), Float(1e-7)),
        (Float(0.1), Float(0.001), Float(1e-40), Float(1e-7)),
        (Float(0.5), Float(0.9), Float(0.01), Float(1e-30)),
    ])
    func everyKernelComputesTheFormulaBitForBit(c1: Float, c2: Float, alpha: Float, eps: Float) {
        for specials in [false, true] {
            var rng = SplitMix64(seed: UInt64(alpha.bitPattern) &+ (specials ? 1 : 0))
            // 4099 elements: whole vectors of 16 and of 8, and a tail.
            let count = 4099
            let w0 = (0..<count).map { _ in input(&rng, specials: specials) }
            let m0 = (0..<count).map { _ in input(&rng, specials: specials) }
            // v is a running mean of squares: not negative (a few negative ones anyway, which must agree too).
            let v0 = (0..<count).map { i in i % 97 == 0 ? -input(&rng, specials: false) : abs(input(&rng, specials: specials)) }
            var expected = (w: w0, m: m0, v: v0)
            var states = kernels.map { _ in (w: w0, m: m0, v: v0) }
            // Forty steps, each with new gradients (a third of them 0, as for a unit that no longer fires).
            for _ in 0..<40 {
                let g = (0..<count).map { _ in rng.index(below: 3) == 0 ? 0 : input(&rng, specials: specials) }
                definition(w: &expected.w, m: &expected.m, v: &expected.v, g: g, c1: c1, c2: c2, alpha: alpha, eps: eps)
                for (k, kernel) in kernels.enumerated() { step(kernel, &states[k], g: g, c1: c1, c2: c2, alpha: alpha, eps: eps) }
            }
            for (k, kernel) in kernels.enumerated() {
                #expect(firstDifference(states[k].w, expected.w) == nil, "w, \(kernel), specials \(specials)")
                #expect(firstDifference(states[k].m, expected.m) == nil, "m, \(kernel), specials \(specials)")
                #expect(firstDifference(states[k].v, expected.v) == nil, "v, \(kernel), specials \(specials)")
            }
        }
    }

    /// Vectors whose only subnormal inputs are first moments under a zero gradient (the kernels' integer path),
    /// with every other input normal or zero, for learning rates whose m·alpha is zero or a subnormal.
    @Test(arguments: [Float(3e-4), Float(1e-3), Float(0.5), Float(0.99)])
    func subnormalFirstMomentsUnderZeroGradients(alpha: Float) {
        var rng = SplitMix64(seed: UInt64(alpha.bitPattern))
        let count = 4099
        func ordinary() -> Float {
            switch rng.index(below: 8) {
            case 0: return rng.index(below: 2) == 0 ? 0 : -0.0
            case 1: return value(&rng, exponents: -126 ... -100)
            default: return value(&rng, exponents: -30 ... 3)
            }
        }
        let zeroGradient = (0..<count).map { _ in rng.index(below: 2) == 0 }
        var expected = (w: (0..<count).map { _ in ordinary() },
                        m: zeroGradient.map { $0 ? value(&rng, exponents: -149 ... -127) : ordinary() },
                        v: (0..<count).map { _ in abs(ordinary()) })
        var states = kernels.map { _ in expected }
        for _ in 0..<30 {
            let g = zeroGradient.map { $0 ? (rng.index(below: 2) == 0 ? 0 : -0.0) : ordinary() }
            definition(w: &expected.w, m: &expected.m, v: &expected.v, g: g, c1: 0.1, c2: 0.001, alpha: alpha, eps: 1e-7)
            for k in kernels.indices { step(kernels[k], &states[k], g: g, c1: 0.1, c2: 0.001, alpha: alpha, eps: 1e-7) }
        }
        #expect(expected.m.contains { $0.isSubnormal })
        for (k, kernel) in kernels.enumerated() {
            #expect(firstDifference(states[k].w, expected.w) == nil, "w, \(kernel)")
            #expect(firstDifference(states[k].m, expected.m) == nil, "m, \(kernel)")
            #expect(firstDifference(states[k].v, expected.v) == nil, "v, \(kernel)")
        }
    }

    /// A first moment under a zero gradient ends on a subnormal it never leaves ((−m)·0.1 rounds to 0 there): the
    /// case that made Adam slow. Every kernel keeps it, and its weight, where the formula does, with weights of
    /// both signs and signed zeros (w − (±0)/d) and first moments of both signs.
    @Test func aStuckFirstMomentStaysWhereTheFormulaPutsIt() {
        let count = 64
        let weights: [Float] = [0.25, -0.0, 0, -1.5], moments: [Float] = [1e-3, -1e-3, 2e-3, -5e-4]
        var expected = (w: (0..<count).map { weights[$0 % 4] }, m: (0..<count).map { moments[($0 / 4) % 4] },
                        v: [Float](repeating: 1e-6, count: count))
        var states = kernels.map { _ in expected }
        let g = [Float](repeating: 0, count: count)
        for _ in 0..<1000 {
            definition(w: &expected.w, m: &expected.m, v: &expected.v, g: g, c1: 0.1, c2: 0.001, alpha: 3e-4, eps: 1e-7)
            for k in kernels.indices { step(kernels[k], &states[k], g: g, c1: 0.1, c2: 0.001, alpha: 3e-4, eps: 1e-7) }
        }
        #expect(expected.m[0].isSubnormal && expected.m[0] != 0)
        for (k, kernel) in kernels.enumerated() {
            #expect(firstDifference(states[k].w, expected.w) == nil, "\(kernel)")
            #expect(firstDifference(states[k].m, expected.m) == nil, "\(kernel)")
            #expect(firstDifference(states[k].v, expected.v) == nil, "\(kernel)")
        }
    }

    /// Vectors whose stuck first moments have settled (mantissas k up to the largest for which k·c1 and k·alpha
    /// round to 0, and just above it), under zero gradients, beside weights of +0 and −0 (w − (±0)/d tells the
    /// zero's sign) and ordinary lanes: one step on every kernel gives the formula's bits.
    @Test(arguments: [Float(3e-4), Float(1e-3), Float(0.2), Float(0.5)])
    func settledFirstMomentsKeepTheirSignedZeros(alpha: Float) {
        var rng = SplitMix64(seed: 99 &+ UInt64(alpha.bitPattern))
        let count = 4099
        let stuck = (0..<count).map { _ in rng.index(below: 4) != 0 }
        let w = (0..<count).map { _ -> Float in
            switch rng.index(below: 3) { case 0: 0; case 1: -0.0; default: value(&rng, exponents: -10 ... 2) }
        }
        // The largest settled mantissa: k·c1 ≤ 1/2 and k·alpha ≤ 1/2.
        let limit = (1...5).last { Double($0) * Double(Float(0.1)) <= 0.5 && Double($0) * Double(alpha) <= 0.5 } ?? 0
        // Per block of 16 lanes (an AVX-512 vector, two AVX2 ones): every stuck lane settled; settled or just
        // above the limit; any mantissa.
        let m = stuck.indices.map { i -> Float in
            guard stuck[i] else { return value(&rng, exponents: -20 ... -2) }
            let k: Int
            switch (i / 16) % 3 {
            case 0: k = limit > 0 ? 1 + rng.index(below: limit) : 1
            case 1: k = limit + rng.index(below: 2)
            default: k = 1 + rng.index(below: 3000)
            }
            return Float(bitPattern: UInt32(max(k, 1)) | (rng.index(below: 2) == 0 ? 0 : 0x8000_0000))
        }
        let v = (0..<count).map { _ in abs(value(&rng, exponents: -20 ... -2)) }
        let g = stuck.map { $0 ? (rng.index(below: 2) == 0 ? 0 : -0.0) : value(&rng, exponents: -20 ... -2) }
        var expected = (w: w, m: m, v: v)
        definition(w: &expected.w, m: &expected.m, v: &expected.v, g: g, c1: 0.1, c2: 0.001, alpha: alpha, eps: 1e-7)
        for kernel in kernels {
            var state = (w: w, m: m, v: v)
            step(kernel, &state, g: g, c1: 0.1, c2: 0.001, alpha: alpha, eps: 1e-7)
            #expect(firstDifference(state.w, expected.w) == nil, "w, \(kernel)")
            #expect(firstDifference(state.m, expected.m) == nil, "m, \(kernel)")
            #expect(firstDifference(state.v, expected.v) == nil, "v, \(kernel)")
        }
    }
}
