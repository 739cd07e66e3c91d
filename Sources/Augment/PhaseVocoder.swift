import CGEMM
import Features

/// librosa 0.11's phase vocoder (`librosa.phase_vocoder`), step for step and in the same precisions.
public enum PhaseVocoder {
    /// Speeds up (`rate` > 1) or slows down (`rate` < 1) an STFT matrix by `rate` (librosa
    /// `phase_vocoder(D, rate=rate, hop_length=hop, n_fft=nFFT)`).
    ///
    /// `D` is `bins × frames` (bins = `nFFT / 2 + 1`); the result is `bins × ceil(frames / rate)`. Output
    /// column `t` reads the input at time step `s = t · rate`: its magnitude interpolates linearly between
    /// input columns `⌊s⌋` and `⌊s⌋ + 1` (columns past the end are zeros), its phase is accumulated from the
    /// first column's phase plus, per step, the expected advance `hop · 2πk / nFFT` and the wrapped measured
    /// deviation. As in librosa, magnitudes and angles are float32, the deviation is float64 and the phase
    /// accumulator is float32.
    public static func stretch(_ D: ComplexMatrix, rate: Double, hopLength hop: Int, nFFT: Int) -> ComplexMatrix {
        Analysis(D, hopLength: hop, nFFT: nFFT).stretch(rate: rate)
    }

    /// The magnitudes and angles of an STFT matrix, computed once and reusable for several rates (the `study`
    /// recipe's stretch and pitch shift of one file both start from the same analysis).
    public struct Analysis: Sendable {
        public let bins: Int
        public let frames: Int
        public let hopLength: Int
        public let nFFT: Int
        /// |D| per frame (frame-major: `frames + 2` frames of `bins` values, the last two zero: librosa's padding).
        let magnitude: [Float]
        /// angle(D), same layout.
        let angle: [Float]

        /// Analyzes `D` (`bins × frames`, bins = `nFFT / 2 + 1`).
        public init(_ D: ComplexMatrix, hopLength: Int, nFFT: Int) {
            bins = D.rows
            frames = D.columns
            self.hopLength = hopLength
            self.nFFT = nFFT
            precondition(bins == nFFT / 2 + 1, "phase vocoder: \(bins) rows for nFFT \(nFFT)")
            let padded = frames + 2
            var magnitude = [Float](repeating: 0, count: padded * bins)
            var angle = [Float](repeating: 0, count: padded * bins)
            let bins = bins, frames = frames
            var frame = [Float](repeating: 0, count: 2 * bins)
            D.real.withUnsafeBufferPointer { re in
                D.imag.withUnsafeBufferPointer { im in
                    magnitude.withUnsafeMutableBufferPointer { mag in
                        angle.withUnsafeMutableBufferPointer { ang in
                            for t in 0..<frames {
                                // Column t, interleaved as a frame's spectrum, through the kernel `init(samples:)` uses.
                                for k in 0..<bins {
                                    frame[2 * k] = re[k * frames + t]
                                    frame[2 * k + 1] = im[k * frames + t]
                                }
                                ser_polar(bins, frame, mag.baseAddress! + t * bins, ang.baseAddress! + t * bins)
                            }
                        }
                    }
                }
            }
            self.magnitude = magnitude
            self.angle = angle
        }

        /// Analyzes the STFT of `samples` (`STFT.complex(samples, parameters:)`) frame by frame as it is
        /// computed: the same magnitudes and angles as `init(STFT.complex(samples, …), …)`, without building and
        /// re-reading the bins × frames matrix, every bin of a frame in one vectorised C loop (dsp.c).
        public init(samples: [Float], parameters: STFTParameters) {
            bins = parameters.bins
            frames = parameters.frameCount(samples: samples.count)
            hopLength = parameters.hopLength
            nFFT = parameters.nFFT
            let bins = bins
            var magnitude = [Float](repeating: 0, count: (frames + 2) * bins)
            var angle = [Float](repeating: 0, count: (frames + 2) * bins)
            magnitude.withUnsafeMutableBufferPointer { mag in
                angle.withUnsafeMutableBufferPointer { ang in
                    STFT.forEachFrame(samples, parameters: parameters) { t, spectrum in
                        ser_polar(bins, spectrum, mag.baseAddress! + t * bins, ang.baseAddress! + t * bins)
                    }
                }
            }
            self.magnitude = magnitude
            self.angle = angle
        }

        /// The stretched STFT, `bins × ceil(frames / rate)`: see `PhaseVocoder.stretch`.
        public func stretch(rate: Double) -> ComplexMatrix {
            let (frameRe, frameIm, steps) = stretchedFrames(rate: rate)
            var out = ComplexMatrix(rows: bins, columns: steps)
            guard steps > 0 else { return out }
            // librosa's bins × frames layout (ser_transpose: copies only).
            ser_transpose(steps, bins, frameRe, &out.real)
            ser_transpose(steps, bins, frameIm, &out.imag)
            return out
        }

        /// The stretched STFT frame by frame: `steps = ceil(frames / rate)` frames of `bins` values, frame `t`
        /// at `[t * bins ..< (t + 1) * bins]` of `real` and `imag` (the transpose of `stretch(rate:)`, for
        /// `STFT.inverse(frameMajorReal:imag:frames:)`).
        public func stretchedFrames(rate: Double) -> (real: [Float], imag: [Float], steps: Int) {
            precondition(rate > 0, "phase vocoder: rate must be positive")
            // np.arange(0, frames, rate): ceil(frames / rate) steps t · rate.
            let steps = frames == 0 ? 0 : Int((Double(frames) / rate).rounded(.up))
            guard steps > 0 else { return ([], [], 0) }
            let bins = bins

            // fft_frequencies(sr=2π, n_fft) = linspace(0, π, bins), times hop.
            let binStep = Double.pi / Double(bins - 1)
            var advance = [Double](repeating: 0, count: bins)
            for k in 0..<bins { advance[k] = Double(hopLength) * (Double(k) * binStep) }
            var phase = Array(angle[0..<bins])

            // Output frames are computed frame-major (independent bins in the inner loop).
            var frameRe = [Float](repeating: 0, count: steps * bins)
            var frameIm = [Float](repeating: 0, count: steps * bins)
            magnitude.withUnsafeBufferPointer { mag in
                angle.withUnsafeBufferPointer { ang in
                    advance.withUnsafeBufferPointer { adv in
                        phase.withUnsafeMutableBufferPointer { acc in
                            frameRe.withUnsafeMutableBufferPointer { outRe in
                                frameIm.withUnsafeMutableBufferPointer { outIm in
                                    for t in 0..<steps {
                                        let step = Double(t) * rate
                                        let i = Int(step)
                                        let alpha = step.truncatingRemainder(dividingBy: 1)
                                        let m0 = mag.baseAddress! + i * bins, m1 = m0 + bins
                                        let a0 = ang.baseAddress! + i * bins, a1 = a0 + bins
                                        // Every bin of the step, vectorised in C (dsp.c: librosa's loop body, element by
                                        // element).
                                        ser_vocoder_step(bins, alpha, m0, m1, a0, a1, adv.baseAddress!, acc.baseAddress!,
                                                         outRe.baseAddress! + t * bins, outIm.baseAddress! + t * bins)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return (frameRe, frameIm, steps)
        }
    }
}
