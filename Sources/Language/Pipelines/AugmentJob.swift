import Audio
import Augment
import Corpus
import Support

/// The options of augmentation, shared by `ser augment` and the `augment` verb: the study's recipe or a
/// custom one, and the seed of the noise.
public struct AugmentOptions: Sendable, Equatable {
    /// "study" (noise 0.035, stretch 0.8, pitch +0.7 and all their combinations) or "custom".
    public var recipe = "study"
    /// custom: Gaussian noise at this fraction of the peak.
    public var noise: Double?
    /// custom: Gaussian noise at this signal-to-noise ratio in dB (instead of `noise`).
    public var snr: Double?
    /// custom: time-stretch rate (> 1 faster).
    public var stretch: Double?
    /// custom: pitch shift in semitones.
    public var pitch: Double?
    /// custom: also every combination of the transforms.
    public var combine = false
    /// Seed of the noise (the session's default seed).
    public var seed: UInt64 = Session.defaultSeed

    public init() {}

    /// The recipe these options describe.
    func makeRecipe() throws(VerbFailure) -> Recipe {
        switch recipe {
        case "study":
            for (key, given) in [("noise", noise != nil), ("snr", snr != nil), ("stretch", stretch != nil), ("pitch", pitch != nil)] where given {
                throw VerbFailure("'\(key)' is for a custom recipe: write 'augment … custom \(key)=…'", argument: key)
            }
            if combine { throw VerbFailure("'combine' is for a custom recipe: write 'augment … custom … combine=true'", argument: "combine") }
            return .study
        case "custom":
            var transforms: [Transform] = []
            if let noise { transforms.append(.noise(.peak(factor: noise))) }
            if let snr {
                if noise != nil { throw VerbFailure("give noise= or snr=, not both", argument: "snr") }
                transforms.append(.noise(.snr(decibels: snr)))
            }
            if let stretch { transforms.append(.stretch(rate: stretch)) }
            if let pitch { transforms.append(.pitch(semitones: pitch)) }
            guard !transforms.isEmpty else { throw VerbFailure("a custom recipe needs noise=, snr=, stretch= or pitch=") }
            do { return try Recipe.of(transforms, combine: combine) } catch { throw VerbFailure(error.message) }
        default:
            throw VerbFailure("unknown recipe '\(recipe)' (known: study, custom)", argument: "recipe")
        }
    }
}

/// `ser augment`'s job: augmented copies of audio files written as float32 WAV, DIR/<stem>.<augmentation>.wav.
/// Each file is loaded as `load audio` does and named by its path as given, so the noise of every copy is
/// the same as the `augment` verb's for the same seed.
public struct AugmentJob: Sendable {
    public var files: [String]
    /// Output folder (created if missing).
    public var out: String
    public var options = AugmentOptions()
    /// Analysis sample rate in Hz: files are resampled to it and written at it.
    public var sampleRate = 22050
    /// Files processed at once; nil: one per core.
    public var threads: Int?

    public init(files: [String], out: String) {
        self.files = files
        self.out = out
    }

    /// Checks the options (the recipe, the rate, distinct output names).
    public func validate() throws(VerbFailure) {
        guard !files.isEmpty else { throw VerbFailure("no input files", argument: "files") }
        guard sampleRates.contains(sampleRate) else {
            throw VerbFailure("sr must be between \(sampleRates.lowerBound) and \(sampleRates.upperBound) Hz (got \(sampleRate))", argument: "sr")
        }
        if let threads, threads < 1 { throw VerbFailure("threads must be at least 1 (got \(threads))", argument: "threads") }
        _ = try options.makeRecipe()
        var stems: [String: String] = [:]
        for file in files {
            let stem = Self.stem(of: file)
            if let other = stems[stem] {
                throw VerbFailure("\(other) and \(file) would both be written as \(stem).*.wav: rename one", argument: "files")
            }
            stems[stem] = file
        }
    }

