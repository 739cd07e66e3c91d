#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bank of spectral filters: `rows` filters over `bins` FFT bins, stored densely (`weights`, row-major
/// `rows × bins`) and as each filter's nonzero span, so applying it touches only nonzero weights.
public struct Filterbank: Sendable, Equatable {
    /// The weights as a `filters × bins` matrix (librosa's orientation: `mel_basis @ S`).
    public let weights: Matrix
    /// For each filter, the first bin with a nonzero weight and one past the last (empty when all are 0).
    public let spans: [Range<Int>]

    public init(weights: Matrix) {
        self.weights = weights
        spans = (0..<weights.rows).map { r in
            let row = weights.row(r)
            guard let first = row.firstIndex(where: { $0 != 0 }), let last = row.lastIndex(where: { $0 != 0 }) else {
                return 0..<0
            }
            return (first - row.startIndex)..<(last - row.startIndex + 1)
        }
    }

    public var filters: Int { weights.rows }
    public var bins: Int { weights.columns }

    /// `weights × S` for a `bins × frames` spectrogram: a `filters × frames` matrix.
    public func apply(_ S: Matrix) -> Matrix {
        precondition(S.rows == bins, "Filterbank: spectrogram has \(S.rows) bins, the filters \(bins)")
        var out = Matrix(rows: filters, columns: S.columns)
        let frames = S.columns
        weights.values.withUnsafeBufferPointer { w in
            S.values.withUnsafeBufferPointer { s in
                out.values.withUnsafeMutableBufferPointer { o in
                    for f in 0..<filters {
                        for k in spans[f] {
                            let weight = w[f * bins + k]
                            for t in 0..<frames { o[f * frames + t] += weight * s[k * frames + t] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `weights × s` for one spectrum `s` of `bins` values, into `out` (`filters` values).
    @inline(__always)
    func apply(spectrum s: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        weights.values.withUnsafeBufferPointer { w in
            for f in 0..<filters {
                let span = spans[f]
                var acc: Float = 0
                let row = w.baseAddress! + f * bins
                for k in span { acc += row[k] * s[k] }
                out[f] = acc
            }
        }
    }
}

/// Frequency conversions as librosa 0.11 computes them (double precision).
public enum Scale {
    /// Hz → mel on the Slaney scale (librosa `hz_to_mel(htk=False)`): linear below 1 kHz, logarithmic above.
    public static func hzToMel(_ hz: Double) -> Double {
        let fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logStep = log(6.4) / 27.0
        return hz >= minLogHz ? minLogMel + log(hz / minLogHz) / logStep : hz / fSp
    }

    /// Mel (Slaney) → Hz (librosa `mel_to_hz(htk=False)`).
    public static func melToHz(_ mel: Double) -> Double {
        let fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logStep = log(6.4) / 27.0
        return mel >= minLogMel ? minLogHz * exp(logStep * (mel - minLogMel)) : fSp * mel
    }

    /// `count` values from `start` to `stop` inclusive, as `numpy.linspace` computes them.
    static func linspace(_ start: Double, _ stop: Double, _ count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (stop - start) / Double(count - 1)
        var v = (0..<count).map { Double($0) * step + start }
        v[count - 1] = stop
        return v
    }

    /// Centre frequencies of the FFT bins, `numpy.fft.rfftfreq(nFFT, 1 / sampleRate)`.
    public static func fftFrequencies(sampleRate: Double, nFFT: Int) -> [Double] {
        let value = 1.0 / (Double(nFFT) * (1.0 / sampleRate))
        return (0...(nFFT / 2)).map { Double($0) * value }
    }
}

extension Filterbank {
    /// The mel filterbank of librosa 0.11 (`librosa.filters.mel(sr, n_fft, n_mels=128, fmin=0, fmax=sr/2,
    /// htk=False, norm="slaney")`): `nMels` triangular filters evenly spaced on the Slaney mel scale, each
    /// scaled to unit area (`2 / (f[i+2] - f[i])`), float32 weights; `nMels × (nFFT / 2 + 1)`.
    public static func mel(sampleRate: Int, nFFT: Int = 2048, nMels: Int = 128, fmin: Double = 0, fmax: Double? = nil) -> Filterbank {
        let fmax = fmax ?? Double(sampleRate) / 2
        let bins = nFFT / 2 + 1
        let fft = Scale.fftFrequencies(sampleRate: Double(sampleRate), nFFT: nFFT)
        let melF = Scale.linspace(Scale.hzToMel(fmin), Scale.hzToMel(fmax), nMels + 2).map(Scale.melToHz)
        var weights = Matrix(rows: nMels, columns: bins)
        for i in 0..<nMels {
            let lowerWidth = melF[i + 1] - melF[i], upperWidth = melF[i + 2] - melF[i + 1]
            let enorm = 2.0 / (melF[i + 2] - melF[i])
            for k in 0..<bins {
                let lower = -(melF[i] - fft[k]) / lowerWidth
                let upper = (melF[i + 2] - fft[k]) / upperWidth
                // librosa stores the triangle in float32, then scales it in place by the double enorm.
                let triangle = Float(max(0, min(lower, upper)))
                weights[i, k] = Float(Double(triangle) * enorm)
            }
        }
        return Filterbank(weights: weights)
    }

    /// The chroma filterbank of librosa 0.11 (`librosa.filters.chroma(sr, n_fft, n_chroma=12, tuning,
    /// ctroct=5, octwidth=2, norm=2, base_c=True)`): Gaussian bumps around each pitch class, unit L2 norm per
    /// bin, weighted by a Gaussian over octaves centred on octave 5, rows starting at C;
    /// `nChroma × (nFFT / 2 + 1)`, float32. `tuning` is in fractions of a chroma bin.
    public static func chroma(sampleRate: Int, nFFT: Int = 2048, nChroma: Int = 12, tuning: Double = 0) -> Filterbank {
        let nc = Double(nChroma)
        let step = Double(sampleRate) / Double(nFFT)
        let a440 = 440.0 * pow(2.0, tuning / nc)
        var frqbins = [Double](repeating: 0, count: nFFT)
        for k in 1..<nFFT { frqbins[k] = nc * log2(Double(k) * step / (a440 / 16)) }
        frqbins[0] = frqbins[1] - 1.5 * nc
        var width = [Double](repeating: 1, count: nFFT)
        for k in 0..<(nFFT - 1) { width[k] = max(frqbins[k + 1] - frqbins[k], 1.0) }
        let half = (nc / 2).rounded(.toNearestOrEven)
        let bins = nFFT / 2 + 1
        var weights = Matrix(rows: nChroma, columns: bins)
        var column = [Double](repeating: 0, count: nChroma)
        for k in 0..<bins {
            var norm = 0.0
            for c in 0..<nChroma {
                let x = frqbins[k] - Double(c) + half + 10 * nc
                var m = fmod(x, nc)  // np.remainder: the sign of the divisor
                if m != 0 && m < 0 { m += nc }
                let d = m - half
                let z = 2 * d / width[k]
                let g = exp(-0.5 * (z * z))
                column[c] = g
                norm += g * g
            }
            norm = norm.squareRoot()
            if norm < Double.leastNormalMagnitude { norm = 1 }
            let o = (frqbins[k] / nc - 5.0) / 2.0
            let octave = exp(-0.5 * (o * o))
            for c in 0..<nChroma {
                // np.roll(wts, -3 * (n_chroma // 12), axis=0): output row c takes input row c + shift.
                let source = (c + 3 * (nChroma / 12)) % nChroma
                weights[c, k] = Float(column[source] / norm * octave)
            }
        }
        return Filterbank(weights: weights)
    }
}
