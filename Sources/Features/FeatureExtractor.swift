import CGEMM
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the paper's 160-value feature vector is made of, as ser reads it: librosa 0.11's defaults (the paper
/// gives no parameters).
public struct FeatureSettings: Sendable, Hashable {
    /// Analysis sample rate in Hz (librosa.load's default 22050).
    public var sampleRate: Int
    /// STFT framing (n_fft 2048, hop 512, periodic Hann, centred, zero padding).
    public var stft: STFTParameters
    /// Mel bands (128), MFCC coefficients (20) and chroma bins (12).
    public var nMels: Int
    public var nMFCC: Int
    public var nChroma: Int
    /// Chroma tuning in fractions of a bin; nil (the default) estimates it per window as `chroma_stft` does.
    public var tuning: Double?

    public init(sampleRate: Int = 22050, stft: STFTParameters = .librosa, nMels: Int = 128, nMFCC: Int = 20,
                nChroma: Int = 12, tuning: Double? = nil) {
        self.sampleRate = sampleRate
        self.stft = stft
        self.nMels = nMels
        self.nMFCC = nMFCC
        self.nChroma = nChroma
        self.tuning = tuning
    }

    /// Values per window: `nMels + nMFCC + nChroma` (160 with the defaults).
    public var vectorLength: Int { nMels + nMFCC + nChroma }
}

/// How a signal is cut into analysis windows: `length` seconds every `hop` seconds (defaults 2 s and 2 s, no
/// overlap). A trailing piece shorter than `length` is dropped; a signal shorter than `length` gives one
/// window holding all of it.
public struct Windowing: Sendable, Hashable {
    /// Window length in seconds.
    public var length: Double
    /// Seconds between window starts.
    public var hop: Double

    /// The window lengths and hops ser takes, in seconds: from 10 ms (a hop of a few samples would mean a
    /// whole window's STFT per sample: a run without end) to an hour (a table's recipe holds no more).
    public static let seconds: ClosedRange<Double> = 0.01...3600

    /// Why `length` or `hop` is out of `seconds` (naming the one and its value), or nil.
    public static func problem(length: Double, hop: Double) -> (argument: String, message: String)? {
        for (name, value) in [("window", length), ("hop", hop)] where !(value.isFinite && seconds.contains(value)) {
            return (name, "\(name) must be between 0.01 and 3600 seconds (got \(value))")
        }
        return nil
    }

    public init(length: Double = 2, hop: Double = 2) {
        precondition(length > 0 && hop > 0, "Windowing: length and hop must be positive (got \(length), \(hop))")
        self.length = length
        self.hop = hop
    }

    /// The sample ranges of the windows of a signal of `sampleCount` samples at `sampleRate` Hz; window and hop
    /// lengths are rounded to whole samples.
    public func ranges(sampleCount: Int, sampleRate: Int) -> [Range<Int>] {
        guard sampleCount > 0 else { return [] }
        // Clamped before converting: a window of 1e300 s is longer than any signal, not an overflow.
        let size = max(1, Int(min((length * Double(sampleRate)).rounded(), Double(Int32.max))))
        let step = max(1, Int(min((hop * Double(sampleRate)).rounded(), Double(Int32.max))))
        if sampleCount < size { return [0..<sampleCount] }
        return stride(from: 0, through: sampleCount - size, by: step).map { $0..<($0 + size) }
    }
}

/// Where feature extraction spends its time, in seconds of thread CPU time (filled when profiling is on).
public struct FeatureProfile: Sendable, Equatable {
    /// Framing, windowing, FFT and power spectrum.
    public var stft: Double = 0
    /// Mel filterbank, power_to_db, DCT.
    public var mel: Double = 0
    /// Tuning estimate (piptrack) and chroma filterbank.
    public var chroma: Double = 0
    /// STFT frames analysed.
    public var frames = 0

    public init() {}

    public static func + (a: FeatureProfile, b: FeatureProfile) -> FeatureProfile {
        var s = a
        s.stft += b.stft
        s.mel += b.mel
        s.chroma += b.chroma
        s.frames += b.frames
        return s
    }
}

/// Computes the feature vector for windows of a signal: per window, the time means of the mel power
/// spectrogram (`nMels`), of the MFCCs (`nMFCC`) and of the chromagram (`nChroma`), in that order, each as
/// librosa 0.11 computes it on the window's samples alone (`melspectrogram(y=w)`, `mfcc(y=w, n_mfcc=20)`,
/// `chroma_stft(y=w)`). One STFT serves all three.
///
/// Reuses its buffers between calls: not thread-safe; make one per thread.
public final class FeatureExtractor {
    public let settings: FeatureSettings
    /// When true, `profile` accumulates the time spent in each stage.
    public var profiling = false
    public private(set) var profile = FeatureProfile()

    private let analyzer: FrameAnalyzer
    private let mel: Filterbank
    private let dct: [Double]
    private var chromaBanks: [UInt64: Filterbank] = [:]
    private var tracker: PitchTracker
    private var power: [Float] = []
    private var melFrames: [Float] = []

    public init(settings: FeatureSettings = FeatureSettings()) {
        self.settings = settings
        analyzer = FrameAnalyzer(parameters: settings.stft)
        mel = Filterbank.mel(sampleRate: settings.sampleRate, nFFT: settings.stft.nFFT, nMels: settings.nMels)
        dct = DCT.orthonormal(inputs: settings.nMels, outputs: settings.nMFCC)
        tracker = PitchTracker(bins: settings.stft.bins, sampleRate: settings.sampleRate)
    }

    /// The chroma filterbank for a tuning: looked up in this extractor's cache, then in the process-wide one
    /// (shared by all threads, so each bank is built once), keyed by the tuning's exact value.
    func chromaBank(tuning: Double) -> Filterbank {
        let key = ChromaBankKey(sampleRate: settings.sampleRate, nFFT: settings.stft.nFFT, nChroma: settings.nChroma,
                                tuning: tuning.bitPattern)
        if let bank = chromaBanks[key.tuning] { return bank }
        let bank = ChromaBankKey.shared(key, tuning: tuning)
        chromaBanks[key.tuning] = bank
        return bank
    }

    /// The feature vector (`settings.vectorLength` values) of one window of samples.
    public func vector(_ samples: ArraySlice<Float>) -> [Float] {
        var out = [Float](repeating: 0, count: settings.vectorLength)
        samples.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in compute(x, into: o.baseAddress!) }
        }
        return out
    }

    /// The feature vectors of every window of `samples`, concatenated (`ranges.count × vectorLength`, row-major).
    public func vectors(_ samples: [Float], windows ranges: [Range<Int>]) -> [Float] {
        let n = settings.vectorLength
        var out = [Float](repeating: 0, count: ranges.count * n)
        samples.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                for (i, r) in ranges.enumerated() {
                    compute(UnsafeBufferPointer(rebasing: x[r]), into: o.baseAddress! + i * n)
                }
            }
        }
        return out
    }

    private func compute(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let bins = settings.stft.bins, nMels = settings.nMels, nMFCC = settings.nMFCC, nChroma = settings.nChroma
        let frames = settings.stft.frameCount(samples: x.count)
        let vectorLength = settings.vectorLength
        out.update(repeating: 0, count: vectorLength)
        guard frames > 0 else { return }
        if power.count < frames * bins { power = [Float](repeating: 0, count: frames * bins) }
        if melFrames.count < frames * nMels { melFrames = [Float](repeating: 0, count: frames * nMels) }
        tracker.reset()
        var clock = StageClock(enabled: profiling)

        // 1. STFT → power spectrum, frame by frame (frame-major scratch: frames × bins).
        power.withUnsafeMutableBufferPointer { p in
            for t in 0..<frames {
                let spectrum = analyzer.transform(frame: t, of: x)
                ser_power_spectrum(bins, spectrum, p.baseAddress! + t * bins)
            }
        }
        profile.stft += clock.lap()
        profile.frames += frames

        // 2. Mel power per frame → means; power_to_db over the window (top_db relative to its maximum) → MFCC means.
        power.withUnsafeBufferPointer { p in
            melFrames.withUnsafeMutableBufferPointer { m in
                for t in 0..<frames { mel.apply(spectrum: p.baseAddress! + t * bins, into: m.baseAddress! + t * nMels) }
                var melSum = [Double](repeating: 0, count: nMels)
                var top = -Float.infinity
                for t in 0..<frames {
                    let row = m.baseAddress! + t * nMels
                    for b in 0..<nMels {
                        melSum[b] += Double(row[b])
                        let db = 10 * log10f(max(1e-10, row[b]))
                        row[b] = db
                        top = max(top, db)
                    }
                }
                let lowest = top - 80
                var dbMean = [Double](repeating: 0, count: nMels)
                for t in 0..<frames {
                    let row = m.baseAddress! + t * nMels
                    for b in 0..<nMels { dbMean[b] += Double(max(row[b], lowest)) }
                }
                for b in 0..<nMels {
                    out[b] = Float(melSum[b] / Double(frames))
                    dbMean[b] /= Double(frames)
                }
                // The DCT is linear: the mean of the MFCCs is the DCT of the mean log-mel spectrum.
                for k in 0..<nMFCC {
                    var acc = 0.0
                    for b in 0..<nMels { acc += dct[k * nMels + b] * dbMean[b] }
                    out[nMels + k] = Float(acc)
                }
            }
        }
        profile.mel += clock.lap()

        // 3. Tuning (piptrack on the power spectrogram), chroma filterbank, per-frame max normalisation → means.
        power.withUnsafeBufferPointer { p in
            let tuning: Double
            if let fixed = settings.tuning {
                tuning = fixed
            } else {
                for t in 0..<frames { tracker.add(frame: p.baseAddress! + t * bins) }
                tuning = tracker.tuning(binsPerOctave: nChroma)
            }
            let bank = chromaBank(tuning: tuning)
            var chromaSum = [Double](repeating: 0, count: nChroma)
            var frameChroma = [Float](repeating: 0, count: nChroma)
            bank.weights.values.withUnsafeBufferPointer { w in
                for t in 0..<frames {
                    let s = p.baseAddress! + t * bins
                    var peak: Float = 0
                    for c in 0..<nChroma {
                        let v = dot(w.baseAddress! + c * bins, s, bins)
                        frameChroma[c] = v
                        peak = max(peak, abs(v))
                    }
                    if peak < Float.leastNormalMagnitude { continue }
                    for c in 0..<nChroma { chromaSum[c] += Double(frameChroma[c] / peak) }
                }
            }
            for c in 0..<nChroma { out[nMels + nMFCC + c] = Float(chromaSum[c] / Double(frames)) }
        }
        profile.chroma += clock.lap()
    }
}

