/// Whole-buffer scans written with eight lanes. The obvious loops (`peak = max(peak, abs(x))`, `firstIndex(where:
/// !isFinite)`) run as one chain of dependent selects or branches, a few cycles per sample; these do eight
/// samples in about the same time and give the same answers.

/// max(0, |x[0]|, …, |x[n − 1]|): the maximum of the same values as `peak = max(peak, abs(v))` over `x`, so
/// the same result. NaNs are skipped as that loop skips them.
@inlinable
public func largestMagnitude(_ x: UnsafeBufferPointer<Float>) -> Float {
    guard let base = x.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base), n = x.count
    var lanes = SIMD8<Float>.zero
    var k = 0
    while k + 8 <= n {
        let v = raw.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
        let magnitude = unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: SIMD8<Float>.self)
        lanes = lanes.replacing(with: magnitude, where: magnitude .>= lanes)
        k += 8
    }
    var peak: Float = 0
    for i in 0..<8 { peak = max(peak, lanes[i]) }
    while k < n {
        peak = max(peak, abs(base[k]))
        k += 1
    }
    return peak
}

/// `largestMagnitude` of an array.
@inlinable
public func largestMagnitude(_ x: [Float]) -> Float {
    x.withUnsafeBufferPointer { largestMagnitude($0) }
}

/// Whether every value is finite (an exponent of all ones is an infinity or a NaN).
@inlinable
public func allFinite(_ values: [Float]) -> Bool {
    values.withUnsafeBufferPointer { p in
        var exponents = SIMD8<UInt32>.zero
        var worst: UInt32 = 0
        var k = 0
        if let base = p.baseAddress {
            let raw = UnsafeRawPointer(base)
            while k + 8 <= p.count {
                let bits = raw.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<UInt32>.self) & 0x7F80_0000
                exponents = exponents.replacing(with: bits, where: bits .> exponents)
                k += 8
            }
            worst = exponents.max()
        }
        while k < p.count {
            worst = max(worst, p[k].bitPattern & 0x7F80_0000)
            k += 1
        }
        return worst != 0x7F80_0000
    }
}
