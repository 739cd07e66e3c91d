import ArgumentParser
import Language

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
            help: ArgumentHelp("Add Gaussian noise, amplitude F · U(0,1) · max|x| (ser's study recipe: 0.035).", valueName: "F"))
    var noise: Double?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Add Gaussian noise at this signal-to-noise ratio instead of --noise.", valueName: "dB"))
    var snr: Double?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Time-stretch rate: > 1 faster, < 1 slower, pitch kept (ser's study recipe: 0.8).", valueName: "R"))
    var stretch: Double?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Pitch shift in semitones, -24…24, duration kept (ser's study recipe: 0.7).", valueName: "N"))
    var pitch: Double?

    @Flag(help: "Also write every combination of the transforms given (noise+stretch, stretch+pitch, …).")
    var combine = false

    @Option(help: ArgumentHelp("A named recipe instead of the options above: 'study' = noise 0.035, stretch 0.8, pitch 0.7 and all their combinations (the augment verb's default).", valueName: "name"))
    var recipe: String?

    @Option(help: "Seed of the noise generator (each file and augmentation gets its own stream from it; the session's default).")
    var seed = AugmentOptions().seed

    @Option(parsing: .unconditional, help: ArgumentHelp("Analysis sample rate in Hz: files are resampled to it and written at it.", valueName: "Hz"))
    var sr: Int = 22050

    @Option(help: ArgumentHelp("Output folder (created if missing).", valueName: "DIR"))
    var out: String

    @Option(name: [.customLong("threads"), .customLong("jobs")],
            help: ArgumentHelp("Files processed at once (default: one per core; --jobs is the older name).", valueName: "N"))
    var threads: Int?

    var job: AugmentJob {
        var job = AugmentJob(files: files, out: out)
        job.options.recipe = recipe ?? "custom"
        job.options.noise = noise
        job.options.snr = snr
        job.options.stretch = stretch
        job.options.pitch = pitch
        job.options.combine = combine
        job.options.seed = seed
        job.sampleRate = sr
        job.threads = threads
        return job
    }

    func validate() throws {
        if recipe == nil, noise == nil, snr == nil, stretch == nil, pitch == nil {
            throw ValidationError("nothing to do: give --noise, --snr, --stretch or --pitch (or --recipe study)")
        }
        if recipe == "custom" { throw ValidationError("give the transforms (--noise, --stretch, …) instead of --recipe custom") }
        if recipe != nil, noise != nil || snr != nil || stretch != nil || pitch != nil || combine {
            throw ValidationError("--recipe replaces --noise, --snr, --stretch, --pitch and --combine: give one or the other")
        }
        if noise != nil, snr != nil { throw ValidationError("--noise and --snr both set the noise level: give one") }
        do { try job.validate() } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        Cancellation.installInterruptHandler(secondInterruptExits: true)
        let job = job
        let showProgress = Output.isTerminal
        let written = try Failure.reporting("augment") {
            try job.run(progress: { done, all in
                if showProgress { Output.progress("ser augment: \(done)/\(all) files") }
            })
        }
        if showProgress { Output.clearProgress() }
        if written.count <= 20 {
            for path in written { Output.line(path) }
        }
        let augmentations = try Failure.reporting("augment") { try job.augmentationNames().count }
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        Output.line("ser augment: \(count(files.count, "file")) × \(count(augmentations, "augmentation")) → \(count(written.count, "WAV file")) in \(out) (float32, \(sr) Hz, seed \(seed))")
    }
}