/// Chroma filterbanks shared between threads: building one costs ~25 000 `exp`, and a corpus needs at most a
/// hundred (tunings come in 0.01-bin steps).
struct ChromaBankKey: Hashable {
    var sampleRate: Int, nFFT: Int, nChroma: Int
    /// `Double.bitPattern` of the tuning.
    var tuning: UInt64

    private static let lock = Lock()
    nonisolated(unsafe) private static var banks: [ChromaBankKey: Filterbank] = [:]

    static func shared(_ key: ChromaBankKey, tuning: Double) -> Filterbank {
        if let bank = lock.withLock({ banks[key] }) { return bank }
        let bank = Filterbank.chroma(sampleRate: key.sampleRate, nFFT: key.nFFT, nChroma: key.nChroma, tuning: tuning)
        lock.withLock { banks[key] = bank }
        return bank
    }
}

/// A dot product of two float vectors with eight independent partial sums (SIMD), so the loop vectorizes.
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD8<Float>.zero
    var k = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while k + 8 <= n {
        acc += ra.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
        k += 8
    }
    var sum = acc.sum()
    while k < n {
        sum += a[k] * b[k]
        k += 1
    }
    return sum
}

/// Thread CPU time between laps (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`), or nothing when disabled.
struct StageClock {
    let enabled: Bool
    private var last: Double = 0

    init(enabled: Bool) {
        self.enabled = enabled
        if enabled { last = StageClock.now() }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Seconds since the previous lap (0 when disabled).
    mutating func lap() -> Double {
        guard enabled else { return 0 }
        let t = StageClock.now()
        defer { last = t }
        return t - last
    }
}

/// The cost of the FFTs alone, for profiles: how long `frames` forward transforms of `size` samples take on
/// this thread (timed on up to 20000 and scaled).
public enum FFTCost {
    public static func seconds(frames: Int, size: Int) -> Double {
        guard frames > 0 else { return 0 }
        let fft = DoubleFFT.forward(size: size)
        let input = DoubleFFT.Buffer(count: size), output = DoubleFFT.Buffer(count: 2 * fft.bins)
        let n = min(frames, 20000)
        var clock = StageClock(enabled: true)
        for i in 0..<n {
            input.pointer[i % size] = Double(i)
            fft.transform(input, into: output)
        }
        return clock.lap() * Double(frames) / Double(n)
    }
}
