import Audio
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Synthetic stand-ins for EMOVO, RAVDESS and CREMA-D, spoken by espeak-ng in each corpus's exact layout.
///
/// They are NOT the real recordings: they let a new user run every step of the study before downloading the
/// corpora, and let tests run on realistic file trees. Emotions are rendered through prosody (rate, pitch
/// level, pitch range, loudness, pauses between words) and voice quality (breathiness, roughness, tremor,
/// added after synthesis); every speaker has their own voice variant, pitch, rate, range, expressiveness,
/// personal quirks per emotion and recording channel; every utterance varies at random around that. A model
/// therefore learns them well above chance but not perfectly, and a speaker-independent split is harder than
/// a random one.
///
/// Same seed, size and espeak-ng version → byte-identical files. Files are 16-bit 22050 Hz mono WAV, written
/// atomically; a `SER-DEMO.txt` beside them says what they are.
public enum DemoCorpus {
    /// The marker file written into every demo corpus folder.
    public static let markerName = "SER-DEMO.txt"

    /// How many files a demo corpus of this layout and size holds.
    public static func fileCount(_ layout: Layout, size: DemoSize) throws(CorpusError) -> Int {
        try DemoPlan.make(layout, size: size, seed: 0).utterances.count
    }

    /// Whether `folder` already holds this demo corpus: its marker, and every file of its plan (RAVDESS's calm
    /// files too, which reading the corpus leaves out), so it can be read back instead of synthesised again.
    public static func isComplete(_ folder: String, layout: Layout, size: DemoSize, seed: UInt64) -> Bool {
        guard Files.exists(Files.join(folder, markerName)), let plan = try? DemoPlan.make(layout, size: size, seed: seed) else {
            return false
        }
        return plan.utterances.allSatisfy { Files.exists(Files.join(folder, $0.relativePath)) }
            && plan.sideFiles.allSatisfy { Files.exists(Files.join(folder, $0.0)) }
    }

    /// The lock file inside a demo corpus folder: two runs that make the same folder at once take turns.
    static let lockName = ".ser-demo.lock"

