import Testing
@testable import Features

@Suite struct PeakTests {
    /// piptrack's reference peak, taken with eight running maxima: the result of one running `max(peak, |x|)`
    /// for every length around the lanes' width, negative values, signed zeros and NaNs (skipped by both).
    @Test func eightRunningMaximaGiveTheMaximum() {
        var state: UInt64 = 7
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1000
        }
        for n in [0, 1, 7, 8, 9, 15, 16, 17, 1025] {
            for round in 0..<20 {
                var x = (0..<n).map { _ in next() }
                if round % 4 == 1, n > 0 { x[Int(state % UInt64(n))] = .nan }
                if round % 4 == 2 { x = x.map { -abs($0) } }
                if round % 4 == 3 { x = x.map { _ in -0.0 } }
                var expected: Float = 0
                for v in x { expected = max(expected, abs(v)) }
                let got = x.withUnsafeBufferPointer { largestMagnitude($0.baseAddress ?? UnsafePointer(bitPattern: 8)!, n) }
                #expect(got.bitPattern == expected.bitPattern, "n \(n), round \(round)")
            }
        }
    }
}
