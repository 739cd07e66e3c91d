import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// librosa 0.11's spectral features as full matrices over time (`librosa.feature.*`), for plots and analysis.
///
/// Every function takes mono float32 samples at `sampleRate` Hz and the STFT framing (librosa's defaults:
/// `n_fft=2048, hop_length=512`, periodic Hann, centred with zero padding); results are
/// `bands × frames` matrices, frames as `STFTParameters.frameCount(samples:)` gives.
public enum Spectral {
    /// The mel power spectrogram (`librosa.feature.melspectrogram(y, sr, n_mels=128)`, power 2, Slaney mel
    /// scale and area normalisation, fmin 0, fmax sr/2): `nMels × frames`.
    public static func melSpectrogram(_ samples: [Float], sampleRate: Int = 22050, parameters: STFTParameters = .librosa,
                                      nMels: Int = 128) -> Matrix {
        Filterbank.mel(sampleRate: sampleRate, nFFT: parameters.nFFT, nMels: nMels)
            .apply(STFT.spectrogram(samples, parameters: parameters))
    }

    /// Power to decibels (`librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0)`):
    /// `10·log10(max(amin, S)) − 10·log10(max(amin, ref))`, then floored at `max − topDB` (no floor when
    /// `topDB` is nil). Computed in float32 as librosa does.
    public static func powerToDB(_ S: Matrix, ref: Double = 1.0, amin: Double = 1e-10, topDB: Double? = 80) -> Matrix {
        precondition(amin > 0, "powerToDB: amin must be positive")
        var out = S
        let refDB = Float(10 * log10(max(amin, abs(ref))))
        let floor = Float(amin)
        var top = -Float.infinity
        out.values.withUnsafeMutableBufferPointer { v in
            for i in 0..<v.count {
                let db = 10 * log10f(max(floor, v[i])) - refDB
                v[i] = db
                top = max(top, db)
            }
            if let topDB {
                let lowest = top - Float(topDB)
                for i in 0..<v.count where v[i] < lowest { v[i] = lowest }
            }
        }
        return out
    }

    /// MFCCs (`librosa.feature.mfcc(y, sr, n_mfcc=20)`): the orthonormal DCT-II over bands of
    /// `powerToDB(melSpectrogram)`, first `nMFCC` coefficients: `nMFCC × frames`.
    public static func mfcc(_ samples: [Float], sampleRate: Int = 22050, parameters: STFTParameters = .librosa,
                            nMFCC: Int = 20, nMels: Int = 128) -> Matrix {
        mfcc(melDB: powerToDB(melSpectrogram(samples, sampleRate: sampleRate, parameters: parameters, nMels: nMels)),
             nMFCC: nMFCC)
    }

    /// MFCCs of a log-power mel spectrogram (`librosa.feature.mfcc(S=melDB, n_mfcc)`, DCT-II, norm "ortho").
    public static func mfcc(melDB: Matrix, nMFCC: Int = 20) -> Matrix {
        let dct = DCT.orthonormal(inputs: melDB.rows, outputs: nMFCC)
        var out = Matrix(rows: nMFCC, columns: melDB.columns)
        for t in 0..<melDB.columns {
            for k in 0..<nMFCC {
                var acc = 0.0
                for n in 0..<melDB.rows { acc += dct[k * melDB.rows + n] * Double(melDB[n, t]) }
                out[k, t] = Float(acc)
            }
        }
        return out
    }

    /// The chromagram (`librosa.feature.chroma_stft(y, sr, n_chroma=12, norm=inf)`): the chroma filterbank
    /// applied to the power spectrogram, each frame divided by its maximum (frames of silence stay 0).
    /// `tuning` (in fractions of a bin) is estimated from the spectrogram with `estimateTuning` when nil.
    /// Returns `nChroma × frames`.
    public static func chroma(_ samples: [Float], sampleRate: Int = 22050, parameters: STFTParameters = .librosa,
                              nChroma: Int = 12, tuning: Double? = nil) -> Matrix {
        let S = STFT.spectrogram(samples, parameters: parameters)
        let tuning = tuning ?? estimateTuning(powerSpectrogram: S, sampleRate: sampleRate, binsPerOctave: nChroma)
        var raw = Filterbank.chroma(sampleRate: sampleRate, nFFT: parameters.nFFT, nChroma: nChroma, tuning: tuning).apply(S)
        for t in 0..<raw.columns {
            var peak: Float = 0
            for c in 0..<raw.rows { peak = max(peak, abs(raw[c, t])) }
            if peak < Float.leastNormalMagnitude { continue }
            for c in 0..<raw.rows { raw[c, t] /= peak }
        }
        return raw
    }

    /// The tuning deviation of a spectrogram in fractions of a bin, in [-0.5, 0.5) with 0.01 resolution, as
    /// `librosa.estimate_tuning(S=S, sr, bins_per_octave)` computes it: `piptrack` peaks between 150 and 4000 Hz
    /// (local maxima above 0.1 × the frame's maximum, refined by parabolic interpolation), those at least as
    /// strong as their median vote, and the histogram's fullest bin wins. 0 when no peak is found.
    ///
    /// `chroma_stft` passes the power spectrogram (`bins × frames`), and so do ser's features.
    public static func estimateTuning(powerSpectrogram S: Matrix, sampleRate: Int, binsPerOctave: Int = 12,
                                      resolution: Double = 0.01) -> Double {
        var tracker = PitchTracker(bins: S.rows, sampleRate: sampleRate)
        var frame = [Float](repeating: 0, count: S.rows)
        for t in 0..<S.columns {
            for k in 0..<S.rows { frame[k] = S[k, t] }
            frame.withUnsafeBufferPointer { tracker.add(frame: $0.baseAddress!) }
        }
        return tracker.tuning(binsPerOctave: binsPerOctave, resolution: resolution)
    }
}

