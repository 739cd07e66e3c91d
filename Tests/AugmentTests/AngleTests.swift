import CGEMM
import Foundation
import Testing
import Support

// The phase vocoder's per-bin arithmetic runs in C (Sources/CGEMM/dsp.c), compiled for AVX-512, AVX2 and plain
// C. These tests hold every kernel this CPU runs to libm (accuracy) and to the Swift transliteration in
// Reference.swift (bits).

/// The kernels this CPU runs, up to the best one.
let kernels: [ser_gemm_kernel] = (0...ser_gemm_best_kernel().rawValue).map { ser_gemm_kernel(rawValue: $0) }

/// `ser_polar` on points (x, y) with one kernel: their moduli and angles.
func polar(_ kernel: ser_gemm_kernel, _ x: [Float], _ y: [Float]) -> (magnitude: [Float], angle: [Float]) {
    var spectrum = [Float](repeating: 0, count: 2 * x.count)
    for k in x.indices { (spectrum[2 * k], spectrum[2 * k + 1]) = (x[k], y[k]) }
    var magnitude = [Float](repeating: 0, count: x.count), angle = magnitude
    ser_polar_with(kernel, x.count, spectrum, &magnitude, &angle)
    return (magnitude, angle)
}

/// sin and cos of `phases` with one kernel: a vocoder step with unit magnitudes writes (cos · 1, sin · 1).
func sinCos(_ kernel: ser_gemm_kernel, _ phases: [Float]) -> (sin: [Float], cos: [Float]) {
    let n = phases.count
    let ones = [Float](repeating: 1, count: n), zeros = [Float](repeating: 0, count: n)
    var phase = phases, re = zeros, im = zeros
    ser_vocoder_step_with(kernel, n, 0, ones, ones, zeros, zeros, [Double](repeating: 0, count: n), &phase, &re, &im)
    return (im, re)
}

@Suite struct AngleTests {
    @Test(arguments: kernels)
    func agreesWithLibmWithinOneULP(kernel: ser_gemm_kernel) {
        var generator = Xoshiro256StarStar(seed: 11)
        var xs: [Float] = [], ys: [Float] = []
        for i in 0..<200_000 {
            // Magnitudes over many decades, all four quadrants, some exactly on the axes and diagonals.
            let scale = Float(pow(10, generator.unit() * 12 - 6))
            var x = Float(generator.unit() * 2 - 1) * scale
            var y = Float(generator.unit() * 2 - 1) * scale
            if i % 97 == 0 { x = 0 }
            if i % 89 == 0 { y = 0 }
            if i % 83 == 0 { y = x }
            xs.append(x)
            ys.append(y)
        }
        let angles = polar(kernel, xs, ys).angle
        var worst: Float = 0
        for k in xs.indices {
            let reference = Float(atan2(Double(ys[k]), Double(xs[k])))
            worst = max(worst, abs(angles[k] - reference) / reference.ulp.magnitude)
        }
        #expect(worst <= 1)
    }

    static let special: [(Float, Float)] = [(0, 1), (-0.0, 1), (0, -1), (-0.0, -1), (0, 0), (-0.0, 0), (0, -0.0), (-0.0, -0.0),
                      (1, 0), (-1, 0), (1, 1), (1, -1), (-1, -1), (3e-38, -7e37), (Float.leastNonzeroMagnitude, 1)]

    @Test(arguments: kernels)
    func signedZerosAxesAndExtremesAreAtan2s(kernel: ser_gemm_kernel) {
        let got = polar(kernel, Self.special.map(\.1), Self.special.map(\.0)).angle
        for (i, (y, x)) in Self.special.enumerated() {
            let expected = atan2f(y, x)
            #expect(got[i] == expected && got[i].sign == expected.sign, "angle(\(y), \(x))")
        }
    }
}

@Suite struct SinCosTests {
    @Test(arguments: kernels)
    func agreesWithLibmWithinOneULP(kernel: ser_gemm_kernel) {
        var generator = Xoshiro256StarStar(seed: 12)
        // The phase vocoder's accumulated phases: from tiny to the polynomial's limit (1.6e6 radians), and beyond.
        let within = (0..<200_000).map { _ -> Float in
            Float((generator.unit() < 0.5 ? -1 : 1) * pow(10, generator.unit() * 12.2 - 6))
        }
        // Alone (every bin through the polynomial), then with every 101st beyond 1.6e6 (those bins redone by libm).
        let mixed = within.indices.map { within[$0] + ($0 % 101 == 0 ? 2e6 : 0) }
        for phases in [within, mixed] {
            let (s, c) = sinCos(kernel, phases)
            var worst: Float = 0
            for (i, p) in phases.enumerated() {
                let refS = Float(sin(Double(p))), refC = Float(cos(Double(p)))
                // Compare in units of the ulp of 1 near the top of the range, of the value itself near 0.
                worst = max(worst, abs(s[i] - refS) / max(refS.ulp, Float(1).ulp / 2), abs(c[i] - refC) / max(refC.ulp, Float(1).ulp / 2))
            }
            #expect(worst <= 1)
        }
    }
}

@Suite struct ModulusTests {
    @Test(arguments: kernels)
    func equalsHypotf(kernel: ser_gemm_kernel) {
        var generator = Xoshiro256StarStar(seed: 13)
        let x = (0..<100_000).map { _ in Float(generator.unit() * 2 - 1) * Float(pow(10, generator.unit() * 60 - 30)) }
        let y = (0..<100_000).map { _ in Float(generator.unit() * 2 - 1) * Float(pow(10, generator.unit() * 60 - 30)) }
        let magnitude = polar(kernel, x, y).magnitude
        #expect(x.indices.allSatisfy { magnitude[$0] == hypotf(x[$0], y[$0]) })
    }
}

