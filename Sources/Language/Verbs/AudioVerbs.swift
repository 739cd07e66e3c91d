import Audio
import Support

/// Verbs on audio files: `load audio`, `load recordings`.
enum AudioVerbs {
    static var all: [Verb] { [loadAudio, loadRecordings] }

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

extension AudioVerbs {
    static let loadRecordings = Verb(
        "load recordings", summary: "Reads every audio file in a folder (searched recursively, sorted by path) as a list of signals, each loaded as `load audio` does and named by its path in the folder: your own recordings, for `predict` and `plot emotions`.",
        parameters: [
            Parameter("path", .path, positional: true, doc: "a folder (or one file)"),
            Parameter("rate", .frequency, default: .number(22050, .hertz), doc: "sample rate to resample to"),
        ],
        examples: [#"mine = load recordings "~/recordings""#], result: .list, scheduling: .immediate
    ) { call in
        let rate = call.number("rate")
        guard rate == rate.rounded(), rate >= 1000, rate <= 384_000 else {
            throw VerbFailure("sample rate must be a whole number of hertz in 1000…384000", argument: "rate")
        }
        let entries: [AudioFiles.Entry]
        do throws(AudioError) { entries = try AudioFiles.find([call.text("path")]) } catch { throw VerbFailure(error.description, argument: "path") }
        guard !entries.isEmpty else { throw VerbFailure("no audio files in \(call.text("path"))", argument: "path") }
        // The list's hash covers each file's name, size and modification time (as a corpus's does): a
        // recording changed in place, added or removed changes the hash of everything made from the list
        // (a `predict` shown from the cache would otherwise be stale).
        var text = call.resultHash.hex + "\n"
        for entry in entries { text += entry.name + fileStamp(entry.path) + "\n" }
        let listHash = ContentHash(of: text)
        var items: [Value] = []
        for (i, entry) in entries.enumerated() {
            try call.checkCancelled()
            call.progress("load recordings \(i + 1)/\(entries.count) files")
            do throws(AudioError) {
                let signal = try Audio.load(entry.path, sampleRate: Int(rate))
                items.append(Value(.signal(SignalValue(name: entry.name, signal: signal)), hash: ContentHash(of: listHash.hex + "[\(i)]")))
            } catch { throw VerbFailure(error.description, argument: "path") }
        }
        call.progress(nil)
        call.print("\(items.count) recording\(items.count == 1 ? "" : "s") from \(call.text("path"))")
        return .value(Value(.list(items), hash: listHash))
    }
}
