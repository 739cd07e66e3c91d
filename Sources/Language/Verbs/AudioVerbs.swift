import Audio
import Support

/// Verbs on audio files: `load audio`.
enum AudioVerbs {
    static var all: [Verb] { [loadAudio] }

    static let loadAudio = Verb(
        "load audio", summary: "Reads one audio file as librosa.load does: decoded, mixed to mono, resampled (soxr HQ).",
        parameters: [
            Parameter("path", .path, positional: true, doc: "a WAV, FLAC or other file libsndfile reads"),
            Parameter("rate", .frequency, default: .number(22050, .hertz), doc: "sample rate to resample to"),
        ],
        examples: [#"x = load audio "speech.wav""#, #"x = load audio "speech.wav" rate=16kHz"#], result: .signal, scheduling: .immediate
    ) { call in
        let path = call.text("path")
        let rate = call.number("rate")
        guard rate == rate.rounded(), rate >= 1000, rate <= 384_000 else {
            throw VerbFailure("sample rate must be a whole number of hertz in 1000…384000", argument: "rate")
        }
        do {
            let signal = try Audio.load(path, sampleRate: Int(rate))
            return call.make(.signal(SignalValue(name: path, signal: signal)))
        } catch {
            throw VerbFailure(userMessage(error), argument: "path")
        }
    }
}
