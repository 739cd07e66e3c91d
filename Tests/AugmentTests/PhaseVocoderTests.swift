import Testing
import Features
@testable import Augment

@Suite struct PhaseVocoderTests {
    /// librosa 0.11's `phase_vocoder` loop, transliterated frame by frame and bin by bin (with ser's scalar
    /// angle, modulus and sin/cos, Reference.swift): the frame-by-frame implementation, its per-bin arithmetic in C
    /// (Sources/CGEMM/dsp.c), must give the same bits.
    func reference(_ D: ComplexMatrix, rate: Double, hop: Int, nFFT: Int) -> ComplexMatrix {
        let bins = D.rows, frames = D.columns
        let steps = Int((Double(frames) / rate).rounded(.up))
        var out = ComplexMatrix(rows: bins, columns: steps)
        func column(_ t: Int, _ k: Int) -> (Float, Float) {
            t < frames ? (D.real[k * frames + t], D.imag[k * frames + t]) : (0, 0)
        }
        var phase = (0..<bins).map { k in phaseAngle(column(0, k).1, column(0, k).0) }
        for t in 0..<steps {
            let step = Double(t) * rate
            let i = Int(step)
            let alpha = step.truncatingRemainder(dividingBy: 1)
            for k in 0..<bins {
                let (x0, y0) = column(i, k), (x1, y1) = column(i + 1, k)
                let mag = (1 - alpha) * Double(modulus(x0, y0)) + alpha * Double(modulus(x1, y1))
                let (s, c) = sinCos(phase[k])
                out.real[k * steps + t] = Float(Double(c) * mag)
                out.imag[k * steps + t] = Float(Double(s) * mag)
                let advance = Double(hop) * (Double(k) * (Double.pi / Double(bins - 1)))
                var dphase = Double(phaseAngle(y1, x1) - phaseAngle(y0, x0)) - advance
                dphase -= 2 * Double.pi * (dphase / (2 * Double.pi)).rounded(.toNearestOrEven)
                phase[k] = Float(Double(phase[k]) + (advance + dphase))
            }
        }
        return out
    }

    @Test(arguments: [0.8, 1.25, 0.9604, 2.0])
    func equalsLibrosasLoopBitForBit(rate: Double) throws {
        let x = try Fixture.samples("input")
        let D = STFT.complex(x)
        let got = PhaseVocoder.stretch(D, rate: rate, hopLength: 512, nFFT: 2048)
        let expected = reference(D, rate: rate, hop: 512, nFFT: 2048)
        #expect(got.rows == expected.rows && got.columns == expected.columns)
        #expect(got.real.map(\.bitPattern) == expected.real.map(\.bitPattern))
        #expect(got.imag.map(\.bitPattern) == expected.imag.map(\.bitPattern))
    }

    /// What time stretch and pitch shift run: the analysis made frame by frame from the samples, stretched
    /// frame by frame and inverted without the bins × frames matrix. The same bits as the matrix route (STFT,
    /// `stretch`, ISTFT), which the test above holds to librosa's loop.
    @Test(arguments: [0.8, 1.25, 0.9604, 2.0])
    func framesGiveTheMatrixRoutesBits(rate: Double) throws {
        let x = try Fixture.samples("input")
        let p = STFTParameters.librosa
        let analysis = PhaseVocoder.Analysis(samples: x, parameters: p)
        let fromMatrix = PhaseVocoder.Analysis(STFT.complex(x), hopLength: 512, nFFT: 2048)
        #expect(analysis.magnitude.map(\.bitPattern) == fromMatrix.magnitude.map(\.bitPattern))
        #expect(analysis.angle.map(\.bitPattern) == fromMatrix.angle.map(\.bitPattern))

        let matrix = fromMatrix.stretch(rate: rate)
        let frames = analysis.stretchedFrames(rate: rate)
        #expect(frames.steps == matrix.columns)
        for t in 0..<frames.steps {
            for k in 0..<matrix.rows {
                guard frames.real[t * matrix.rows + k].bitPattern == matrix.real[k * matrix.columns + t].bitPattern,
                      frames.imag[t * matrix.rows + k].bitPattern == matrix.imag[k * matrix.columns + t].bitPattern else {
                    Issue.record("frame \(t), bin \(k) differs")
                    return
                }
            }
        }
        let n = TimeStretch.outputLength(inputLength: x.count, rate: rate)
        let viaMatrix = STFT.inverse(matrix, parameters: p, length: n)
        let viaFrames = STFT.inverse(frameMajorReal: frames.real, imag: frames.imag, frames: frames.steps, parameters: p, length: n)
        #expect(viaFrames.map(\.bitPattern) == viaMatrix.map(\.bitPattern))
        #expect(try TimeStretch.apply(x, rate: rate).map(\.bitPattern) == viaMatrix.map(\.bitPattern))
    }
}
