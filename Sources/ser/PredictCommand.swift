import ArgumentParser
import Audio
import Corpus
import Language
import Learn
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ser predict`: the emotion in every window of every recording, with every class's probability, and each
/// recording's verdict — from files, folders, or standard input as it arrives.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify recordings with a trained model: every window's class probabilities and each file's verdict.",
        discussion: """
        MODEL is a model saved by `ser train --out` or the language's `save`. Its card (in the file) says which \
        features it takes; each recording is loaded at that sample rate (as librosa.load), cut into the windows \
        it was trained on (or --window/--hop), and every window's features go through the model. Output per \
        window: file, window, start, end, predicted class and every class's probability; per file: the class \
        of the highest mean probability and that mean (its confidence).

        `-` reads standard input: a WAV stream, or raw PCM with --raw (--rate, --format, --channels). Windows \
        are printed as soon as they are complete, so a microphone can be classified live:
          arecord -q -t raw -f S16_LE -r 16000 -c 1 | ser predict model.safetensors - --raw --rate 16000

        A folder in a known corpus layout (EMOVO, RAVDESS, CREMA-D) adds each file's labelled class (a `true` \
        column); a model that does not know those classes is refused, as is a model whose card names features \
        ser cannot compute.

        Examples:
          ser predict models/emovo.safetensors me.wav
          ser predict models/emovo.safetensors recordings/ --csv > predictions.csv
          ser predict --info models/emovo.safetensors
        """
    )

    @Argument(help: ArgumentHelp("A model saved by `ser train --out` or `save`.", valueName: "MODEL"))
    var model: String

    @Argument(help: ArgumentHelp("Audio files and folders (searched recursively); - for standard input.", valueName: "AUDIO"))
    var audio: [String] = []

    @Flag(help: "Print the model's card (training data, features, windows, classes, test result) and layers, then stop.")
    var info = false

    @Flag(help: "Standard input is raw PCM (see --rate, --format, --channels), not WAV.")
    var raw = false

    @Option(help: ArgumentHelp("Raw PCM: sample rate in Hz.", valueName: "Hz"))
    var rate: Int = 16000

    @Option(help: ArgumentHelp("Raw PCM: sample encoding, \(PCMFormat.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "format"))
    var format: String = "s16le"

    @Option(help: ArgumentHelp("Raw PCM: interleaved channels (mixed to mono).", valueName: "N"))
    var channels: Int = 1

    @Option(help: ArgumentHelp("Window length in seconds (default: the model's).", valueName: "seconds"))
    var window: Double?

    @Option(help: ArgumentHelp("Seconds between window starts (default: the model's).", valueName: "seconds"))
    var hop: Double?

    @Flag(help: "Print CSV: a header, then one line per window (kind=window) and per file (kind=file).")
    var csv = false

    @Flag(help: "Print JSON lines: one object per window and per file.")
    var json = false

    func validate() throws {
        guard !(csv && json) else { throw ValidationError("--csv and --json cannot be combined") }
        guard info || !audio.isEmpty else { throw ValidationError("give audio files, folders or - (standard input), or --info") }
        guard audio.filter({ $0 == "-" }).count <= 1 else { throw ValidationError("- (standard input) can be given once") }
        guard PCMFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be one of \(PCMFormat.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(format)')")
        }
        guard (1000...384_000).contains(rate) else { throw ValidationError("--rate must be 1000…384000 Hz (got \(rate))") }
        guard (1...64).contains(channels) else { throw ValidationError("--channels must be 1…64 (got \(channels))") }
        if raw, !audio.contains("-") { throw ValidationError("--raw describes standard input: give - among the inputs") }
        if let window, !(window > 0 && window <= 3600) { throw ValidationError("--window must be in (0, 3600] seconds (got \(window))") }
        if let hop, !(hop > 0 && hop <= 3600) { throw ValidationError("--hop must be in (0, 3600] seconds (got \(hop))") }
    }

    func run() throws {
        let net: Model
        do { net = try Model.load(from: model) } catch { throw fail(error.description) }
        if info {
            do {
                let card = try ModelCard(net)
                print(card.table.markdown())
                print("")
                print(net.summary().text)
            } catch { throw fail("\(model): \(error.message)") }
            return
        }
        let predictor: Predictor
        do { predictor = try Predictor(model: net, window: window, hop: hop) } catch { throw fail("\(model): \(error.message)") }

        // Inputs: standard input, files, folders; a corpus folder brings each file's labelled class.
        var inputs: [(name: String, path: String?, truth: String?)] = []
        let files = audio.filter { $0 != "-" }
        var corpus: Corpus?
        if !files.isEmpty {
            do { corpus = try Corpus.recognise(files, layout: nil) } catch { throw fail(error.description) }
            if let corpus {
                inputs = corpus.files.map { ($0.relativePath, $0.path, $0.emotion) }
                do { try predictor.check(labels: inputs.compactMap(\.truth), source: "the \(corpus.layout) corpus \(files[0])") } catch {
                    throw fail("\(model): \(error.message)")
                }
            } else {
                do { inputs = try AudioFiles.find(files).map { ($0.name, $0.path, nil) } } catch { throw fail(error.description) }
            }
        }
        if audio.contains("-") { inputs.insert(("stdin", nil, nil), at: audio.firstIndex(of: "-") == 0 ? 0 : inputs.count) }
        guard !inputs.isEmpty else { throw fail("no audio files found in \(files.joined(separator: ", "))") }

        let style: PredictionPrinter.Style = csv ? .csv : json ? .json : .human
        let printer = PredictionPrinter(style: style, classes: predictor.classes, files: inputs.map(\.name),
                                        truth: inputs.contains { $0.truth != nil }, demo: predictor.card.isDemo)
        func emit(_ line: String) {
            print(line)
            fflush(nil)
        }
        // Notes (a demo-trained model, other windows than the training ones) head a human table; scripts get
        // them on standard error.
        for note in predictor.notes {
            if style == .human { emit("note: \(note)") } else { writeStandardError("ser predict: note: \(note)\n") }
        }
        printer.header().forEach(emit)
        var results: [FilePrediction] = []
        for input in inputs {
            do {
                let stream: WindowStream
                if let path = input.path {
                    let signal = try Audio.load(path, sampleRate: predictor.sampleRate)
                    stream = try predictor.stream(name: input.name, sampleRate: signal.sampleRate, truth: input.truth)
                    for w in try stream.push(signal.samples) { emit(printer.window(w, truth: input.truth)) }
                } else {
                    let pcm = raw
                        ? try PCMStream(raw: 0, name: "standard input", format: PCMFormat(rawValue: format)!, sampleRate: rate, channels: channels)
                        : try PCMStream(wav: 0, name: "standard input")
                    stream = try predictor.stream(name: input.name, sampleRate: pcm.sampleRate)
                    while let samples = try pcm.next() {
                        for w in try stream.push(samples) { emit(printer.window(w, truth: nil)) }
                    }
                }
                for w in try stream.finish() { emit(printer.window(w, truth: input.truth)) }
                emit(printer.file(stream.result))
                results.append(stream.result)
            } catch let error as AudioError {
                throw fail(error.description)
            } catch let error as PredictionError {
                throw fail(error.message)
            }
        }
        if style == .human && results.count > 1 {
            emit("")
            emit(PredictionFormat.fileTable(results, classes: predictor.classes).markdown())
        }
    }

    /// Prints `ser predict: error: message` on stderr; throw the result to exit with status 1.
    func fail(_ message: String) -> ExitCode {
        writeStandardError("ser predict: error: \(message)\n")
        return ExitCode.failure
    }
}
