import ArgumentParser
import Language

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

    @Option(help: ArgumentHelp("Raw PCM: sample encoding, \(PredictJob.formats.joined(separator: ", ")).", valueName: "format"))
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
        guard PredictJob.formats.contains(format) else {
            throw ValidationError("--format must be one of \(PredictJob.formats.joined(separator: ", ")) (got '\(format)')")
        }
        guard (1000...384_000).contains(rate) else { throw ValidationError("--rate must be 1000…384000 Hz (got \(rate))") }
        guard (1...64).contains(channels) else { throw ValidationError("--channels must be 1…64 (got \(channels))") }
        if raw, !audio.contains("-") { throw ValidationError("--raw describes standard input: give - among the inputs") }
        if let window, !(window > 0 && window <= 3600) { throw ValidationError("--window must be in (0, 3600] seconds (got \(window))") }
        if let hop, !(hop > 0 && hop <= 3600) { throw ValidationError("--hop must be in (0, 3600] seconds (got \(hop))") }
    }

    func run() throws {
        var job = PredictJob(model: model)
        job.audio = audio
        job.raw = raw
        job.rate = rate
        job.format = format
        job.channels = channels
        job.window = window
        job.hop = hop
        job.style = csv ? .csv : json ? .json : .human
        try Failure.reporting("predict") {
            if info {
                for line in try job.info() { Output.line(line) }
                return
            }
            try job.run(emit: Output.line, note: { Output.note("predict", $0) })
        }
    }
}
