import Features
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        let bins = D.rows, frames = D.columns
        precondition(bins == nFFT / 2 + 1, "phase vocoder: \(bins) rows for nFFT \(nFFT)")
        precondition(rate > 0, "phase vocoder: rate must be positive")
        // np.arange(0, frames, rate): ceil(frames / rate) steps t · rate.
        let steps = frames == 0 ? 0 : Int((Double(frames) / rate).rounded(.up))
        var out = ComplexMatrix(rows: bins, columns: steps)
        guard steps > 0 else { return out }

        // Magnitude and angle of every input column, frame-major, with two zero columns appended (librosa's pad).
        let padded = frames + 2
        var magnitude = [Float](repeating: 0, count: padded * bins)
        var angle = [Float](repeating: 0, count: padded * bins)
        D.real.withUnsafeBufferPointer { re in
            D.imag.withUnsafeBufferPointer { im in
                magnitude.withUnsafeMutableBufferPointer { mag in
                    angle.withUnsafeMutableBufferPointer { ang in
                        for k in 0..<bins {
                            for t in 0..<frames {
                                let x = re[k * frames + t], y = im[k * frames + t]
                                mag[t * bins + k] = hypotf(x, y)
                                ang[t * bins + k] = atan2f(y, x)
                            }
                        }
                    }
                }
            }
        }

        // fft_frequencies(sr=2π, n_fft) = linspace(0, π, bins), times hop.
        let binStep = Double.pi / Double(bins - 1)
        var advance = [Double](repeating: 0, count: bins)
        for k in 0..<bins { advance[k] = Double(hop) * (Double(k) * binStep) }
        var phase = Array(angle[0..<bins])
        let twoPi = 2 * Double.pi

        magnitude.withUnsafeBufferPointer { mag in
            angle.withUnsafeBufferPointer { ang in
                advance.withUnsafeBufferPointer { adv in
                    phase.withUnsafeMutableBufferPointer { acc in
                        out.real.withUnsafeMutableBufferPointer { outRe in
                            out.imag.withUnsafeMutableBufferPointer { outIm in
                                for t in 0..<steps {
                                    let step = Double(t) * rate
                                    let i = Int(step)
                                    let alpha = step.truncatingRemainder(dividingBy: 1)
                                    let m0 = mag.baseAddress! + i * bins, m1 = m0 + bins
                                    let a0 = ang.baseAddress! + i * bins, a1 = a0 + bins
                                    for k in 0..<bins {
                                        let m = (1 - alpha) * Double(m0[k]) + alpha * Double(m1[k])
                                        let p = acc[k]
                                        outRe[k * steps + t] = Float(Double(cosf(p)) * m)
                                        outIm[k * steps + t] = Float(Double(sinf(p)) * m)
                                        var dphase = Double(a1[k] - a0[k]) - adv[k]
                                        dphase -= twoPi * (dphase / twoPi).rounded(.toNearestOrEven)
                                        acc[k] = Float(Double(p) + (adv[k] + dphase))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
