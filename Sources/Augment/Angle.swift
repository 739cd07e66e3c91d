#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The angle of `x + iy` in radians, in (−π, π], for float32 inputs (numpy's `arctan2` / `np.angle` on
/// complex64), evaluated in double precision and rounded once to float.
///
/// Range reduction to |a| ≤ tan(π/8) (`a = min/max`, then `(a − 1)/(a + 1)` with π/4 added above tan(π/8))
/// and a degree-6 polynomial in a² (relative error < 1e-10, fitted on Chebyshev nodes), so the result is the
/// correctly rounded float except in rare ties: as accurate as libm's `atan2f` and several times faster,
/// which matters because the phase vocoder takes the angle of every STFT bin. Signs of zeros follow
/// `atan2`: `angle(−0, x < 0) = −π`, `angle(±0, +0) = ±0`.
@inline(__always)
func phaseAngle(_ y: Float, _ x: Float) -> Float {
    // Written with selects rather than branches: STFT phases are random, so branches would mispredict half the time.
    let ax = Double(abs(x)), ay = Double(abs(y))
    let big = max(ax, ay), small = min(ax, ay)
    // a = small / big, and above tan(π/8) directly (a − 1)/(a + 1), with π/4 added back: one division either way.
    let reduce = small > 0.41421356237309503 * big
    let numerator = reduce ? small - big : small
    let denominator = reduce ? small + big : big
    let a = big == 0 ? 0 : numerator / denominator
    let z = a * a
    // The polynomial by Estrin's scheme (three short chains instead of one long one).
    let z2 = z * z
    let p01 = -0.33333333281082594 + 0.19999977784351797 * z
    let p23 = -0.14284175492714038 + 0.11071759151906228 * z
    let p45 = -0.086272895069087294 + 0.050542097082776981 * z
    let p = p01 + z2 * (p23 + z2 * p45)
    var r = (reduce ? Double.pi / 4 : 0) + (a + a * z * p)
    r = ay > ax ? Double.pi / 2 - r : r
    r = x.sign == .minus ? Double.pi - r : r
    return Float(Double(signOf: Double(y), magnitudeOf: r))
}

/// `phaseAngle` for four lanes: the same operations lane by lane (selects for the scalar version's
/// conditionals), so the same bits.
@inline(__always)
func phaseAngle(_ y: SIMD4<Float>, _ x: SIMD4<Float>) -> SIMD4<Float> {
    let xBits = unsafeBitCast(x, to: SIMD4<UInt32>.self)
    let ax = SIMD4<Double>(unsafeBitCast(xBits & 0x7FFF_FFFF, to: SIMD4<Float>.self))
    let ay = SIMD4<Double>(unsafeBitCast(unsafeBitCast(y, to: SIMD4<UInt32>.self) & 0x7FFF_FFFF, to: SIMD4<Float>.self))
    // Swift's max(a, b) is `b >= a ? b : a` and min(a, b) is `b < a ? b : a`.
    let big = ax.replacing(with: ay, where: ay .>= ax), small = ax.replacing(with: ay, where: ay .< ax)
    let reduce = small .> 0.41421356237309503 * big
    let numerator = small.replacing(with: small - big, where: reduce)
    let denominator = big.replacing(with: small + big, where: reduce)
    let a = (numerator / denominator).replacing(with: 0, where: big .== 0)
    let z = a * a
    let z2 = z * z
    let p01 = -0.33333333281082594 + 0.19999977784351797 * z
    let p23 = -0.14284175492714038 + 0.11071759151906228 * z
    let p45 = -0.086272895069087294 + 0.050542097082776981 * z
    let p = p01 + z2 * (p23 + z2 * p45)
    var r = SIMD4<Double>(repeating: 0).replacing(with: Double.pi / 4, where: reduce) + (a + a * z * p)
    r = r.replacing(with: Double.pi / 2 - r, where: ay .> ax)
    let xSign = unsafeBitCast(SIMD4<Double>(x), to: SIMD4<UInt64>.self) .>= 0x8000_0000_0000_0000
    r = r.replacing(with: Double.pi - r, where: xSign)
    // Double(signOf: y, magnitudeOf: r): r's magnitude with y's sign bit.
    let yBits = unsafeBitCast(SIMD4<Double>(y), to: SIMD4<UInt64>.self)
    let rBits = unsafeBitCast(r, to: SIMD4<UInt64>.self)
    let signed = (rBits & 0x7FFF_FFFF_FFFF_FFFF) | (yBits & 0x8000_0000_0000_0000)
    return SIMD4<Float>(unsafeBitCast(signed, to: SIMD4<Double>.self))
}

