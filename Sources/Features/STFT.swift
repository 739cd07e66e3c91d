#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The framing of a short-time Fourier transform, with librosa 0.11's defaults.
public struct STFTParameters: Sendable, Hashable {
    /// FFT length in samples (librosa `n_fft`). Default 2048.
    public var nFFT: Int
    /// Samples between successive frames (librosa `hop_length`). Default 512 (`nFFT / 4`).
    public var hopLength: Int
    /// Length of the periodic Hann window, zero-padded to `nFFT` at the centre (librosa `win_length`).
    /// Default: `nFFT`.
    public var winLength: Int
    /// `true` (the default): frame `t` is centred on sample `t * hopLength`; the signal is padded with
    /// `nFFT / 2` zeros on both sides (librosa `center=True, pad_mode="constant"`).
    public var center: Bool

    public init(nFFT: Int = 2048, hopLength: Int? = nil, winLength: Int? = nil, center: Bool = true) {
        precondition(nFFT > 0, "STFT: nFFT must be positive (got \(nFFT))")
        self.nFFT = nFFT
        self.winLength = winLength ?? nFFT
        self.hopLength = hopLength ?? (self.winLength / 4)
        self.center = center
        precondition(self.hopLength > 0, "STFT: hopLength must be positive (got \(self.hopLength))")
        precondition(self.winLength > 0 && self.winLength <= nFFT,
                     "STFT: winLength must be in 1...\(nFFT) (got \(self.winLength))")
    }

    /// librosa's defaults: `n_fft=2048, hop_length=512, win_length=2048, center=True`.
    public static let librosa = STFTParameters()

    /// Number of frequency bins: `nFFT / 2 + 1`.
    public var bins: Int { nFFT / 2 + 1 }

    /// Number of frames for a signal of `samples` samples: `1 + samples / hopLength` when centred (for even
    /// `nFFT`), `1 + (samples - nFFT) / hopLength` otherwise; 0 for an empty signal or, without centring,
    /// a signal shorter than `nFFT`.
    public func frameCount(samples: Int) -> Int {
        guard samples > 0 else { return 0 }
        let padded = center ? samples + 2 * (nFFT / 2) : samples
        guard padded >= nFFT else { return 0 }
        return 1 + (padded - nFFT) / hopLength
    }

    /// The analysis window: a periodic Hann window of `winLength` samples (`scipy.signal.get_window("hann",
    /// winLength, fftbins=True)`), zero-padded at both ends to `nFFT` as `librosa.util.pad_center` does.
    public func window() -> [Float] { window64().map { Float($0) } }

    /// The analysis window in double precision, as scipy computes it.
    func window64() -> [Double] {
        var w = [Double](repeating: 0, count: nFFT)
        let left = (nFFT - winLength) / 2
        for n in 0..<winLength {
            w[left + n] = 0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(winLength))
        }
        return w
    }
}

/// Short-time Fourier transforms with `librosa.stft` / `librosa.istft` conventions.
///
/// Frames are windowed by a periodic Hann window and transformed by FFTW (single precision, plans shared per
/// size). Results are `(nFFT / 2 + 1) × frames` matrices (rows = bins from 0 Hz to sr/2, columns = frames),
/// librosa's orientation.
public enum STFT {
    /// The complex STFT of `samples` (librosa `stft(y, n_fft, hop_length, win_length, window="hann",
    /// center, pad_mode="constant")`): `parameters.bins × parameters.frameCount(samples:)`.
    public static func complex(_ samples: [Float], parameters: STFTParameters = .librosa) -> ComplexMatrix {
        let frames = parameters.frameCount(samples: samples.count)
        let bins = parameters.bins
        var out = ComplexMatrix(rows: bins, columns: frames)
        let analyzer = FrameAnalyzer(parameters: parameters)
        samples.withUnsafeBufferPointer { x in
            out.real.withUnsafeMutableBufferPointer { re in
                out.imag.withUnsafeMutableBufferPointer { im in
                    for t in 0..<frames {
                        let spectrum = analyzer.transform(frame: t, of: x)
                        for k in 0..<bins {
                            re[k * frames + t] = spectrum[2 * k]
                            im[k * frames + t] = spectrum[2 * k + 1]
                        }
                    }
                }
            }
        }
        return out
    }

