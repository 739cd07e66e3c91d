import Foundation
import Testing
@testable import Features

@Suite struct FFTTests {
    @Test(arguments: [(2048, 37, 0.5), (1024, 100, 1.0), (4096, 5, 0.25)])
    func sinusoidPeaksInItsBin(size: Int, bin: Int, amplitude: Double) {
        let fft = FFT.forward(size: size)
        let input = FFT.Buffer(count: size)
        let output = FFT.Buffer(count: 2 * fft.bins)
        for i in 0..<size {
            input.pointer[i] = Float(amplitude * cos(2 * Double.pi * Double(bin * i) / Double(size)))
        }
        fft.transform(input, into: output)
        let magnitudes = (0..<fft.bins).map { k in
            hypot(Double(output.pointer[2 * k]), Double(output.pointer[2 * k + 1]))
        }
        let peak = magnitudes.indices.max { magnitudes[$0] < magnitudes[$1] }!
        #expect(peak == bin)
        // A cosine of amplitude A over N samples has |X[k]| = A·N/2 at its bin.
        #expect(abs(magnitudes[bin] - amplitude * Double(size) / 2) < 1e-3 * Double(size))
        let leakage = magnitudes.enumerated().filter { $0.offset != bin }.map(\.element).max()!
        #expect(leakage < 1e-2)
    }

    @Test func plansAreSharedPerSize() {
        #expect(FFT.forward(size: 512) === FFT.forward(size: 512))
        #expect(FFT.forward(size: 512) !== FFT.forward(size: 256))
    }

    @Test func transformsRunConcurrently() async {
        let fft = FFT.forward(size: 2048)
        let peaks = await withTaskGroup(of: Int.self) { group in
            for bin in 1...8 {
                group.addTask {
                    let input = FFT.Buffer(count: 2048), output = FFT.Buffer(count: 2 * fft.bins)
                    for i in 0..<2048 { input.pointer[i] = Float(sin(2 * Double.pi * Double(bin * 10 * i) / 2048)) }
                    fft.transform(input, into: output)
                    let mags = (0..<fft.bins).map { hypot(output.pointer[2 * $0], output.pointer[2 * $0 + 1]) }
                    return mags.indices.max { mags[$0] < mags[$1] }!
                }
            }
            var all: [Int] = []
            for await p in group { all.append(p) }
            return all.sorted()
        }
        #expect(peaks == (1...8).map { $0 * 10 })
    }
}
