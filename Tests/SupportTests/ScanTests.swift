import Testing
import Support

@Suite struct PeakTests {
    /// Running maxima in eight-lane vectors (piptrack's reference peak, the noise's peak): the result of one running `max(peak, |x|)`
    /// for every length around the lanes' width, negative values, signed zeros and NaNs (skipped by both).
    @Test func eightRunningMaximaGiveTheMaximum() {
        var state: UInt64 = 7
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1000
        }
        for n in [0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 25, 1025] {
            for round in 0..<20 {
                var x = (0..<n).map { _ in next() }
                if round % 4 == 1, n > 0 { x[Int(state % UInt64(n))] = .nan }
                if round % 4 == 2 { x = x.map { -abs($0) } }
                if round % 4 == 3 { x = x.map { _ in -0.0 } }
                var expected: Float = 0
                for v in x { expected = max(expected, abs(v)) }
                let got = largestMagnitude(x)
                #expect(got.bitPattern == expected.bitPattern, "n \(n), round \(round)")
            }
        }
    }
}

@Suite struct FiniteScanTests {
    /// The eight-lane finiteness check: a NaN or an infinity anywhere (in the lanes or the tail, for lengths
    /// around the lanes' width) is found, and the largest, smallest and subnormal floats are finite.
    @Test func findsEveryNonFiniteValueWherever() {
        for n in [0, 1, 7, 8, 9, 16, 17, 100] {
            var x = (0..<n).map { Float($0 % 5) - 2 }
            if n > 3 { x[1] = .greatestFiniteMagnitude; x[2] = -.leastNonzeroMagnitude; x[3] = -.greatestFiniteMagnitude }
            #expect(allFinite(x))
            for bad in [Float.nan, .infinity, -.infinity, -.nan, .signalingNaN] {
                for i in 0..<n {
                    var y = x
                    y[i] = bad
                    #expect(!allFinite(y), "n \(n), \(bad) at \(i)")
                }
            }
        }
    }
}
