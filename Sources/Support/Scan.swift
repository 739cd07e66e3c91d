// Whole-buffer scans written with eight lanes. The obvious loops (`peak = max(peak, abs(x))`, `firstIndex(where:
// !isFinite)`) run as one chain of dependent selects or branches, a few cycles per sample; these do eight
// samples in about the same time and give the same answers.

/// max(0, |x[0]|, …, |x[n − 1]|): the maximum of the same values as `peak = max(peak, abs(v))` over `x`, so
/// the same result. NaNs are skipped as that loop skips them.
@inlinable
public func largestMagnitude(_ x: UnsafeBufferPointer<Float>) -> Float {
    guard let base = x.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base), n = x.count
    // Two running maxima of eight lanes each: a compare and a select per vector are a chain of several cycles.
    var even = SIMD8<Float>.zero, odd = SIMD8<Float>.zero
    var k = 0
    @inline(__always) func magnitude(_ offset: Int) -> SIMD8<Float> {
        let v = raw.loadUnaligned(fromByteOffset: 4 * offset, as: SIMD8<UInt32>.self)
        return unsafeBitCast(v & 0x7FFF_FFFF, to: SIMD8<Float>.self)
    }
    while k + 16 <= n {
        let a = magnitude(k), b = magnitude(k + 8)
        even = even.replacing(with: a, where: a .>= even)
        odd = odd.replacing(with: b, where: b .>= odd)
        k += 16
    }
    if k + 8 <= n {
        let a = magnitude(k)
        even = even.replacing(with: a, where: a .>= even)
        k += 8
    }
    var peak: Float = 0
    for i in 0..<8 { peak = max(peak, max(even[i], odd[i])) }
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

/// Whether every value is finite: an exponent of all ones (an infinity or a NaN) is the only one that carries
/// into the sign bit when one more exponent step is added, so the sign bits of those sums, OR-ed together, say
/// whether there is one (integer operations, no chain longer than the OR).
@inlinable
public func allFinite(_ values: [Float]) -> Bool {
    values.withUnsafeBufferPointer { p in
        var carried = SIMD8<UInt32>.zero
        var last: UInt32 = 0
        var k = 0
        if let base = p.baseAddress {
            let raw = UnsafeRawPointer(base)
            while k + 8 <= p.count {
                let bits = raw.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<UInt32>.self)
                carried |= (bits & 0x7F80_0000) &+ 0x0080_0000
                k += 8
            }
            last = carried[0] | carried[1] | carried[2] | carried[3] | carried[4] | carried[5] | carried[6] | carried[7]
        }
        while k < p.count {
            last |= (p[k].bitPattern & 0x7F80_0000) &+ 0x0080_0000
            k += 1
        }
        return last & 0x8000_0000 == 0
    }
}
