import ArgumentParser
import Audio
import Augment
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ser augment`: writes augmented copies of audio files so a user can listen to what the model will see.
struct AugmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "Write augmented copies of audio files: noise, time stretch, pitch shift, combinations.",
        discussion: """
        Each input is loaded as librosa.load does (mono, --sr Hz), augmented, and written to \
        DIR/<stem>.<noise|stretch|pitch>.wav (float32 WAV at --sr Hz); with --combine, every combination of \
        the transforms given is written too, e.g. <stem>.stretch+pitch.wav. Time stretch and pitch shift \
        give librosa 0.11's effects.time_stretch / effects.pitch_shift; noise is seeded (same --seed, same \
        samples). Combined transforms apply stretch, then pitch, then noise.

        Examples:
          ser augment a.wav --stretch 0.8 --pitch 0.7 --combine --out aug/
          ser augment corpus/*.wav --recipe study --seed 1 --out aug/
        """
    )

    @Argument(help: "Audio files to augment (any format libsndfile reads).")
    var files: [String]

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Add Gaussian noise, amplitude F · U(0,1) · max|x| (the study: 0.035).", valueName: "F"))
    var noise: Double?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Add Gaussian noise at this signal-to-noise ratio instead of --noise.", valueName: "dB"))
    var snr: Double?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Time-stretch rate: > 1 faster, < 1 slower, pitch kept (the study: 0.8).", valueName: "R"))
    var stretch: Double?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Pitch shift in semitones, -24…24, duration kept (the study: 0.7).", valueName: "N"))
    var pitch: Double?

    @Flag(help: "Also write every combination of the transforms given (noise+stretch, stretch+pitch, …).")
    var combine = false

    @Option(help: ArgumentHelp("A named recipe instead of the options above: 'study' = noise 0.035, stretch 0.8, pitch 0.7 and all their combinations.", valueName: "name"))
    var recipe: String?

    @Option(help: "Seed of the noise generator (each file and augmentation gets its own stream from it).")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Analysis sample rate in Hz: files are resampled to it and written at it.", valueName: "Hz"))
    var sr: Int = 22050

    @Option(help: ArgumentHelp("Output folder (created if missing).", valueName: "DIR"))
    var out: String

    @Option(help: ArgumentHelp("Files processed at once (default: one per core).", valueName: "N"))
    var jobs: Int?

    /// The augmentations asked for.
    func makeRecipe() throws -> Recipe {
        if let recipe {
            guard recipe == "study" else {
                throw ValidationError("unknown recipe '\(recipe)' (known: study)")
            }
            guard noise == nil, snr == nil, stretch == nil, pitch == nil, !combine else {
                throw ValidationError("--recipe replaces --noise, --snr, --stretch, --pitch and --combine: give one or the other")
            }
            return .study
        }
        if noise != nil, snr != nil {
            throw ValidationError("--noise and --snr both set the noise level: give one")
        }
        var transforms: [Transform] = []
        if let noise { transforms.append(.noise(.peak(factor: noise))) }
        if let snr { transforms.append(.noise(.snr(decibels: snr))) }
        if let stretch { transforms.append(.stretch(rate: stretch)) }
        if let pitch { transforms.append(.pitch(semitones: pitch)) }
        guard !transforms.isEmpty else {
            throw ValidationError("nothing to do: give --noise, --snr, --stretch or --pitch (or --recipe study)")
        }
        do { return try Recipe.of(transforms, combine: combine) } catch {
            throw ValidationError(error.message)
        }
    }

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("no input files") }
        guard sr > 0 else { throw ValidationError("--sr must be a positive number of Hz (got \(sr))") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
        _ = try makeRecipe()
        var stems: [String: String] = [:]
        for file in files {
            let stem = Self.stem(of: file)
            if let other = stems[stem] {
                throw ValidationError("\(other) and \(file) would both be written as \(stem).*.wav: rename one")
            }
            stems[stem] = file
        }
    }

    func run() throws {
        let recipe = try makeRecipe()
        Self.keepLargeBuffersInHeap()
        do { try Files.makeDirectories(out) } catch { throw ValidationError("cannot create output folder: \(error)") }
        let sr = sr, seed = seed, out = out
        let showProgress = isatty(2) == 1
        let total = files.count
        let written = try Augmenter.parallelMap(files, threads: jobs, progress: { done, all in
            if showProgress { Self.progress("ser augment: \(done)/\(all) files") }
        }) { file throws(AugmentError) -> [String] in
            let signal: Signal
            do throws(AudioError) { signal = try Audio.load(file, sampleRate: sr) } catch {
                throw AugmentError(.badSignal, path: file, error.message)
            }
            let copies = try Augmenter.augment(AugmentedSignal(original: signal, source: file), recipe: recipe, seed: seed)
            var paths: [String] = []
            for copy in copies {
                let name = copy.provenance.augmentation?.name ?? "none"
                let path = "\(out)/\(Self.stem(of: file)).\(name).wav"
                do throws(AudioError) { try SoundFile.write(copy.signal, to: path, encoding: .wavFloat) } catch {
                    throw AugmentError(.failed, path: path, error.message)
                }
                paths.append(path)
            }
            return paths
        }
        if showProgress { Self.progress("") }
        let all = written.flatMap { $0 }
        if all.count <= 20 {
            for path in all { print(path) }
        }
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        print("ser augment: \(count(total, "file")) × \(count(recipe.augmentations.count, "augmentation")) → \(count(all.count, "WAV file")) in \(out) (float32, \(sr) Hz, seed \(seed))")
    }

    /// Keeps freed STFT-sized buffers in the heap instead of returning them to the kernel after each file:
    /// by default glibc maps and zeroes fresh pages for every array over 128 KiB, a fifth of this command's
    /// time. Calls glibc's `mallopt(M_MMAP_THRESHOLD, 256 MiB)` and `mallopt(M_TRIM_THRESHOLD, 256 MiB)`,
    /// looked up with `dlsym` (malloc.h is not part of Swift's Glibc module); elsewhere it does nothing.
    static func keepLargeBuffersInHeap() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mTrimThreshold: Int32 = -1, mMmapThreshold: Int32 = -3
        _ = mallopt(mMmapThreshold, 256 << 20)
        _ = mallopt(mTrimThreshold, 256 << 20)
        #endif
    }

    /// The file name without folder and extension.
    static func stem(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// Rewrites the current terminal line on stderr.
    static func progress(_ text: String) {
        let line = Array("\r\u{1B}[K\(text)".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
