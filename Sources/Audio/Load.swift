import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads an audio file as `librosa.load` does: decode, mix to mono (mean of channels), resample with
/// soxr HQ to `sampleRate` (librosa's default 22050 Hz; `nil` keeps the file's own rate), with librosa's
/// output length `ceil(frames * sampleRate / fileRate)`.
public func load(_ path: String, sampleRate: Int? = 22050, maxSeconds: Double? = nil) throws(AudioError) -> Signal {
    var profile = LoadProfile()
    return try load(path, sampleRate: sampleRate, profile: &profile, maxSeconds: maxSeconds)
}

/// The longest file `ser augment` and `ser plot` take, in seconds (10 minutes): both hold whole-file
/// transforms (a phase vocoder's STFT, a spectrogram image), which grow with the length. `ser features`
/// streams files of any length.
public let longestWholeFileSeconds = 600.0

/// `load(_:sampleRate:)`, adding the thread CPU time it spends decoding (with the mono mix) and resampling to
/// `profile`.
///
/// With a `session` (one per thread), soxr converters are reused across files; the samples are the same.
///
/// `maxSeconds` refuses longer files (by their header, before decoding them) with a `tooLong` error: commands
/// that hold whole transforms of a file (augment, plot) set it.
public func load(_ path: String, sampleRate: Int? = 22050, profile: inout LoadProfile,
                 session: Resampler.Session? = nil, maxSeconds: Double? = nil) throws(AudioError) -> Signal {
    if let target = sampleRate, !sampleRates.contains(target) {
        throw AudioError(.badParameter, "sample rate \(target) Hz is out of range: ser resamples to \(sampleRates.lowerBound)…\(sampleRates.upperBound) Hz")
    }
    let t0 = LoadProfile.now()
    let contents = try SoundFile.read(path, maxSeconds: maxSeconds)
    if let target = sampleRate {
        let out = Double(contents.frames) * Double(target) / Double(contents.sampleRate)
        guard out <= Double(SoundFile.maxSamples) else {
            throw AudioError(.tooLong, path: path, "too long to hold in memory at \(target) Hz (\(Int(out)) samples; at most \(SoundFile.maxSamples))")
        }
    }
    var mono = contents.mono()
    var rate = contents.sampleRate
    let t1 = LoadProfile.now()
    profile.decode += t1 - t0
    if let target = sampleRate, target != rate {
        do {
            if let session {
                mono = try session.resample(mono, from: rate, to: target)
            } else {
                mono = try Resampler.resample(mono, from: rate, to: target)
            }
        } catch {
            throw AudioError(error.code, path: path, error.message)
        }
        rate = target
        profile.resample += LoadProfile.now() - t1
    }
    return Signal(samples: mono, sampleRate: rate)
}

/// The sample rates ser resamples to, in Hz (the language's `rate=` and the CLI's `--sr`).
public let sampleRates = 1000...384_000

/// Seconds of thread CPU time spent loading audio.
public struct LoadProfile: Sendable, Equatable {
    /// Reading and decoding the file, and mixing to mono.
    public var decode: Double = 0
    /// Sample-rate conversion.
    public var resample: Double = 0

    public init() {}

    /// `clock_gettime(CLOCK_THREAD_CPUTIME_ID)` in seconds.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
