import ArgumentParser
import Audio
import Corpus
import Features
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ser features`: the study's 160-value vectors for every 2-second window of every audio file.
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

        When the one folder given is a corpus (EMOVO, RAVDESS or CREMA-D, detected from its file names, or \
        any layout named with --layout), the CSV also gets the columns corpus, speaker, gender, sentence, \
        emotion, intensity, and files whose names do not fit the layout are listed and left out.

        Examples:
          ser features corpus/ --out build/feats
          ser features a.wav b.flac --out feats --window 3 --hop 1.5 --threads 2
        """
    )

    @Argument(help: "Audio files and folders (searched recursively).")
    var paths: [String]

    @Option(help: ArgumentHelp("Output prefix: writes PREFIX.npy and PREFIX.csv.", valueName: "PREFIX"))
    var out: String

    @Option(help: ArgumentHelp("Window length in seconds.", valueName: "seconds"))
    var window: Double = 2

    @Option(help: ArgumentHelp("Seconds between window starts.", valueName: "seconds"))
    var hop: Double = 2

    @Option(help: ArgumentHelp("Analysis sample rate in Hz (librosa.load's default).", valueName: "Hz"))
    var sr: Int = 22050

    @Option(help: ArgumentHelp("Worker threads (default: one per core).", valueName: "N"))
    var threads: Int?

    @Option(help: ArgumentHelp(
        "Corpus layout of the folder: emovo, ravdess, cremad or folders (default: detected for the first three).",
        valueName: "layout"))
    var layout: String?

    @Option(help: ArgumentHelp("RAVDESS calm files: drop (default) or neutral (merged into neutral).", valueName: "drop|neutral"))
    var calm: String = "drop"

    @Flag(help: "Report files that cannot be read, skip them and go on (exit status 0).")
    var skipBad = false

    @Flag(help: .hidden)
    var profile = false

    func validate() throws {
        guard window > 0, window.isFinite else { throw ValidationError("--window must be a positive number of seconds (got \(window))") }
        guard hop > 0, hop.isFinite else { throw ValidationError("--hop must be a positive number of seconds (got \(hop))") }
        guard (1000...384_000).contains(sr) else { throw ValidationError("--sr must be between 1000 and 384000 Hz (got \(sr))") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads))") }
        if let layout, Layout(rawValue: layout) == nil {
            throw ValidationError("--layout must be emovo, ravdess, cremad or folders (got '\(layout)')")
        }
        guard CalmHandling(rawValue: calm) != nil else { throw ValidationError("--calm must be drop or neutral (got '\(calm)')") }
    }

    func run() throws {
        let corpus: Corpus?
        do {
            corpus = try Corpus.recognise(paths, layout: layout.flatMap(Layout.init(rawValue:)),
                                          calm: CalmHandling(rawValue: calm) ?? .drop)
        } catch {
            writeStandardError("ser features: error: \(error.description)\n")
            throw ExitCode.failure
        }
        let entries: [AudioFiles.Entry]
        let items: [FeatureRun.Item]
        if let corpus {
            entries = corpus.files.map { AudioFiles.Entry(path: $0.path, name: $0.relativePath) }
            items = corpus.files.map {
                FeatureRun.Item(source: .file($0.path), name: $0.relativePath, attributes: $0.metadata)
            }
            writeStandardError("ser features: \(corpus.layout) corpus, \(corpus.files.count) files\n")
            for w in corpus.warnings { writeStandardError("ser features: note: \(w)\n") }
            for p in corpus.problems { writeStandardError("ser features: left out \(p)\n") }
        } else {
            do { entries = try AudioFiles.find(paths) } catch {
                writeStandardError("ser features: error: \(error.description)\n")
                throw ExitCode.failure
            }
            items = entries.map { FeatureRun.Item($0) }
        }
        guard !entries.isEmpty else {
            writeStandardError("ser features: error: no audio files found in \(paths.joined(separator: ", "))\n")
            throw ExitCode.failure
        }
        let cores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let job = FeatureRun(settings: FeatureSettings(sampleRate: sr), windowing: Windowing(length: window, hop: hop),
                             threads: threads ?? cores, skipBad: skipBad, profiling: profile)
        do { try Files.makeParentDirectories(of: out) } catch {
            writeStandardError("ser features: error: \(error)\n")
            throw ExitCode.failure
        }
        let bar = ProgressBar(label: "ser features", enabled: isatty(2) == 1)
        let report: FeatureRun.Report
        do {
            report = try job.write(items, to: out) { done, total in bar.update(done, total) }
        } catch {
            bar.finish()
            writeStandardError("ser features: error: \(error.message)\n")
            let isInput = entries.contains { $0.name == error.name }
            writeStandardError("ser features: nothing written\(isInput ? "; --skip-bad skips files that cannot be read" : "")\n")
            throw ExitCode.failure
        }
        bar.finish()
        for failure in report.failures { writeStandardError("ser features: skipped \(failure.message)\n") }
        let good = report.items - report.failures.count
        print("wrote \(out).npy (\(report.windows) × \(job.settings.vectorLength), float32) and \(out).csv: "
              + "\(report.windows) windows from \(good) files"
              + (report.failures.isEmpty ? "" : " (\(report.failures.count) skipped)")
              + " in \(format(report.wall)) s with \(report.threads) thread\(report.threads == 1 ? "" : "s")")
        if profile { printProfile(report) }
    }

    /// The hidden --profile breakdown: CPU seconds per stage summed over threads, and the cost of the FFTs alone.
    func printProfile(_ r: FeatureRun.Report) {
        let stages: [(String, Double)] = [
            ("decode (libsndfile + mono mix)", r.load.decode),
            ("resample (soxr HQ)", r.load.resample),
            ("STFT (window + FFT + power)", r.features.stft),
            ("mel + power_to_db + DCT", r.features.mel),
            ("tuning + chroma", r.features.chroma),
        ]
        let total = stages.reduce(0) { $0 + $1.1 }
        print("profile: wall \(format(r.wall)) s, \(r.threads) thread(s), stage CPU total \(format(total)) s")
        for (name, seconds) in stages {
            print("  \(name.padding(32)) \(format(seconds)) s  \(format(100 * seconds / max(total, 1e-12), digits: 1))%")
        }
        let fftAlone = FFTCost.seconds(frames: r.features.frames, size: job.settings.stft.nFFT)
        let floor = r.load.decode + r.load.resample + fftAlone
        print("  FFTs alone (\(r.features.frames) frames of \(job.settings.stft.nFFT))  \(format(fftAlone)) s")
        print("  decode + resample + FFT alone     \(format(floor)) s = \(format(100 * floor / max(total, 1e-12), digits: 1))% of the stage total")
    }

    var job: FeatureRun { FeatureRun(settings: FeatureSettings(sampleRate: sr)) }

    func format(_ x: Double, digits: Int = 3) -> String {
        var s = String(Int((x * pow(10, Double(digits))).rounded()))
        while s.count <= digits { s = "0" + s }
        s.insert(".", at: s.index(s.endIndex, offsetBy: -digits))
        return s
    }
}

/// Writes text to standard error (file descriptor 2, unbuffered).
func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { return }
        offset += n
    }
}

/// A one-line progress bar on stderr, redrawn at most ten times a second; silent when disabled (not a TTY).
final class ProgressBar: @unchecked Sendable {
    let label: String
    let enabled: Bool
    private var last = 0.0
    private var drawn = false

    init(label: String, enabled: Bool) {
        self.label = label
        self.enabled = enabled
    }

    /// Called in order from the run (serialized by it).
    func update(_ done: Int, _ total: Int) {
        guard enabled else { return }
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let now = Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
        guard done == total || now - last >= 0.1 else { return }
        last = now
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        writeStandardError("\r\(label) [\(bar)] \(done)/\(total) files")
        drawn = true
    }

    func finish() {
        guard enabled, drawn else { return }
        writeStandardError("\r\u{1B}[2K")
    }
}
