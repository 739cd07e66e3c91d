import Audio
import Corpus
import Features
import Foundation
import Support

/// `ser features`' job: the study's 160-value vectors for every window of every audio file, streamed to
/// PREFIX.npy and PREFIX.csv (`FeatureRun.write`; the `features` verb runs the same extractor in memory).
public struct FeaturesJob: Sendable {
    /// Audio files and folders (searched recursively).
    public var paths: [String]
    /// Output prefix: PREFIX.npy and PREFIX.csv.
    public var out: String
    /// Window length and hop in seconds (the `features` verb's `window=` and `hop=`).
    public var window = 2.0
    public var hop = 2.0
    /// Analysis sample rate in Hz (librosa.load's default).
    public var sampleRate = 22050
    /// Worker threads; nil: one per core (the session's default).
    public var threads: Int?
    /// Corpus layout of the one folder given (emovo, ravdess, cremad, folders); nil: detected.
    public var layout: String?
    /// RAVDESS calm files: drop or neutral.
    public var calm = "drop"
    /// Skip files that cannot be read instead of stopping.
    public var skipBad = false
    /// Report CPU time per stage.
    public var profile = false

    public init(paths: [String], out: String) {
        self.paths = paths
        self.out = out
    }

    /// Checks the options; each message starts with the option's name.
    public func validate() throws(VerbFailure) {
        guard window > 0, window.isFinite else { throw VerbFailure("window must be a positive number of seconds (got \(window))", argument: "window") }
        guard hop > 0, hop.isFinite else { throw VerbFailure("hop must be a positive number of seconds (got \(hop))", argument: "hop") }
        if let (argument, message) = Windowing.problem(length: window, hop: hop) { throw VerbFailure(message, argument: argument) }
        guard (1000...384_000).contains(sampleRate) else { throw VerbFailure("sr must be between 1000 and 384000 Hz (got \(sampleRate))", argument: "sr") }
        if let threads, threads < 1 { throw VerbFailure("threads must be at least 1 (got \(threads))", argument: "threads") }
        if let layout, Layout(rawValue: layout) == nil {
            throw VerbFailure("layout must be emovo, ravdess, cremad or folders (got '\(layout)')", argument: "layout")
        }
        guard CalmHandling(rawValue: calm) != nil else { throw VerbFailure("calm must be drop or neutral (got '\(calm)')", argument: "calm") }
    }

    /// Runs the job: `note` gets lines for stderr (corpus found, files left out or skipped), `progress` (files
    /// done, files in total) in order, and the returned lines are the results for stdout. Nothing is written
    /// when the run fails or is stopped: `cancellation` (Ctrl-C) stops it at the next file.
    public func run(cancellation: Cancellation = .shared, note: (String) -> Void,
                    progress: @escaping @Sendable (Int, Int) -> Void) throws(VerbFailure) -> [String] {
        try validate()
        let corpus: Corpus?
        do {
            corpus = try Corpus.recognise(paths, layout: layout.flatMap(Layout.init(rawValue:)),
                                          calm: CalmHandling(rawValue: calm) ?? .drop)
        } catch { throw VerbFailure(error.description, argument: "paths") }
        let names: [String]
        let items: [FeatureRun.Item]
        if let corpus {
            names = corpus.files.map(\.relativePath)
            items = corpus.files.map { FeatureRun.Item(source: .file($0.path), name: $0.relativePath, attributes: $0.metadata) }
            note("\(corpus.layout) corpus, \(corpus.files.count) files")
            for w in corpus.warnings { note("note: \(w)") }
            for p in corpus.problems { note("left out \(p)") }
        } else {
            let entries: [AudioFiles.Entry]
            var notes: [String] = []
            do { entries = try AudioFiles.find(paths, notes: &notes) } catch { throw VerbFailure(error.description, argument: "paths") }
            for n in notes { note("note: \(n)") }
            names = entries.map(\.name)
            items = entries.map { FeatureRun.Item($0) }
        }
        guard !items.isEmpty else { throw VerbFailure("no audio files found in \(paths.joined(separator: ", "))", argument: "paths") }
        var run = FeatureRun(settings: FeatureSettings(sampleRate: sampleRate), windowing: Windowing(length: window, hop: hop),
                             threads: threads ?? availableCores, skipBad: skipBad, profiling: profile)
        // The table's recipe (PREFIX.json) names the corpus and whether it is a synthetic demo.
        run.corpus = corpus?.layout.rawValue
        run.demo = corpus?.isSyntheticDemo ?? false
        run.isCancelled = { cancellation.isRequested }
        do { try Files.makeParentDirectories(of: out) } catch { throw VerbFailure(error.description, argument: "out") }
        let report: FeatureRun.Report
        do { report = try run.write(items, to: out, progress: progress) } catch {
            if error.isCancellation { throw VerbFailure(error.message + "; nothing written") }
            let isInput = names.contains(error.name) && !skipBad
            throw VerbFailure(error.message + "; nothing written" + (isInput ? "; --skip-bad skips files that cannot be read" : ""))
        }
        for failure in report.failures { note("skipped \(failure.message)") }
        let good = report.items - report.failures.count
        var lines = ["wrote \(out).npy (\(report.windows) × \(run.settings.vectorLength), float32) and \(out).csv: "
                     + "\(report.windows) windows from \(good) files"
                     + (report.failures.isEmpty ? "" : " (\(report.failures.count) skipped)")
                     + " in \(Self.format(report.wall)) s with \(report.threads) thread\(report.threads == 1 ? "" : "s")"]
        if profile { lines += Self.profile(report, settings: run.settings) }
        return lines
    }

    /// The hidden --profile breakdown: CPU seconds per stage summed over threads, and the cost of the FFTs alone.
    static func profile(_ r: FeatureRun.Report, settings: FeatureSettings) -> [String] {
        let stages: [(String, Double)] = [
            ("decode (libsndfile + mono mix)", r.load.decode),
            ("resample (soxr HQ)", r.load.resample),
            ("STFT (window + FFT + power)", r.features.stft),
            ("mel + power_to_db + DCT", r.features.mel),
            ("tuning + chroma", r.features.chroma),
        ]
        let total = stages.reduce(0) { $0 + $1.1 }
        var lines = ["profile: wall \(format(r.wall)) s, \(r.threads) thread(s), stage CPU total \(format(total)) s"]
        for (name, seconds) in stages {
            let padded = name + String(repeating: " ", count: max(0, 32 - name.count))
            lines.append("  \(padded) \(format(seconds)) s  \(format(100 * seconds / max(total, 1e-12), digits: 1))%")
        }
        let fftAlone = FFTCost.seconds(frames: r.features.frames, size: settings.stft.nFFT)
        let floor = r.load.decode + r.load.resample + fftAlone
        lines.append("  FFTs alone (\(r.features.frames) frames of \(settings.stft.nFFT))  \(format(fftAlone)) s")
        lines.append("  decode + resample + FFT alone     \(format(floor)) s = \(format(100 * floor / max(total, 1e-12), digits: 1))% of the stage total")
        return lines
    }

    static func format(_ x: Double, digits: Int = 3) -> String {
        var s = String(Int((x * pow(10, Double(digits))).rounded()))
        while s.count <= digits { s = "0" + s }
        s.insert(".", at: s.index(s.endIndex, offsetBy: -digits))
        return s
    }
}
