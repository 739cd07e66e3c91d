import Foundation
import Testing
@testable import Features

@Suite struct STFTTests {
    static let cases = Fixture.cases("stft").map { $0["name"] as! String }

    func parameters(_ c: [String: Any]) -> STFTParameters {
        STFTParameters(nFFT: c["n_fft"] as! Int, hopLength: c["hop"] as? Int, winLength: c["win_length"] as? Int)
    }

    func fixture(_ name: String) -> [String: Any] {
        Fixture.cases("stft").first { $0["name"] as! String == name }!
    }

    @Test(arguments: cases)
    func complexMatchesLibrosa(name: String) {
        let c = fixture(name)
        let x = Fixture.floats(c["signal"] as! String)
        let D = STFT.complex(x, parameters: parameters(c))
        #expect(D.rows == c["bins"] as! Int)
        #expect(D.columns == c["frames"] as! Int)
        let re = Fixture.floats(c["real"] as! String), im = Fixture.floats(c["imag"] as! String)
        #expect(Fixture.relativeError(D.real, re) < 1e-5)
        #expect(Fixture.relativeError(D.imag, im) < 1e-5)
        // The power spectrogram is |D|².
        let S = STFT.spectrogram(x, parameters: parameters(c))
        let expected = zip(re, im).map { $0 * $0 + $1 * $1 }
        #expect(Fixture.relativeError(S.values, expected) < 1e-5)
    }

    @Test(arguments: cases)
    func inverseMatchesLibrosa(name: String) {
        let c = fixture(name)
        let p = parameters(c)
        let re = Fixture.floats(c["real"] as! String), im = Fixture.floats(c["imag"] as! String)
        let D = ComplexMatrix(rows: c["bins"] as! Int, columns: c["frames"] as! Int, real: re, imag: im)
        let withLength = STFT.inverse(D, parameters: p, length: c["n"] as? Int)
        let expected = Fixture.floats(c["istft"] as! String)
        #expect(withLength.count == expected.count)
        #expect(Fixture.maxAbsDifference(withLength, expected) < 1e-5)
        let noLength = STFT.inverse(D, parameters: p)
        #expect(noLength.count == c["istft_nolength_count"] as! Int)
        #expect(Fixture.maxAbsDifference(noLength, Fixture.floats(c["istft_nolength"] as! String)) < 1e-5)
        // The same STFT held frame by frame (a phase vocoder's layout) gives the same bits, with and without a
        // length, and zero-padded to a longer one.
        var frameRe = [Float](repeating: 0, count: re.count), frameIm = frameRe
        for k in 0..<D.rows {
            for t in 0..<D.columns {
                frameRe[t * D.rows + k] = re[k * D.columns + t]
                frameIm[t * D.rows + k] = im[k * D.columns + t]
            }
        }
        for length in [c["n"] as? Int, nil, (c["n"] as? Int).map { $0 + 3000 }] {
            let viaMatrix = STFT.inverse(D, parameters: p, length: length)
            let viaFrames = STFT.inverse(frameMajorReal: frameRe, imag: frameIm, frames: D.columns, parameters: p, length: length)
            #expect(viaFrames.map(\.bitPattern) == viaMatrix.map(\.bitPattern), "length \(length.map(String.init) ?? "nil")")
        }
    }

    @Test(arguments: [(2048, 512, 2048, 22050), (1024, 256, 1024, 5000), (512, 128, 400, 3001), (2048, 512, 2048, 1000)])
    func inverseOfForwardIsIdentity(nFFT: Int, hop: Int, win: Int, n: Int) {
        var state: UInt64 = 42
        let x = (0..<n).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2000 - 1000) / 1000
        }
        let p = STFTParameters(nFFT: nFFT, hopLength: hop, winLength: win)
        let y = STFT.inverse(STFT.complex(x, parameters: p), parameters: p, length: n)
        #expect(y.count == n)
        #expect(Fixture.maxAbsDifference(x, y) < 1e-5)
    }

    @Test func framingFollowsLibrosa() {
        let p = STFTParameters.librosa
        #expect(p.nFFT == 2048 && p.hopLength == 512 && p.winLength == 2048 && p.center)
        #expect(p.frameCount(samples: 44100) == 87)
        #expect(p.frameCount(samples: 512) == 2)
        #expect(p.frameCount(samples: 0) == 0)
        #expect(STFTParameters(center: false).frameCount(samples: 2047) == 0)
        #expect(STFTParameters(center: false).frameCount(samples: 2048 + 1024) == 3)
        // The periodic Hann window: w[0] = 0, w[N/2] = 1, symmetric about N/2.
        let w = p.window()
        #expect(w[0] == 0 && w[1024] == 1 && w[1] == w[2047])
        let short = STFTParameters(nFFT: 8, winLength: 4).window()
        #expect(short == [0, 0, 0, 0.5, 1, 0.5, 0, 0])
    }
}
