import ArgumentParser
import Language
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ser features`: the 160-value vectors for every 2-second window of every audio file (`FeaturesJob`).
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Compute librosa-compatible features (128 mel + 20 MFCC + 12 chroma means) per window.",
        discussion: """
        Each file is loaded as librosa.load does (mono, soxr HQ to --sr Hz) and cut into windows of --window \
        seconds every --hop seconds (a trailing piece shorter than a window is dropped; a file shorter than a \
        window gives one window). Each window gives 160 values: the time means of librosa's mel spectrogram \
        (128 bands, power), MFCCs (20) and chroma_stft (12), with librosa 0.11's defaults (n_fft 2048, hop 512).

        Writes PREFIX.npy (float32, windows × 160; numpy.load reads it) and PREFIX.csv (index, file, window, \
        start_s, end_s: one line per row of the .npy). Folders are searched recursively for audio files \
        (extensions libsndfile reads), taken in sorted relative-path order; `file` is the path relative to \
        the folder given, or the path as given for a file.

        When the one folder given is a corpus, the CSV also gets the columns corpus, speaker, gender, sentence, \
        emotion, intensity, and files whose names do not fit the layout are listed and left out. The layout is \
        detected as the language's `load corpus` detects it (EMOVO, RAVDESS or CREMA-D from the file names, \
        else one folder per label when most files lie one folder deep), or named with --layout.

        Examples:
          ser features corpus/ --out build/feats
          ser features a.wav b.flac --out feats --window 3 --hop 1.5 --threads 2
        """
    )

    @Argument(help: "Audio files and folders (searched recursively).")
    var paths: [String]

    @Option(help: ArgumentHelp("Output prefix: writes PREFIX.npy and PREFIX.csv.", valueName: "PREFIX"))
    var out: String

    // Numbers are parsed unconditionally, so `--window -1` is checked as a number ("must be positive"), not
    // taken for an option ("missing value").
    @Option(parsing: .unconditional, help: ArgumentHelp("Window length in seconds.", valueName: "seconds"))
    var window: Double = 2

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds between window starts.", valueName: "seconds"))
    var hop: Double = 2

    @Option(parsing: .unconditional, help: ArgumentHelp("Analysis sample rate in Hz (librosa.load's default).", valueName: "Hz"))
    var sr: Int = 22050

    @Option(parsing: .unconditional, help: ArgumentHelp("Worker threads (default: one per core).", valueName: "N"))
    var threads: Int?

    @Option(help: ArgumentHelp(
        "Corpus layout of the folder: emovo, ravdess, cremad or folders (default: detected, as `load corpus` does).",
        valueName: "layout"))
    var layout: String?

    @Option(help: ArgumentHelp("RAVDESS calm files: drop (default) or neutral (merged into neutral).", valueName: "drop|neutral"))
    var calm: String = "drop"

    @Flag(help: "Report files that cannot be read, skip them and go on (exit status 0).")
    var skipBad = false

    @Flag(help: .hidden)
    var profile = false

    var job: FeaturesJob {
        var job = FeaturesJob(paths: paths, out: out)
        job.window = window
        job.hop = hop
        job.sampleRate = sr
        job.threads = threads
        job.layout = layout
        job.calm = calm
        job.skipBad = skipBad
        job.profile = profile
        return job
    }

    func validate() throws {
        do { try job.validate() } catch { throw ValidationError("--" + error.message) }
    }

    func run() throws {
        Cancellation.installInterruptHandler(secondInterruptExits: true)
        let bar = ProgressBar(label: "ser features", enabled: Output.isTerminal)
        let lines = try Failure.reporting("features") {
            defer { bar.finish() }
            return try job.run(note: { Output.note("features", $0) }, progress: { done, total in bar.update(done, total) })
        }
        for line in lines { Output.line(line) }
    }
}

/// A one-line progress bar on stderr, redrawn at most ten times a second; silent when disabled (not a TTY).
final class ProgressBar: @unchecked Sendable {
    let label: String
    let enabled: Bool
    private var last = ContinuousClock.now
    private var drawn = false

    init(label: String, enabled: Bool) {
        self.label = label
        self.enabled = enabled
    }

    /// Called in order from the run (serialized by it).
    func update(_ done: Int, _ total: Int) {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard done == total || !drawn || now - last >= .milliseconds(100) else { return }
        last = now
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        Output.progress("\(label) [\(bar)] \(done)/\(total) files")
        drawn = true
    }

    func finish() {
        guard enabled, drawn else { return }
        Output.clearProgress()
    }
}
