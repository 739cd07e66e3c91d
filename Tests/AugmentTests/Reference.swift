import Foundation

// The Swift transliteration ser's C kernels (Sources/CGEMM/dsp.c) are held to: the phase vocoder's angle, modulus
// and sin/cos as Augment computed them before they moved to C. Every kernel must give these functions' bits.

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

/// `x` rounded to the nearest integer, ties to even (numpy's `np.round`, C's `rint`), for |x| < 2⁵¹: adding and
/// subtracting 1.5 · 2⁵² leaves no fraction bits, so the hardware's round-to-nearest-even does the rounding
/// (baseline x86-64 has no rounding instruction and would call `rint`).
@inline(__always)
func roundToEven(_ x: Double) -> Double {
    let magic = 6_755_399_441_055_744.0
    return (x + magic) - magic
}

/// |x + iy| for float32 parts (numpy's `abs` on complex64, i.e. `hypotf`): computed in double precision, where
/// the squares cannot overflow or lose bits, and rounded once.
@inline(__always)
func modulus(_ x: Float, _ y: Float) -> Float {
    let dx = Double(x), dy = Double(y)
    return Float((dx * dx + dy * dy).squareRoot())
}

