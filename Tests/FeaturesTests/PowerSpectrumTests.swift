import CGEMM
import Testing
@testable import Features

@Suite struct PowerSpectrumTests {
    /// The kernels this CPU runs, up to the best one.
    static let kernels: [ser_gemm_kernel] = (0...ser_gemm_best_kernel().rawValue).map { ser_gemm_kernel(rawValue: $0) }

    /// The loop feature extraction ran in Swift before it moved to C (Sources/CGEMM/dsp.c): complexAbs's
    /// operations without its branches.
    static func reference(_ re: Float, _ im: Float) -> Float {
        let a = abs(re), b = abs(im)
        let larger = a > b ? a : b, smaller = a > b ? b : a
        let ratio = smaller / (larger == 0 ? 1 : larger)
        let h = (1 as Float).addingProduct(ratio, ratio).squareRoot() * larger
        return h * h
    }

    /// Every kernel gives the reference's bits (the explicit FMA is an instruction on AVX2 and AVX-512, libm's
    /// fmaf in plain C: correctly rounded either way), and for finite values complexAbs(re, im)², NumPy's
    /// `np.abs(D) ** 2`: over 60 decades, with zeros, equal parts, subnormals, the largest floats and
    /// infinities; 1025 bins (librosa's) and odd lengths.
    @Test(arguments: kernels)
    func everyKernelGivesTheSameBits(kernel: ser_gemm_kernel) {
        var state: UInt64 = 3
        func value() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let mantissa = Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
            return mantissa * Float(sign: .plus, exponent: Int(state >> 58) * 3 - 90, significand: 1)
        }
        let special: [Float] = [0, -0.0, 1, -1, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
                                .infinity, -.infinity]
        for bins in [1, 7, 1025, 4099] {
            var spectrum = (0..<(2 * bins)).map { _ in value() }
            for k in stride(from: 0, to: bins, by: 5) {
                spectrum[2 * k] = special[k % special.count]
                if k % 3 == 0 { spectrum[2 * k + 1] = spectrum[2 * k] }
            }
            var out = [Float](repeating: .nan, count: bins)
            ser_power_spectrum_with(kernel, bins, spectrum, &out)
            for k in 0..<bins {
                let (re, im) = (spectrum[2 * k], spectrum[2 * k + 1])
                #expect(out[k].bitPattern == Self.reference(re, im).bitPattern, "bin \(k) of \(bins): (\(re), \(im))")
                if re.isFinite && im.isFinite {
                    let magnitude = complexAbs(re, im)
                    #expect(out[k].bitPattern == (magnitude * magnitude).bitPattern)
                }
            }
        }
    }
}
