/// The elementary functions training needs, with one result on every machine.
///
/// glibc's `expf`, `logf` and `powf` on x86-64 pick an FMA or a non-FMA build per CPU, and other C libraries
/// (macOS, musl, arm64) have their own; their last bits may differ. These use only IEEE additions,
/// multiplications and divisions in a fixed order (Swift does not contract `a * b + c` into an FMA), in double
/// precision with errors near 1e-16, then round once to Float: the same bits everywhere, and within one unit in
/// the last place of the correctly rounded result.
enum PortableMath {
    private static let ln2Hi = 6.93147180369123816490e-01 // ln 2 with its low 32 bits zero (k · ln2Hi is exact)
    private static let ln2Lo = 1.90821492927058770002e-10 // ln 2 − ln2Hi

    /// e^x.
    static func exp(_ x: Float) -> Float {
        if x.isNaN { return x }
        if x > 89 { return .infinity }
        if x < -104 { return 0 }
        let d = Double(x)
        let k = (d * 1.4426950408889634).rounded()
        let r = (d - k * ln2Hi) - k * ln2Lo // |r| ≤ 0.35
        // Taylor series to r^12 / 12! (remainder < 1e-16 on |r| ≤ 0.35), Horner's scheme.
        var p = 1.0 / 479001600
        p = p * r + 1.0 / 39916800
        p = p * r + 1.0 / 3628800
        p = p * r + 1.0 / 362880
        p = p * r + 1.0 / 40320
        p = p * r + 1.0 / 5040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        return Float(Double(sign: .plus, exponent: Int(k), significand: p))
    }

    /// The natural logarithm of x (−∞ at 0, NaN below).
    static func log(_ x: Float) -> Float {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return x }
        let d = Double(x)
        var e = Double(d.exponent)
        var m = d.significand // [1, 2)
        if m > 1.4142135623730951 {
            m *= 0.5
            e += 1
        }
        // log m = 2 atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172: the odd series to s^23 (remainder < 1e-17).
        let s = (m - 1) / (m + 1), s2 = s * s
        var p = 1.0 / 23
        for n in stride(from: 21.0, through: 3, by: -2) { p = p * s2 + 1 / n }
        p = p * s2 + 1
        return Float((e * ln2Hi + 2 * s * p) + e * ln2Lo)
    }

    /// base^n for n ≥ 0, by repeated squaring in double precision.
    static func power(_ base: Float, _ n: Int) -> Float {
        var result = 1.0, b = Double(base), n = n
        while n > 0 {
            if n & 1 == 1 { result *= b }
            b *= b
            n >>= 1
        }
        return Float(result)
    }
}
