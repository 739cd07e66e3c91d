import Audio
import Corpus
import Learn
import Support

/// `ser predict`'s whole job: load the model, find the recordings (files, folders, standard input), and
/// print every window and every verdict as they complete. The same `Predictor` as the `predict` verb.
public struct PredictJob: Sendable {
    /// A model saved by `ser train --out` or `save`.
    public var model: String
    /// Files and folders; `-` is standard input.
    public var audio: [String] = []
    /// Standard input is raw PCM (`rate`, `format`, `channels`), not WAV.
    public var raw = false
    public var rate = 16000
    /// Raw PCM encoding: one of `formats`.
    public var format = "s16le"
    public var channels = 1
    /// nil: the model's.
    public var window: Double?
    public var hop: Double?
    public var style = PredictionPrinter.Style.human

    public init(model: String) { self.model = model }

    /// The raw PCM encodings: u8, s16le, s24le, s32le, f32le, f64le.
    public static let formats = PCMFormat.allCases.map(\.rawValue)

    /// The model's card and layers, as `--info` prints them.
    public func info() throws(VerbFailure) -> [String] {
        let net = try load()
        do { return [try ModelCard(net).table.markdown(), "", net.summary().text] } catch {
            throw VerbFailure("\(model): \(error.message)", argument: "model")
        }
    }

    func load() throws(VerbFailure) -> Model {
        do { return try Model.load(from: model) } catch { throw VerbFailure(error.description, argument: "model") }
    }

    /// Runs the job: every line of results goes to `emit` as soon as it is known (a window when its last
    /// sample has arrived); notes for a script's reader go to `note` (with `--csv`/`--json`; a human table
    /// starts with them instead). Standard input is file descriptor `input`.
    public func run(input: Int32 = 0, emit: (String) -> Void, note: (String) -> Void) throws(VerbFailure) {
        let predictor: Predictor
        do { predictor = try Predictor(model: try load(), window: window, hop: hop) } catch let error as PredictionError {
            throw VerbFailure("\(model): \(error.message)", argument: "model")
        } catch { throw VerbFailure(userMessage(error), argument: "model") }

        // Inputs: standard input, files, folders; a corpus folder brings each file's labelled class.
        var inputs: [(name: String, path: String?, truth: String?)] = []
        let files = audio.filter { $0 != "-" }
        if !files.isEmpty {
            let corpus: Corpus?
            do { corpus = try Corpus.recognise(files, layout: nil, detectingFolders: false) } catch { throw VerbFailure(error.description, argument: "audio") }
            if let corpus {
                inputs = corpus.files.map { ($0.relativePath, $0.path, $0.emotion) }
                do { try predictor.check(labels: inputs.compactMap(\.truth), source: "the \(corpus.layout) corpus \(files[0])") } catch {
                    throw VerbFailure("\(model): \(error.message)", argument: "model")
                }
            } else {
                do { inputs = try AudioFiles.find(files).map { ($0.name, $0.path, nil) } } catch {
                    throw VerbFailure(error.description, argument: "audio")
                }
            }
        }
        if audio.contains("-") { inputs.insert(("stdin", nil, nil), at: audio.first == "-" ? 0 : inputs.count) }
        guard !inputs.isEmpty else { throw VerbFailure("no audio files found in \(files.joined(separator: ", "))", argument: "audio") }

        let printer = PredictionPrinter(style: style, classes: predictor.classes, files: inputs.map(\.name),
                                        truth: inputs.contains { $0.truth != nil }, demo: predictor.card.isDemo)
        // Notes (a demo-trained model, other windows than the training ones) head a human table; scripts get
        // them apart.
        for n in predictor.notes {
            if style == .human { emit("note: \(n)") } else { note("note: \(n)") }
        }
        printer.header().forEach(emit)
        var results: [FilePrediction] = []
        for item in inputs {
            do {
                let stream: WindowStream
                if let path = item.path {
                    let signal = try Audio.load(path, sampleRate: predictor.sampleRate)
                    stream = try predictor.stream(name: item.name, sampleRate: signal.sampleRate, truth: item.truth)
                    for w in try stream.push(signal.samples) { emit(printer.window(w, truth: item.truth)) }
                } else {
                    guard let encoding = PCMFormat(rawValue: format) else {
                        throw VerbFailure("format must be one of \(Self.formats.joined(separator: ", ")), not '\(format)'", argument: "format")
                    }
                    let pcm = raw
                        ? try PCMStream(raw: input, name: "standard input", format: encoding, sampleRate: rate, channels: channels)
                        : try PCMStream(wav: input, name: "standard input")
                    stream = try predictor.stream(name: item.name, sampleRate: pcm.sampleRate)
                    while let samples = try pcm.next() {
                        for w in try stream.push(samples) { emit(printer.window(w, truth: nil)) }
                    }
                }
                for w in try stream.finish() { emit(printer.window(w, truth: item.truth)) }
                emit(printer.file(stream.result))
                results.append(stream.result)
            } catch let error as AudioError {
                throw VerbFailure(error.description, argument: "audio")
            } catch let error as PredictionError {
                throw VerbFailure(error.message, argument: "audio")
            } catch let error as VerbFailure {
                throw error
            } catch {
                throw VerbFailure(userMessage(error), argument: "audio")
            }
        }
        if style == .human && results.count > 1 {
            emit("")
            emit(PredictionFormat.fileTable(results, classes: predictor.classes).markdown())
        }
    }
}