/// `(sin p, cos p)` for a float32 angle, evaluated in double precision and rounded once (within one float ulp of
/// libm's `sinf` / `cosf`, and faster: the phase vocoder needs both for every output bin).
///
/// Cody–Waite reduction by π/2 (fdlibm's two-part constant, exact for |p| < 2²⁰·π/2) and Taylor polynomials on
/// [−π/4, π/4] (truncation error < 2e-10); larger angles fall back to libm.
@inline(__always)
func sinCos(_ p: Float) -> (sin: Float, cos: Float) {
    let x = Double(p)
    guard abs(x) < 1.6e6 else { return (sinf(p), cosf(p)) }
    let q = roundToEven(x * 0.63661977236758134)
    let r = (x - q * 1.57079632673412561417) - q * 6.07710050650619224932e-11
    let r2 = r * r
    let s = r + r * r2 * (-1.0 / 6 + r2 * (1.0 / 120 + r2 * (-1.0 / 5040 + r2 * (1.0 / 362_880 - r2 / 39_916_800))))
    let c = 1 + r2 * (-0.5 + r2 * (1.0 / 24 + r2 * (-1.0 / 720 + r2 * (1.0 / 40320 - r2 / 3_628_800))))
    // Quadrant n = q mod 4: sin = (s, c, −s, −c)[n], cos = (c, −s, −c, s)[n]; selected without branches
    // (the quadrant of an accumulated phase is random).
    let n = Int(q) & 3
    let odd = n & 1 == 1
    let sine = odd ? c : s, cosine = odd ? s : c
    let sineSign: Double = n & 2 == 0 ? 1 : -1
    let cosineSign: Double = (n + 1) & 2 == 0 ? 1 : -1
    return (Float(sineSign * sine), Float(cosineSign * cosine))
}

/// Four lanes of `sinCos`, the same operations lane by lane (so the same bits); lanes beyond the reduction's
/// range use libm one by one.
@inline(__always)
func sinCos(_ p: SIMD4<Float>) -> (sin: SIMD4<Float>, cos: SIMD4<Float>) {
    let x = SIMD4<Double>(p)
    let limit = SIMD4<Double>(repeating: 1.6e6)
    guard all(x .< limit .& x .> -limit) else {
        var s = SIMD4<Float>(), c = SIMD4<Float>()
        for i in 0..<4 { (s[i], c[i]) = sinCos(p[i]) }
        return (s, c)
    }
    let q = roundToEven(x * 0.63661977236758134)
    let r = (x - q * 1.57079632673412561417) - q * 6.07710050650619224932e-11
    let r2 = r * r
    // The scalar version's Horner steps, one by one (same constants, same order).
    let s3: Double = -1.0 / 6, s5: Double = 1.0 / 120, s7: Double = -1.0 / 5040, s9: Double = 1.0 / 362_880
    let c2: Double = -0.5, c4: Double = 1.0 / 24, c6: Double = -1.0 / 720, c8: Double = 1.0 / 40320
    let d11: Double = 39_916_800, d10: Double = 3_628_800
    var ps = s9 - r2 / d11
    ps = s7 + r2 * ps
    ps = s5 + r2 * ps
    ps = s3 + r2 * ps
    let s = r + r * r2 * ps
    var pc = c8 - r2 / d10
    pc = c6 + r2 * pc
    pc = c4 + r2 * pc
    pc = c2 + r2 * pc
    let c = 1 + r2 * pc
    // The quadrant n = q mod 4 from q exactly: q/4 − 3/8 rounds to ⌊q/4⌋ for every integer q.
    let n = q - 4 * roundToEven(q * 0.25 - 0.375)
    let odd = n .== 1 .| n .== 3
    let sine = s.replacing(with: c, where: odd), cosine = c.replacing(with: s, where: odd)
    let one = SIMD4<Double>(repeating: 1)
    let sineSign = one.replacing(with: -1, where: n .>= 2)
    let cosineSign = one.replacing(with: -1, where: n .== 1 .| n .== 2)
    return (SIMD4<Float>(sineSign * sine), SIMD4<Float>(cosineSign * cosine))
}

/// `roundToEven` lane by lane.
@inline(__always)
func roundToEven(_ x: SIMD4<Double>) -> SIMD4<Double> {
    let magic = SIMD4<Double>(repeating: 6_755_399_441_055_744.0)
    return (x + magic) - magic
}