    /// Synthesises the demo corpus `layout` (emovo, ravdess or cremad) into `folder` and reads it back.
    ///
    /// - `seed`: drives every random choice (default 1).
    /// - `size`: `.full` (the corpus's design; default) or `.small` (a reduced set for quick runs).
    /// - `jobs`: files made in parallel (default 2).
    /// - `progress`: called after each file with (files done, files in total), from worker threads.
    ///
    /// `folder` is created if needed. A folder that already holds files must be an earlier demo corpus (it has
    /// `SER-DEMO.txt`); audio files of an earlier run that the new plan does not contain are removed, so the
    /// folder holds exactly this corpus. The marker is written before the audio, so a run that is stopped
    /// half-way leaves a folder the next run completes. Throws `badParameter` for the folders layout or a folder
    /// of other files, `toolFailed` when espeak-ng is missing or fails, `cannotWrite` when writing fails.
    @discardableResult
    public static func synthesize(
        _ layout: Layout, into folder: String, seed: UInt64 = 1, size: DemoSize = .full, jobs: Int = 2,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws(CorpusError) -> Corpus {
        try locked(folder, waiting: nil) { () throws(CorpusError) in
            try synthesizeUnlocked(layout, into: folder, seed: seed, size: size, jobs: jobs, progress: progress)
        }
    }

    /// The demo corpus in `folder`: read back when an earlier run made it complete (`made` false), synthesised
    /// otherwise (`made` true). Two runs asking for the same folder at once take turns on a lock file inside
    /// it (`waiting` is called when this one has to wait), so the second reads back what the first made
    /// instead of seeing it half made.
    public static func readOrSynthesize(
        _ layout: Layout, into folder: String, seed: UInt64 = 1, size: DemoSize = .full, jobs: Int = 2,
        waiting: (() -> Void)? = nil, cancelled: () -> Bool = { false },
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws(CorpusError) -> (corpus: Corpus, made: Bool) {
        try locked(folder, waiting: waiting, cancelled: cancelled) { () throws(CorpusError) in
            if isComplete(folder, layout: layout, size: size, seed: seed),
               let existing = try? Corpus.load(folder, layout: layout, calm: .drop) {
                return (existing, false)
            }
            return (try synthesizeUnlocked(layout, into: folder, seed: seed, size: size, jobs: jobs, progress: progress), true)
        }
    }

    /// Runs `body` holding the folder's lock; the folder is created first (it must not be a file).
    static func locked<T>(
        _ folder: String, waiting: (() -> Void)?, cancelled: () -> Bool = { false }, _ body: () throws(CorpusError) -> T) throws(CorpusError) -> T {
        if Files.exists(folder), !Files.isDirectory(folder) {
            throw CorpusError(.badParameter, path: folder, "is a file; give a folder for the demo corpus")
        }
        try FileTree.makeDirectories(folder)
        let outcome: Result<T, CorpusError>
        do { outcome = try FileLock.withLock(
            Files.join(folder, lockName), waiting: waiting, cancelled: cancelled, body) } catch {
            throw CorpusError(.cannotWrite, path: error.path, error.message)
        }
        return try outcome.get()
    }

    static func synthesizeUnlocked(
        _ layout: Layout, into folder: String, seed: UInt64, size: DemoSize, jobs: Int,
        progress: (@Sendable (Int, Int) -> Void)?
    ) throws(CorpusError) -> Corpus {
        let plan = try DemoPlan.make(layout, size: size, seed: seed)
        try prepare(folder, keeping: Set(plan.utterances.map(\.relativePath) + plan.sideFiles.map(\.0) + [markerName]))
        let marker = """
            SYNTHETIC demo corpus made by `ser demo \(layout) --seed \(seed) --size \(size)` with espeak-ng.
            It copies the layout and file naming of the real \(displayName(layout)) corpus, NOT its recordings:
            the voices are a speech synthesiser's, with emotions rendered through prosody and voice quality.
            Use it to try ser; report results on the real corpus.

            """
        try writeText(marker, to: Files.join(folder, markerName))
        for dir in Set(plan.utterances.map { Files.parentFolder($0.relativePath) }) where !dir.isEmpty {
            try FileTree.makeDirectories(Files.join(folder, dir))
        }
        let utterances = plan.utterances
        do {
            _ = try parallelMap(count: utterances.count, threads: jobs, progress: progress) {
                (i: Int, worker: Int) throws(CorpusError) in
                try make(utterances[i], folder: folder, seed: seed, worker: worker)
            }
        } catch {
            switch error {
            case .failed(let error): throw error
            case .cancelled(let finished, let total):
                throw CorpusError(.toolFailed, "stopped after \(finished) of \(total) files")
            }
        }
        for (name, text) in plan.sideFiles {
            try writeText(text, to: Files.join(folder, name))
        }
        return try Corpus.load(folder, layout: layout, calm: .drop)
    }

    static func displayName(_ layout: Layout) -> String {
        switch layout {
        case .emovo: "EMOVO"
        case .ravdess: "RAVDESS"
        case .cremad: "CREMA-D"
        case .folders: "folders"
        }
    }

    /// Synthesises one file: espeak-ng into a hidden temporary WAV, voice quality, atomic write.
    static func make(_ u: DemoUtterance, folder: String, seed: UInt64, worker: Int) throws(CorpusError) {
        var r = SplitMix64(seed: seed, key: "file " + u.relativePath)
        let voice = UtteranceVoice(speaker: u.speaker, emotion: u.emotion, intensity: u.intensity, random: &r)
        let target = Files.join(folder, u.relativePath)
        let raw = Files.join(folder, ".espeak-\(getpid())-\(worker).tmp-wav")
        let log = Files.join(folder, ".espeak-\(getpid())-\(worker).tmp-log")
        defer { unlink(raw) }
        try Espeak.speak(ssml: Espeak.ssml(u.text, range: voice.range), voice: voice, output: raw, log: log)
        let contents: SoundFile.Contents
        do { contents = try SoundFile.read(raw) } catch {
            throw CorpusError(.toolFailed, path: u.relativePath, "espeak-ng wrote no readable audio: \(error.message)")
        }
        let samples = VoiceQuality.apply(contents.mono(), sampleRate: contents.sampleRate, voice: voice, random: &r)
        do {
            try SoundFile.write(Signal(samples: samples, sampleRate: contents.sampleRate), to: target, encoding: .wav16)
        } catch {
            throw CorpusError(.cannotWrite, path: target, error.message)
        }
    }

    /// Makes `folder` (created by `locked`, so a folder) ready: checks it is empty or an earlier demo corpus and
    /// removes its audio files that are not in `keeping`.
    static func prepare(_ folder: String, keeping: Set<String>) throws(CorpusError) {
        let existing = FileTree.files(under: folder)
        guard existing.isEmpty || existing.contains(markerName) else {
            throw CorpusError(.badParameter, path: folder,
                "holds \(existing.count) files and is not a demo corpus (no \(markerName)); choose an empty or new folder")
        }
        for rel in existing where !keeping.contains(rel) && audioExtensions.contains(FileTree.fileExtension(rel)) {
            unlink(Files.join(folder, rel))
        }
    }

    static func writeText(_ text: String, to path: String) throws(CorpusError) {
        do { try AtomicFile.write(Array(text.utf8), to: path) } catch {
            throw CorpusError(.cannotWrite, path: path, error.message)
        }
    }
}