    /// Runs the job; `progress` gets (files done, files in total). Returns the paths written, in input order.
    public func run(cancellation: Cancellation = .shared, progress: (@Sendable (Int, Int) -> Void)? = nil) throws(VerbFailure) -> [String] {
        try validate()
        let recipe = try options.makeRecipe()
        do { try Files.makeDirectories(out) } catch { throw VerbFailure("cannot create the output folder: \(error.description)", argument: "out") }
        let sr = sampleRate, seed = options.seed, out = out
        let written: [[String]]
        do {
            written = try parallelMap(files, threads: threads, progress: progress, isCancelled: { cancellation.isRequested }) {
                file throws(AugmentError) -> [String] in
                let signal: Signal
                do throws(AudioError) { signal = try Audio.load(file, sampleRate: sr, maxSeconds: longestWholeFileSeconds) } catch {
                    throw AugmentError(.badSignal, path: file, error.message)
                }
                var paths: [String] = []
                for copy in try Augmenter.augment(AugmentedSignal(original: signal, source: file), recipe: recipe, seed: seed) {
                    let name = copy.provenance.augmentation?.name ?? "none"
                    let path = "\(out)/\(Self.stem(of: file)).\(name).wav"
                    do throws(AudioError) { try SoundFile.write(copy.signal, to: path, encoding: .wavFloat) } catch {
                        throw AugmentError(.failed, path: path, error.message)
                    }
                    paths.append(path)
                }
                return paths
            }
        } catch {
            switch error {
            case .failed(let failure): throw VerbFailure(failure.description)
            case .cancelled(let finished, let total):
                throw VerbFailure("stopped by Ctrl-C after \(finished) of \(total) files; the copies of those are written")
            }
        }
        return written.flatMap { $0 }
    }

    /// The names of the recipe's augmentations.
    public func augmentationNames() throws(VerbFailure) -> [String] {
        try options.makeRecipe().augmentations.map(\.name)
    }

    /// The file name without folder and extension.
    static func stem(of path: String) -> String {
        let name = Files.baseName(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}

/// `ser demo`'s job: a synthetic stand-in for EMOVO, RAVDESS or CREMA-D (espeak-ng).
public struct DemoJob: Sendable {
    /// emovo, ravdess or cremad.
    public var corpus: String
    /// Folder to write; nil: data/demo/<corpus>.
    public var out: String?
    public var seed: UInt64 = Session.defaultSeed
    /// "small" or "full".
    public var size = "full"
    /// Files synthesized at once.
    public var threads = 2

    public init(corpus: String) { self.corpus = corpus }

    /// The layouts and sizes there are.
    public static let corpora = ["emovo", "ravdess", "cremad"]
    public static let sizes = DemoSize.allCases.map(\.rawValue)

    /// Synthesizes the corpus; `progress` gets (files done, files in total). Returns the lines to print.
    public func run(progress: (@Sendable (Int, Int) -> Void)?) throws(VerbFailure) -> [String] {
        guard Self.corpora.contains(corpus), let layout = Layout(rawValue: corpus) else {
            throw VerbFailure("unknown corpus '\(corpus)' (known: \(Self.corpora.joined(separator: ", ")))", argument: "corpus")
        }
        guard let size = DemoSize(rawValue: size) else {
            throw VerbFailure("size must be \(Self.sizes.joined(separator: " or ")), not '\(self.size)'", argument: "size")
        }
        let folder = out ?? "data/demo/\(corpus)"
        let start = ContinuousClock.now
        let result: Corpus
        do {
            result = try DemoCorpus.synthesize(layout, into: folder, seed: seed, size: size, jobs: max(1, threads), progress: progress)
        } catch { throw VerbFailure(error.description) }
        let tenths = (ContinuousClock.now - start) / .milliseconds(100)
        var lines = ["wrote \(result.files.count) files to \(folder) in \(Int(tenths) / 10).\(Int(tenths) % 10) s",
                     "SYNTHETIC stand-in for \(layout): espeak-ng voices, not the real recordings."]
        lines += result.warnings.map { "note: \($0)" }
        var summary = result.summary.text
        while summary.hasSuffix("\n") { summary.removeLast() }
        lines += ["", summary]
        return lines
    }
}
