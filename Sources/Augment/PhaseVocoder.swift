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
        Analysis(D, hopLength: hop, nFFT: nFFT).stretch(rate: rate)
    }

    /// Frames processed together for cache locality (results do not depend on it).
    static let block = 16

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
            let bins = bins, frames = frames, block = PhaseVocoder.block
            D.real.withUnsafeBufferPointer { re in
                D.imag.withUnsafeBufferPointer { im in
                    magnitude.withUnsafeMutableBufferPointer { mag in
                        angle.withUnsafeMutableBufferPointer { ang in
                            // Blocks of frames: contiguous reads along each bin's row, writes to a few hot frame rows.
                            for t0 in stride(from: 0, to: frames, by: block) {
                                let t1 = min(t0 + block, frames)
                                for k in 0..<bins {
                                    for t in t0..<t1 {
                                        let x = re[k * frames + t], y = im[k * frames + t]
                                        mag[t * bins + k] = modulus(x, y)
                                        ang[t * bins + k] = phaseAngle(y, x)
                                    }
                                }
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
        /// re-reading the bins × frames matrix, four bins at a time.
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
                        let m = mag.baseAddress! + t * bins, a = ang.baseAddress! + t * bins
                        let raw = UnsafeRawPointer(spectrum)
                        var k = 0
                        while k + 4 <= bins {
                            // Four interleaved (re, im) pairs: the even lanes are the real parts.
                            let pairs = raw.loadUnaligned(fromByteOffset: 8 * k, as: SIMD8<Float>.self)
                            let (x, y) = (pairs.evenHalf, pairs.oddHalf)
                            store4(modulus(x, y), m + k)
                            store4(phaseAngle(y, x), a + k)
                            k += 4
                        }
                        while k < bins {
                            let x = spectrum[2 * k], y = spectrum[2 * k + 1]
                            m[k] = modulus(x, y)
                            a[k] = phaseAngle(y, x)
                            k += 1
                        }
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
            transpose(frameRe, rows: steps, columns: bins, into: &out.real)
            transpose(frameIm, rows: steps, columns: bins, into: &out.imag)
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
            let twoPi = 2 * Double.pi

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
                                        let re = outRe.baseAddress! + t * bins, im = outIm.baseAddress! + t * bins
                                        // Four bins at a time (the same operations as the scalar tail, lane by lane).
                                        var k = 0
                                        let accBase = acc.baseAddress!, advBase = adv.baseAddress!
                                        while k + 4 <= bins {
                                            let m = (1 - alpha) * SIMD4<Double>(load4(m0 + k)) + alpha * SIMD4<Double>(load4(m1 + k))
                                            let p = load4(accBase + k)
                                            let (sine, cosine) = sinCos(p)
                                            store4(SIMD4<Float>(SIMD4<Double>(cosine) * m), re + k)
                                            store4(SIMD4<Float>(SIMD4<Double>(sine) * m), im + k)
                                            let a = load4(advBase + k)
                                            var dphase = SIMD4<Double>(load4(a1 + k) - load4(a0 + k)) - a
                                            dphase -= twoPi * roundToEven(dphase / twoPi)
                                            store4(SIMD4<Float>(SIMD4<Double>(p) + (a + dphase)), accBase + k)
                                            k += 4
                                        }
                                        while k < bins {
                                            let m = (1 - alpha) * Double(m0[k]) + alpha * Double(m1[k])
                                            let p = acc[k]
                                            let (sine, cosine) = sinCos(p)
                                            re[k] = Float(Double(cosine) * m)
                                            im[k] = Float(Double(sine) * m)
                                            var dphase = Double(a1[k] - a0[k]) - adv[k]
                                            dphase -= twoPi * roundToEven(dphase / twoPi)
                                            acc[k] = Float(Double(p) + (adv[k] + dphase))
                                            k += 1
                                        }
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

/// `source` (`rows × columns`, row-major) transposed into `target` (`columns × rows`), in square blocks.
func transpose(_ source: [Float], rows: Int, columns: Int, into target: inout [Float]) {
    let block = PhaseVocoder.block
    source.withUnsafeBufferPointer { src in
        target.withUnsafeMutableBufferPointer { dst in
            for r0 in stride(from: 0, to: rows, by: block) {
                let r1 = min(r0 + block, rows)
                for c0 in stride(from: 0, to: columns, by: block) {
                    let c1 = min(c0 + block, columns)
                    for r in r0..<r1 {
                        for c in c0..<c1 { dst[c * rows + r] = src[r * columns + c] }
                    }
                }
            }
        }
    }
}

/// `x` rounded to the nearest integer, ties to even (numpy's `np.round`, C's `rint`), for |x| < 2⁵¹: adding and
/// subtracting 1.5 · 2⁵² leaves no fraction bits, so the hardware's round-to-nearest-even does the rounding
/// (baseline x86-64 has no rounding instruction and would call `rint`).
@inline(__always)
func roundToEven(_ x: Double) -> Double {
    let magic = 6_755_399_441_055_744.0
    return (x + magic) - magic
}

/// |x + iy| for float32 parts (numpy's `abs` on complex64, i.e. `hypotf`): computed in double precision, where
/// the squares cannot overflow or lose bits, and rounded once.
@inline(__always)
func modulus(_ x: Float, _ y: Float) -> Float {
    let dx = Double(x), dy = Double(y)
    return Float((dx * dx + dy * dy).squareRoot())
}

/// `modulus` for four lanes (same operations, same bits).
@inline(__always)
func modulus(_ x: SIMD4<Float>, _ y: SIMD4<Float>) -> SIMD4<Float> {
    let dx = SIMD4<Double>(x), dy = SIMD4<Double>(y)
    return SIMD4<Float>((dx * dx + dy * dy).squareRoot())
}

/// Four consecutive values from `pointer` (no alignment needed).
@inline(__always)
func load4<T: SIMDScalar>(_ pointer: UnsafePointer<T>) -> SIMD4<T> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<T>.self)
}

@inline(__always)
func load4<T: SIMDScalar>(_ pointer: UnsafeMutablePointer<T>) -> SIMD4<T> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<T>.self)
}

/// Stores four consecutive values at `pointer` (no alignment needed).
@inline(__always)
func store4<T: SIMDScalar>(_ value: SIMD4<T>, _ pointer: UnsafeMutablePointer<T>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD4<T>.self)
}