    /// The spectrogram `|STFT|^power` (power 2, the default, is the power spectrogram librosa's
    /// `melspectrogram` and `chroma_stft` use; power 1 is the magnitude): `bins × frames`.
    public static func spectrogram(_ samples: [Float], parameters: STFTParameters = .librosa, power: Double = 2) -> Matrix {
        let frames = parameters.frameCount(samples: samples.count)
        let bins = parameters.bins
        var out = Matrix(rows: bins, columns: frames)
        let analyzer = FrameAnalyzer(parameters: parameters)
        samples.withUnsafeBufferPointer { x in
            out.values.withUnsafeMutableBufferPointer { s in
                for t in 0..<frames {
                    let spectrum = analyzer.transform(frame: t, of: x)
                    for k in 0..<bins {
                        let re = spectrum[2 * k], im = spectrum[2 * k + 1]
                        let magnitude = complexAbs(re, im)
                        let p = magnitude * magnitude
                        s[k * frames + t] = power == 2 ? p : (power == 1 ? magnitude : Float(pow(Double(magnitude), power)))
                    }
                }
            }
        }
        return out
    }

    /// Calls `body(t, spectrum)` for each frame `t` of `samples` in order, with that frame's spectrum as
    /// `parameters.bins` interleaved (re, im) float32 values, valid during the call: column `t` of
    /// `complex(samples, parameters:)`, the same bits, without building the bins × frames matrix (a phase
    /// vocoder works frame by frame, so the matrix's layout costs two transposes).
    public static func forEachFrame(_ samples: [Float], parameters: STFTParameters = .librosa,
                                    _ body: (Int, UnsafePointer<Float>) -> Void) {
        let frames = parameters.frameCount(samples: samples.count)
        let analyzer = FrameAnalyzer(parameters: parameters)
        samples.withUnsafeBufferPointer { x in
            for t in 0..<frames { body(t, analyzer.transform(frame: t, of: x)) }
        }
    }

    /// The inverse STFT (librosa `istft(D, hop_length, win_length, n_fft, window="hann", center, length)`):
    /// inverse FFT of each frame, periodic-Hann synthesis window, overlap-add, division by the sum of squared
    /// windows wherever it exceeds the smallest normal float, and removal of the `nFFT / 2` centring pad.
    ///
    /// `D` must have `parameters.bins` rows. Without `length` the result has
    /// `nFFT + hopLength * (frames - 1)` samples, minus `2 * (nFFT / 2)` when centred; with `length` it is
    /// zero-padded or cut to exactly `length` samples.
    public static func inverse(_ D: ComplexMatrix, parameters: STFTParameters = .librosa, length: Int? = nil) -> [Float] {
        precondition(D.rows == parameters.bins, "istft: \(D.rows) rows, but nFFT \(parameters.nFFT) needs \(parameters.bins)")
        let columns = D.columns
        return D.real.withUnsafeBufferPointer { re in
            D.imag.withUnsafeBufferPointer { im in
                overlapAdd(frames: columns, parameters: parameters, length: length) { t, input in
                    for k in 0..<parameters.bins {
                        input[2 * k] = re[k * columns + t]
                        input[2 * k + 1] = im[k * columns + t]
                    }
                }
            }
        }
    }

    /// `inverse` of an STFT held frame by frame: frame `t`'s bins are `real[t * bins ..< (t + 1) * bins]` and
    /// the same range of `imag` (the transpose of `inverse`'s `D`). The same samples as `inverse` of the
    /// bins × frames matrix, read without striding across it.
    public static func inverse(frameMajorReal real: [Float], imag: [Float], frames: Int,
                               parameters: STFTParameters = .librosa, length: Int? = nil) -> [Float] {
        let bins = parameters.bins
        precondition(real.count == frames * bins && imag.count == frames * bins,
                     "istft: \(real.count) and \(imag.count) values for \(frames) frames of \(bins) bins")
        return real.withUnsafeBufferPointer { re in
            imag.withUnsafeBufferPointer { im in
                overlapAdd(frames: frames, parameters: parameters, length: length) { t, input in
                    let r = re.baseAddress! + t * bins, i = im.baseAddress! + t * bins
                    for k in 0..<bins {
                        input[2 * k] = r[k]
                        input[2 * k + 1] = i[k]
                    }
                }
            }
        }
    }

