/// Loads an audio file as `librosa.load` does: decode, mix to mono (mean of channels), resample with
/// soxr HQ to `sampleRate` (librosa's default 22050 Hz; `nil` keeps the file's own rate).
public func load(_ path: String, sampleRate: Int? = 22050) throws(AudioError) -> Signal {
    let contents = try SoundFile.read(path)
    var mono = contents.mono()
    var rate = contents.sampleRate
    if let target = sampleRate, target != rate {
        do { mono = try Resampler.resample(mono, from: rate, to: target) } catch {
            throw AudioError(error.code, path: path, error.message)
        }
        rate = target
    }
    return Signal(samples: mono, sampleRate: rate)
}