/// The orthonormal DCT-II (`scipy.fft.dct(type=2, norm="ortho")`) as a matrix.
public enum DCT {
    /// `outputs × inputs` row-major coefficients: `c[k][n] = s_k · cos(π k (2n + 1) / (2N))`, with
    /// `s_0 = √(1/N)` and `s_k = √(2/N)` for k > 0.
    public static func orthonormal(inputs n: Int, outputs: Int) -> [Double] {
        var m = [Double](repeating: 0, count: outputs * n)
        for k in 0..<outputs {
            let s = k == 0 ? (1 / Double(n)).squareRoot() : (2 / Double(n)).squareRoot()
            for i in 0..<n { m[k * n + i] = s * cos(Double.pi * Double(k) * Double(2 * i + 1) / Double(2 * n)) }
        }
        return m
    }
}

/// librosa's `piptrack` + `estimate_tuning` over a stream of spectrum frames (power values, `bins` each),
/// with librosa's float32/float64 mix reproduced so that histogram bins come out the same.
struct PitchTracker {
    let bins: Int
    let sampleRate: Int
    let nFFT: Int
    /// The bins piptrack considers: 150 Hz ≤ f < min(4000 Hz, sr/2).
    let band: Range<Int>
    private(set) var pitches: [Float] = []
    private(set) var magnitudes: [Float] = []

    init(bins: Int, sampleRate: Int, fmin: Double = 150, fmax: Double = 4000) {
        self.bins = bins
        self.sampleRate = sampleRate
        nFFT = 2 * (bins - 1)
        let freqs = Scale.fftFrequencies(sampleRate: Double(sampleRate), nFFT: nFFT)
        let hi = min(fmax, Double(sampleRate) / 2)
        let first = freqs.firstIndex { $0 >= max(fmin, 0) } ?? bins
        let last = freqs.lastIndex { $0 < hi } ?? -1
        band = first <= last ? first..<(last + 1) : 0..<0
        pitches.reserveCapacity(4096)
        magnitudes.reserveCapacity(4096)
    }

    mutating func reset() {
        pitches.removeAll(keepingCapacity: true)
        magnitudes.removeAll(keepingCapacity: true)
    }

    /// Adds the peaks of one frame (`bins` power values).
    mutating func add(frame s: UnsafePointer<Float>) {
        let ref = 0.1 * largestMagnitude(UnsafeBufferPointer(start: s, count: bins))
        // localmax over M = S·(S > ref): M[k] > M[k-1] and M[k] >= M[k+1]; never at bin 0; the last bin
        // compares with its left neighbour only (piptrack's band stops below it for sr/2 > 4 kHz anyway).
        @inline(__always) func masked(_ k: Int) -> Float { s[k] > ref ? s[k] : 0 }
        for k in band where k > 0 {
            let m = masked(k)
            guard m > masked(k - 1) else { continue }
            if k + 1 < bins {
                guard m >= masked(k + 1) else { continue }
            }
            var shift: Float = 0
            var avg: Float = 0
            if k + 1 < bins {
                // librosa's numba stencil: float32 sums and differences, promoted to float64 by the int literals.
                let a = Double(s[k + 1] + s[k - 1]) - 2 * Double(s[k])
                let b = Double(s[k + 1] - s[k - 1]) / 2
                shift = abs(b) >= abs(a) ? 0 : Float(-b / a)
                avg = (s[k + 1] - s[k - 1]) / 2
            } else {
                avg = s[k] - s[k - 1]
            }
            let dskew = 0.5 * avg * shift
            // (idx + shift) * float(sr) / n_fft, left to right in float64, as piptrack computes it.
            let pitch = Float((Double(k) + Double(shift)) * Double(sampleRate) / Double(nFFT))
            guard pitch > 0 else { continue }
            pitches.append(pitch)
            magnitudes.append(s[k] + dskew)
        }
    }

    /// `estimate_tuning`'s result for the frames added so far.
    func tuning(binsPerOctave: Int = 12, resolution: Double = 0.01) -> Double {
        guard !pitches.isEmpty else { return 0 }
        let sorted = magnitudes.sorted()
        let n = sorted.count
        let threshold: Float = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        let edges = Scale.linspace(-0.5, 0.5, Int((1.0 / resolution).rounded(.up)) + 1)
        var counts = [Int](repeating: 0, count: edges.count - 1)
        let reference = Float(440.0 / 16)
        let bpo = Float(binsPerOctave)
        for i in 0..<pitches.count where magnitudes[i] >= threshold {
            let octs = log2f(pitches[i] / reference)
            var residual = fmodf(bpo * octs, 1)
            if residual < 0 { residual += 1 }
            if residual >= 0.5 { residual -= 1 }
            let r = Double(residual)
            guard r >= edges[0], r <= edges[edges.count - 1] else { continue }
            var bin = min(Int((r - edges[0]) * Double(counts.count) / (edges[edges.count - 1] - edges[0])), counts.count - 1)
            if r < edges[bin] { bin -= 1 }
            if bin + 1 < counts.count && r >= edges[bin + 1] { bin += 1 }
            counts[bin] += 1
        }
        var best = 0
        for i in counts.indices where counts[i] > counts[best] { best = i }
        return edges[best]
    }
}