    /// The inverse STFT of `frames` frames, `fill(t, input)` writing frame `t`'s `bins` interleaved (re, im)
    /// values into the inverse FFT's input: see `inverse`.
    private static func overlapAdd(frames available: Int, parameters: STFTParameters, length: Int?,
                                   fill: (Int, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        let nFFT = parameters.nFFT, hop = parameters.hopLength, bins = parameters.bins
        var frames = available
        if let length, length > 0 {
            let padded = parameters.center ? length + 2 * (nFFT / 2) : length
            frames = min(frames, (padded + hop - 1) / hop)
        }
        var outputLength = nFFT + hop * (frames - 1)
        if let length, length > 0 {
            outputLength = length
        } else if parameters.center {
            outputLength -= 2 * (nFFT / 2)
        }
        guard frames > 0, outputLength > 0 else { return [Float](repeating: 0, count: max(0, length ?? 0)) }

        // Overlap-add over the full (padded) time axis, in double precision, then normalise and trim.
        let full = nFFT + hop * (frames - 1)
        var sum = [Double](repeating: 0, count: full)
        var windowSum = [Double](repeating: 0, count: full)
        let window = parameters.window()
        let plan = FFT.inverse(size: nFFT)
        let input = FFT.Buffer(count: 2 * bins), output = FFT.Buffer(count: nFFT)
        let scale = 1 / Double(nFFT)
        window.withUnsafeBufferPointer { window in
            sum.withUnsafeMutableBufferPointer { sum in
                windowSum.withUnsafeMutableBufferPointer { windowSum in
                    for t in 0..<frames {
                        fill(t, input.pointer)
                        plan.inverseTransform(input, into: output)
                        let s = sum.baseAddress! + t * hop, ws = windowSum.baseAddress! + t * hop
                        let o = output.pointer
                        for i in 0..<nFFT {
                            let w = Double(window[i])
                            // numpy's irfft returns float32 for complex64 input: round each sample to Float first.
                            s[i] += w * Double(Float(Double(o[i]) * scale))
                            ws[i] += w * w
                        }
                    }
                }
            }
        }
        let offset = parameters.center ? nFFT / 2 : 0
        var y = [Float](repeating: 0, count: outputLength)
        let tiny = Double(Float.leastNormalMagnitude)
        for i in 0..<min(outputLength, full - offset) {
            let j = i + offset
            let ws = Double(Float(windowSum[j]))
            y[i] = ws > tiny ? Float(sum[j] / ws) : Float(sum[j])
        }
        return y
    }
}

/// Windows and transforms single STFT frames of a signal, reusing its FFTW buffers. Not thread-safe: make one
/// per thread (the FFTW plan underneath is shared).
///
/// As `librosa.stft` does, each frame is windowed and transformed in double precision (float64 window ×
/// float32 samples) and the spectrum rounded to float32 (complex64).
final class FrameAnalyzer {
    let parameters: STFTParameters
    let window: [Double]
    let fft: DoubleFFT
    let input: DoubleFFT.Buffer
    let spectrum: DoubleFFT.Buffer
    let output: UnsafeMutablePointer<Float>

    init(parameters: STFTParameters) {
        self.parameters = parameters
        window = parameters.window64()
        fft = DoubleFFT.forward(size: parameters.nFFT)
        input = DoubleFFT.Buffer(count: parameters.nFFT)
        spectrum = DoubleFFT.Buffer(count: 2 * parameters.bins)
        output = .allocate(capacity: 2 * parameters.bins)
        output.initialize(repeating: 0, count: 2 * parameters.bins)
    }

    deinit { output.deallocate() }

    /// The spectrum of frame `t` of `x`: `bins` complex float32 values, interleaved (re, im), valid until the
    /// next call.
    func transform(frame t: Int, of x: UnsafeBufferPointer<Float>) -> UnsafeMutablePointer<Float> {
        let nFFT = parameters.nFFT
        let start = t * parameters.hopLength - (parameters.center ? nFFT / 2 : 0)
        let lo = max(0, -start), hi = min(nFFT, x.count - start)
        let buf = input.pointer
        window.withUnsafeBufferPointer { w in
            if lo > 0 { buf.update(repeating: 0, count: min(lo, nFFT)) }
            if hi < nFFT { (buf + max(hi, 0)).update(repeating: 0, count: nFFT - max(hi, 0)) }
            if lo < hi {
                // Through pointers offset once (index arithmetic with overflow checks does not vectorize).
                let source = x.baseAddress! + (start + lo), target = buf + lo, weights = w.baseAddress! + lo
                for i in 0..<(hi - lo) { target[i] = Double(source[i]) * weights[i] }
            }
        }
        fft.transform(input, into: spectrum)
        let n = 2 * parameters.bins
        let s = spectrum.pointer
        for i in 0..<n { output[i] = Float(s[i]) }
        return output
    }
}

/// `|re + i·im|` computed as NumPy's SIMD `np.abs` computes it for complex64 (`max · sqrt(fma(r, r, 1))` with
/// `r = min / max`, in float32), so power spectra equal librosa's `np.abs(D) ** 2` bit for bit. Near-silent
/// frames have nearly flat spectra whose local maxima (piptrack, hence the tuning estimate) depend on the
/// last bit.
@inline(__always)
func complexAbs(_ re: Float, _ im: Float) -> Float {
    let a = abs(re), b = abs(im)
    let larger = max(a, b), smaller = min(a, b)
    if larger == 0 || larger == .infinity { return larger }
    let ratio = smaller / larger
    return (1 as Float).addingProduct(ratio, ratio).squareRoot() * larger
}
