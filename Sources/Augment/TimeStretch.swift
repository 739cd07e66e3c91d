import Audio
import Features
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Time stretching without changing pitch, as `librosa.effects.time_stretch` (librosa 0.11).
public enum TimeStretch {
    /// The STFT framing librosa's effects use by default: `n_fft = 2048`, `hop_length = 512`, periodic Hann,
    /// centred with zero padding.
    public static let parameters = STFTParameters.librosa

    /// The output length for `n` input samples: `round(n / rate)` (Python's round: ties to even).
    public static func outputLength(inputLength n: Int, rate: Double) -> Int {
        Int((Double(n) / rate).rounded(.toNearestOrEven))
    }

    /// Stretches `samples` by `rate` (> 1 faster and shorter, < 1 slower and longer; pitch unchanged):
    /// STFT (2048 / 512) → `PhaseVocoder.stretch` → ISTFT cut or padded to `round(n / rate)` samples.
    /// The sample rate does not enter.
    public static func apply(_ samples: [Float], rate: Double) throws(AugmentError) -> [Float] {
        try Transform.stretch(rate: rate).validate()
        return try apply(analysis(samples), rate: rate)
    }

    /// An analyzed signal: its STFT's magnitudes and angles, reusable for several rates.
    public struct Analysis: Sendable {
        /// Samples in the analyzed signal.
        public let length: Int
        let vocoder: PhaseVocoder.Analysis
    }

    /// Analyzes `samples` once (STFT 2048 / 512, magnitudes and angles) for one or more `apply(_:rate:)` calls.
    public static func analysis(_ samples: [Float]) throws(AugmentError) -> Analysis {
        guard !samples.isEmpty else {
            throw AugmentError(.badSignal, "cannot time-stretch an empty signal")
        }
        return Analysis(length: samples.count, vocoder: PhaseVocoder.Analysis(samples: samples, parameters: parameters))
    }

    /// Stretches an analyzed signal by `rate`: the same samples as `apply(samples, rate:)`.
    public static func apply(_ analysis: Analysis, rate: Double) throws(AugmentError) -> [Float] {
        try Transform.stretch(rate: rate).validate()
        let stretched = analysis.vocoder.stretchedFrames(rate: rate)
        return STFT.inverse(frameMajorReal: stretched.real, imag: stretched.imag, frames: stretched.steps,
                            parameters: parameters, length: outputLength(inputLength: analysis.length, rate: rate))
    }

    /// Stretches a signal (same sample rate, `round(n / rate)` samples).
    public static func apply(_ signal: Signal, rate: Double) throws(AugmentError) -> Signal {
        Signal(samples: try apply(signal.samples, rate: rate), sampleRate: signal.sampleRate)
    }
}

/// Pitch shifting keeping the duration, as `librosa.effects.pitch_shift` (librosa 0.11, 12 bins per octave,
/// `res_type="soxr_hq"`, `scale=False`).
public enum PitchShift {
    /// Shifts `signal` by `semitones` (fractional and negative allowed, |n| ≤ 24): time-stretch by
    /// `rate = 2^(−n/12)`, resample with soxr HQ from `sr / rate` to `sr` Hz, then cut or zero-pad to the
    /// input's length.
    public static func apply(_ signal: Signal, semitones: Double) throws(AugmentError) -> Signal {
        try Transform.pitch(semitones: semitones).validate()
        guard !signal.samples.isEmpty else {
            throw AugmentError(.badSignal, "cannot pitch-shift an empty signal")
        }
        return try apply(signal, analysis: try TimeStretch.analysis(signal.samples), semitones: semitones)
    }

    /// Shifts `signal` whose STFT analysis is already at hand (`TimeStretch.analysis(signal.samples)`).
    public static func apply(_ signal: Signal, analysis: TimeStretch.Analysis, semitones: Double) throws(AugmentError) -> Signal {
        try Transform.pitch(semitones: semitones).validate()
        precondition(analysis.length == signal.samples.count, "pitch shift: the analysis is of another signal")
        let rate = pow(2.0, -semitones / 12)
        let stretched = try TimeStretch.apply(analysis, rate: rate)
        let sr = Double(signal.sampleRate)
        var shifted: [Float]
        do {
            shifted = try Resampler.resample(stretched, from: sr / rate, to: sr, quality: .high)
        } catch {
            throw AugmentError(.failed, "pitch shift: \(error.message)")
        }
        let n = signal.samples.count
        if shifted.count > n {
            shifted.removeSubrange(n...)
        } else if shifted.count < n {
            shifted.append(contentsOf: repeatElement(0, count: n - shifted.count))
        }
        return Signal(samples: shifted, sampleRate: signal.sampleRate)
    }
}
