@testable import Audio
import Foundation
import Support
import Testing

@Suite struct ResamplerTests {
    /// Frequency of the strongest DFT bin in the middle of a signal, by direct correlation over 1-Hz steps.
    func peakFrequency(_ x: [Float], rate: Int, near f0: Double) -> Double {
        let n = min(x.count, rate / 2)
        let start = (x.count - n) / 2
        var best = (f: 0.0, p: -1.0)
        for f in stride(from: f0 - 50, through: f0 + 50, by: 1.0) {
            var re = 0.0, im = 0.0
            for i in 0..<n {
                let w = 2 * Double.pi * f * Double(i) / Double(rate)
                re += Double(x[start + i]) * cos(w)
                im += Double(x[start + i]) * sin(w)
            }
            let p = re * re + im * im
            if p > best.p { best = (f, p) }
        }
        return best.f
    }

    @Test func toneStaysAtItsFrequency() throws {
        let n = 48000
        let x = (0..<n).map { Float(0.8 * sin(2 * Double.pi * 1000 * Double($0) / 48000)) }
        let y = try Resampler.resample(x, from: 48000, to: 22050)
        #expect(y.count == Int((Double(n) * 22050 / 48000).rounded(.up)))
        #expect(peakFrequency(y, rate: 22050, near: 1000) == 1000)
        // Amplitude is preserved in the steady part.
        let mid = y[5000..<17000].map { abs($0) }.max()!
        #expect(abs(mid - 0.8) < 0.01)
    }

    @Test(arguments: [(48000, 22050, 12345), (44100, 22050, 44101), (16000, 22050, 999), (22050, 22050, 10)])
    func lengthIsLibrosas(source: Int, target: Int, n: Int) throws {
        let x = [Float](repeating: 0.1, count: n)
        let y = try Resampler.resample(x, from: source, to: target)
        #expect(y.count == Int((Double(n) * Double(target) / Double(source)).rounded(.up)))
    }

    @Test func badRateIsAnError() {
        #expect(throws: AudioError.self) { try Resampler.resample([1, 2, 3], from: 0, to: 22050) }
    }
}

@Suite struct ResamplerSessionTests {
    func signal(_ n: Int, _ f: Double, rate: Int) -> [Float] {
        (0..<n).map { Float(0.5 * sin(2 * Double.pi * f * Double($0) / Double(rate)) + 0.1 * sin(Double($0) * 0.37)) }
    }

    /// A reused converter (soxr_clear between signals, python-soxr's chunking) gives oneshot's samples.
    @Test(arguments: [(48000, 22050), (44100, 22050), (16000, 22050), (8000, 22050)])
    func reuseGivesTheSameSamples(source: Int, target: Int) throws {
        let session = Resampler.Session()
        let long = signal(source * 5 + 17, 440, rate: source)  // several python-soxr chunks
        let short = signal(source / 3, 1234, rate: source)
        let a = try session.resample(long, from: source, to: target)
        let b = try session.resample(short, from: source, to: target)
        let a2 = try session.resample(long, from: source, to: target)
        #expect(a == a2)
        let oneshotA = try Resampler.resample(long, from: source, to: target)
        let oneshotB = try Resampler.resample(short, from: source, to: target)
        #expect(a.count == oneshotA.count && b.count == oneshotB.count)
        #expect(zip(a, oneshotA).map { abs($0 - $1) }.max()! <= 1e-6)
        #expect(zip(b, oneshotB).map { abs($0 - $1) }.max()! <= 1e-6)
    }
}
