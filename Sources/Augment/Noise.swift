import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Additive Gaussian noise, seeded.
public enum NoiseInjection {
    /// Adds seeded Gaussian noise to `samples` (any rate; the result has the same length).
    ///
    /// - `.peak(factor)`: one uniform draw `u ~ U(0, 1)`, then `y = x + factor · u · max|x| · g` with
    ///   `g ~ N(0, 1)` per sample (the common recipe; ser's `study` recipe uses factor 0.035).
    /// - `.snr(dB)`: `y = x + s · g`, with `s` chosen so that the signal-to-noise ratio
    ///   `10 · log10(Σx² / Σ(s·g)²)` is exactly `dB`.
    ///
    /// A silent input (all zeros) is returned unchanged: its peak and its power are 0. The same `seed` always
    /// gives the same output.
    public static func apply(_ samples: [Float], level: NoiseLevel, seed: UInt64) -> [Float] {
        var generator = Xoshiro256StarStar(seed: seed)
        let n = samples.count
        var out = [Float](repeating: 0, count: n)
        guard n > 0 else { return out }
        let scale: Double
        switch level {
        case .peak(let factor):
            let u = generator.unit()
            out.withUnsafeMutableBufferPointer { generator.fillGaussian($0) }
            scale = factor * u * Double(largestMagnitude(samples))
        case .snr(let decibels):
            out.withUnsafeMutableBufferPointer { generator.fillGaussian($0) }
            let signalPower = energy(samples)
            let noisePower = energy(out)
            scale = noisePower > 0 ? (signalPower / (noisePower * pow(10, decibels / 10))).squareRoot() : 0
        }
        let s = Float(scale)
        samples.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                for i in 0..<n { y[i] = x[i] + s * y[i] }
            }
        }
        return out
    }

    /// The measured SNR in dB of `noisy` against `clean`: `10 · log10(Σclean² / Σ(noisy − clean)²)`.
    public static func measuredSNR(clean: [Float], noisy: [Float]) -> Double {
        precondition(clean.count == noisy.count, "SNR needs signals of equal length")
        var signal = 0.0, noise = 0.0
        for i in clean.indices {
            signal += Double(clean[i]) * Double(clean[i])
            let d = Double(noisy[i]) - Double(clean[i])
            noise += d * d
        }
        return 10 * log10(signal / noise)
    }

    static func energy(_ x: [Float]) -> Double {
        x.withUnsafeBufferPointer { p in
            var sum = 0.0
            for v in p { sum += Double(v) * Double(v) }
            return sum
        }
    }
}
