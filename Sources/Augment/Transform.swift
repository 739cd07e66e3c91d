import Support
/// How much noise to add: relative to the signal's peak (the common Keras-era recipe) or at a target SNR.
public enum NoiseLevel: Sendable, Hashable {
    /// `amp = factor · U(0, 1) · max|x|`, then `y = x + amp · N(0, 1)` per sample: the recipe most SER
    /// notebooks copy (ser's `study` recipe uses factor 0.035). The uniform draw makes the level random per file.
    case peak(factor: Double)
    /// Gaussian noise scaled so that `10 · log10(mean(x²) / mean(noise²))` equals `decibels` exactly.
    case snr(decibels: Double)
}

/// One augmentation step.
public enum Transform: Sendable, Hashable {
    /// Additive Gaussian noise (seeded).
    case noise(NoiseLevel)
    /// Time stretch by `rate` without changing pitch (librosa.effects.time_stretch): `rate` > 1 speeds up,
    /// the output has `round(n / rate)` samples.
    case stretch(rate: Double)
    /// Pitch shift by `semitones` (may be fractional or negative) keeping the duration
    /// (librosa.effects.pitch_shift with 12 bins per octave).
    case pitch(semitones: Double)

    /// Allowed time-stretch rates: beyond these the phase vocoder's output is meaningless (or enormous).
    public static let rateRange: ClosedRange<Double> = 1.0 / 16 ... 16
    /// Allowed pitch shifts in semitones (two octaves either way).
    public static let semitoneLimit: Double = 24

    /// The transform's name as it appears in file names and in the `augmentation` attribute.
    public var name: String {
        switch self {
        case .noise: "noise"
        case .stretch: "stretch"
        case .pitch: "pitch"
        }
    }

    /// `key=value` as written in the `augment_params` attribute: `noise=0.035`, `noise_snr_db=20`,
    /// `stretch=0.8`, `pitch=-2`.
    public var parameter: String {
        switch self {
        case .noise(.peak(let factor)): "noise=\(formatNumber(factor))"
        case .noise(.snr(let decibels)): "noise_snr_db=\(formatNumber(decibels))"
        case .stretch(let rate): "stretch=\(formatNumber(rate))"
        case .pitch(let semitones): "pitch=\(formatNumber(semitones))"
        }
    }

    /// Parses one `key=value` of `augment_params` (the inverse of `parameter`).
    public init(parameter: String) throws(AugmentError) {
        let parts = parameter.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let value = Double(parts[1]) else {
            throw AugmentError(.badProvenance, "cannot read augmentation parameter '\(parameter)' (expected key=number)")
        }
        switch parts[0] {
        case "noise": self = .noise(.peak(factor: value))
        case "noise_snr_db": self = .noise(.snr(decibels: value))
        case "stretch": self = .stretch(rate: value)
        case "pitch": self = .pitch(semitones: value)
        default:
            throw AugmentError(.badProvenance, "unknown augmentation parameter '\(parts[0])' in '\(parameter)' (expected noise, noise_snr_db, stretch or pitch)")
        }
        try validate()
    }

    /// Checks the parameter's range; the error names the value.
    public func validate() throws(AugmentError) {
        switch self {
        case .noise(.peak(let factor)):
            guard factor.isFinite, factor > 0 else {
                throw AugmentError(.badParameter, "noise factor must be a positive number (got \(factor))")
            }
        case .noise(.snr(let decibels)):
            guard decibels.isFinite else {
                throw AugmentError(.badParameter, "noise SNR must be a finite number of dB (got \(decibels))")
            }
        case .stretch(let rate):
            guard rate.isFinite, rate > 0 else {
                throw AugmentError(.badParameter, "stretch rate must be a positive number (got \(rate))")
            }
            guard Transform.rateRange.contains(rate) else {
                throw AugmentError(.badParameter, "stretch rate \(rate) is out of range (allowed: 1/16 to 16)")
            }
        case .pitch(let semitones):
            guard semitones.isFinite, abs(semitones) <= Transform.semitoneLimit else {
                throw AugmentError(.badParameter, "pitch shift of \(semitones) semitones is out of range (allowed: -24 to 24)")
            }
        }
    }

    /// Position in the canonical order used for names and parameters: noise, stretch, pitch.
    var nameOrder: Int {
        switch self {
        case .noise: 0
        case .stretch: 1
        case .pitch: 2
        }
    }

    /// Position in the order transforms are applied: stretch, pitch, then noise (so the noise level refers to
    /// the final signal and the noise itself is never stretched or shifted).
    var applicationOrder: Int {
        switch self {
        case .stretch: 0
        case .pitch: 1
        case .noise: 2
        }
    }
}

/// A number as ser writes it in names and attributes: integers without a decimal point (`-2`), others in
/// Swift's shortest round-tripping form (`0.035`).
func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return "\(value)"
}
