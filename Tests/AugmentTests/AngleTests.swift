import Foundation
import Testing
@testable import Augment
import Support

@Suite struct AngleTests {
    @Test func agreesWithLibmWithinOneULP() {
        var generator = Xoshiro256StarStar(seed: 11)
        var worst: Float = 0
        for i in 0..<200_000 {
            // Magnitudes over many decades, all four quadrants, some exactly on the axes and diagonals.
            let scale = Float(pow(10, generator.unit() * 12 - 6))
            var x = Float(generator.unit() * 2 - 1) * scale
            var y = Float(generator.unit() * 2 - 1) * scale
            if i % 97 == 0 { x = 0 }
            if i % 89 == 0 { y = 0 }
            if i % 83 == 0 { y = x }
            let reference = Float(atan2(Double(y), Double(x)))
            let got = phaseAngle(y, x)
            worst = max(worst, abs(got - reference) / reference.ulp.magnitude)
        }
        #expect(worst <= 1)
    }

    static let special: [(Float, Float)] = [(0, 1), (-0.0, 1), (0, -1), (-0.0, -1), (0, 0), (-0.0, 0), (0, -0.0), (-0.0, -0.0),
                      (1, 0), (-1, 0), (1, 1), (1, -1), (-1, -1), (3e-38, -7e37), (Float.leastNonzeroMagnitude, 1)]

    @Test(arguments: special)
    func signedZerosAxesAndExtremesAreAtan2s(y: Float, x: Float) {
        let expected = atan2f(y, x)
        let got = phaseAngle(y, x)
        #expect(got == expected)
        #expect(got.sign == expected.sign)
    }
}

@Suite struct SinCosTests {
    @Test func agreesWithLibmWithinOneULP() {
        var generator = Xoshiro256StarStar(seed: 12)
        var worst: Float = 0
        for i in 0..<200_000 {
            // The phase vocoder's accumulated phases: from tiny to ~1e6 radians, and beyond (libm fallback).
            let magnitude = pow(10, generator.unit() * 13 - 6)
            let p = Float((generator.unit() < 0.5 ? -1 : 1) * magnitude) + (i % 101 == 0 ? 2e6 : 0)
            let (s, c) = sinCos(p)
            let refS = Float(sin(Double(p))), refC = Float(cos(Double(p)))
            // Compare in units of the ulp of 1 near the top of the range, of the value itself near 0.
            worst = max(worst, abs(s - refS) / max(refS.ulp, Float(1).ulp / 2), abs(c - refC) / max(refC.ulp, Float(1).ulp / 2))
        }
        #expect(worst <= 1)
    }
}

@Suite struct RoundingTests {
    @Test(arguments: [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 3.7, -3.7, 255.5, 1e6 + 0.5, 0, -0.0])
    func roundsTiesToEvenLikeRint(x: Double) {
        #expect(roundToEven(x) == x.rounded(.toNearestOrEven))
    }
}

@Suite struct ModulusTests {
    @Test func equalsHypotf() {
        var generator = Xoshiro256StarStar(seed: 13)
        for _ in 0..<100_000 {
            let x = Float(generator.unit() * 2 - 1) * Float(pow(10, generator.unit() * 60 - 30))
            let y = Float(generator.unit() * 2 - 1) * Float(pow(10, generator.unit() * 60 - 30))
            #expect(modulus(x, y) == hypotf(x, y))
        }
    }
}

@Suite struct FourLaneTests {
    @Test func lanesEqualTheScalarFunctionsBitForBit() {
        var generator = Xoshiro256StarStar(seed: 14)
        func value(_ decades: Double) -> Float {
            Float((generator.unit() < 0.5 ? -1 : 1) * pow(10, generator.unit() * decades - 6))
        }
        for i in 0..<50_000 {
            var p = SIMD4<Float>()
            for lane in 0..<4 {
                p[lane] = value(12.2)
                if (i + lane) % 37 == 0 { p[lane] = lane % 2 == 0 ? 0 : -0.0 }
            }
            let (s, c) = sinCos(p)
            for lane in 0..<4 {
                let (sl, cl) = sinCos(p[lane])
                #expect(s[lane].bitPattern == sl.bitPattern && c[lane].bitPattern == cl.bitPattern)
            }
        }
    }

    /// The analysis's four-lane angle and modulus: random points over 24 decades in every quadrant, with
    /// signed zeros, both axes, the diagonals, points either side of tan(π/8) (where the reduction switches),
    /// subnormals and the largest floats.
    @Test func angleAndModulusLanesEqualTheScalarFunctionsBitForBit() {
        var generator = Xoshiro256StarStar(seed: 15)
        func value() -> Float {
            Float((generator.unit() < 0.5 ? -1 : 1) * pow(10, generator.unit() * 24 - 12))
        }
        let edge = Float(0.41421356237309503)
        let special: [Float] = [0, -0.0, 1, -1, edge, edge.nextUp, edge.nextDown, -edge,
                                Float.leastNonzeroMagnitude, -Float.leastNormalMagnitude, Float.greatestFiniteMagnitude]
        var mismatches = 0
        for i in 0..<60_000 {
            var x = SIMD4<Float>(), y = SIMD4<Float>()
            for lane in 0..<4 {
                x[lane] = value()
                y[lane] = value()
                switch (i + lane) % 11 {
                case 0: x[lane] = special[(i / 11) % special.count]
                case 1: y[lane] = special[(i / 7) % special.count]
                case 2: y[lane] = x[lane] * (lane % 2 == 0 ? 1 : -1)
                case 3: y[lane] = x[lane] * special[(i / 5) % 8]
                default: break
                }
            }
            let angle = phaseAngle(y, x), magnitude = modulus(x, y)
            for lane in 0..<4 {
                if angle[lane].bitPattern != phaseAngle(y[lane], x[lane]).bitPattern
                    || magnitude[lane].bitPattern != modulus(x[lane], y[lane]).bitPattern {
                    mismatches += 1
                }
            }
        }
        #expect(mismatches == 0)
    }
}