@Suite struct KernelTests {
    /// The analysis: random points over 24 decades in every quadrant, with signed zeros, both axes, the
    /// diagonals, points either side of tan(π/8) (where the reduction switches), subnormals and the largest floats.
    @Test(arguments: kernels)
    func polarGivesTheReferenceBits(kernel: ser_gemm_kernel) {
        var generator = Xoshiro256StarStar(seed: 15)
        func value() -> Float { Float((generator.unit() < 0.5 ? -1 : 1) * pow(10, generator.unit() * 24 - 12)) }
        let edge = Float(0.41421356237309503)
        let special: [Float] = [0, -0.0, 1, -1, edge, edge.nextUp, edge.nextDown, -edge,
                                Float.leastNonzeroMagnitude, -Float.leastNormalMagnitude, Float.greatestFiniteMagnitude]
        var x: [Float] = [], y: [Float] = []
        for i in 0..<100_003 {
            var (a, b) = (value(), value())
            switch i % 11 {
            case 0: a = special[(i / 11) % special.count]
            case 1: b = special[(i / 7) % special.count]
            case 2: b = a * (i % 2 == 0 ? 1 : -1)
            case 3: b = a * special[(i / 5) % 8]
            default: break
            }
            x.append(a)
            y.append(b)
        }
        // And every pair of zeros, infinities and NaNs with each other and with 1 (a float32 spectrum of samples far
        // outside [-1, 1] overflows to infinity).
        let extremes: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan]
        for a in extremes { for b in extremes { x.append(a); y.append(b) } }
        let (magnitude, angle) = polar(kernel, x, y)
        // Bits, except that any NaN equals any other (which NaN an invalid operation gives is the CPU's choice).
        func same(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }
        let mismatches = x.indices.filter {
            !same(angle[$0], phaseAngle(y[$0], x[$0])) || !same(magnitude[$0], modulus(x[$0], y[$0]))
        }
        #expect(mismatches.isEmpty, "first at \(mismatches.first.map { "(\(x[$0]), \(y[$0]))" } ?? "")")
    }

    /// A vocoder step: random magnitudes and angles, interpolation weights, librosa's advances (and none) and
    /// phases, some of them beyond the reduction's range (libm's sinf and cosf for those bins, the polynomial for the others).
    @Test(arguments: kernels, [false, true])
    func vocoderStepGivesTheReferenceBits(kernel: ser_gemm_kernel, beyond: Bool) {
        var generator = Xoshiro256StarStar(seed: beyond ? 17 : 16)
        let n = 2500  // more than one of the kernels' passes of 1024 bins
        func floats(_ scale: Double) -> [Float] { (0..<n).map { _ in Float((generator.unit() * 2 - 1) * scale) } }
        let m0 = floats(10).map(abs), m1 = floats(10).map(abs), a0 = floats(.pi), a1 = floats(.pi)
        let advance = (0..<n).map { $0 % 2 == 0 ? 0 : Double(512) * (Double($0) * (Double.pi / Double(n - 1))) }
        // Phases over eight decades: near 0 the float accumulator keeps the deviation's last bits.
        var phase = (0..<n).map { _ in Float((generator.unit() < 0.5 ? -1 : 1) * pow(10, generator.unit() * 8 - 3)) }
        // Signed zeros, and up to the end of the polynomial's range (1.6e6 itself is beyond it).
        let edges: [Float] = [0, -0.0, Float(1.6e6).nextDown, -Float(1.6e6).nextDown, 1e5, 1.5e6]
        for (i, k) in stride(from: 5, to: n, by: 97).enumerated() { phase[k] = edges[i % edges.count] }
        if beyond {
            let far: [Float] = [1.6e6, -1.6e6, .infinity, -.infinity, .nan]
            for (i, k) in stride(from: 3, to: n, by: 17).enumerated() {
                phase[k] = i % 3 == 0 ? far[(i / 3) % far.count] : Float(2e6 + generator.unit() * 1e7)
            }
        }
        for alpha in [0, 0.25, 0.8, generator.unit()] {
            var expectedPhase = phase, expectedRe = [Float](repeating: 0, count: n), expectedIm = expectedRe
            let twoPi = 2 * Double.pi
            for k in 0..<n {
                let m = (1 - alpha) * Double(m0[k]) + alpha * Double(m1[k])
                let p = expectedPhase[k]
                let (sine, cosine) = sinCos(p)
                expectedRe[k] = Float(Double(cosine) * m)
                expectedIm[k] = Float(Double(sine) * m)
                var dphase = Double(a1[k] - a0[k]) - advance[k]
                dphase -= twoPi * roundToEven(dphase / twoPi)
                expectedPhase[k] = Float(Double(p) + (advance[k] + dphase))
            }
            var gotPhase = phase, re = [Float](repeating: 0, count: n), im = re
            ser_vocoder_step_with(kernel, n, alpha, m0, m1, a0, a1, advance, &gotPhase, &re, &im)
            // Bits, except that any NaN equals any other.
            func bits(_ x: [Float]) -> [UInt32] { x.map { $0.isNaN ? Float.nan.bitPattern : $0.bitPattern } }
            #expect(bits(gotPhase) == bits(expectedPhase))
            #expect(bits(re) == bits(expectedRe))
            #expect(bits(im) == bits(expectedIm))
        }
    }
}

@Suite struct RoundingTests {
    /// The reference's rounding (the kernels' `round_even` is the same two additions).
    @Test(arguments: [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 3.7, -3.7, 255.5, 1e6 + 0.5, 0, -0.0])
    func roundsTiesToEvenLikeRint(x: Double) {
        #expect(roundToEven(x) == x.rounded(.toNearestOrEven))
    }
}
