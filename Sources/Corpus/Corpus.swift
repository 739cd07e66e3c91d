import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Audio

/// A speech-emotion corpus on disk: its layout, every file it holds with metadata, and what did not fit.
///
/// ```swift
/// let emovo = try Corpus.load("~/data/EMOVO")          // layout detected
/// print(emovo.files.count, emovo.warnings)              // 588, []
/// print(emovo.summary.markdown)                          // emotion × speaker counts
/// ```
public struct Corpus: Sendable, Equatable {
    /// The folder it was read from, as given (a leading `~` expanded).
    public var root: String
    /// Its layout.
    public var layout: Layout
    /// Every usable audio file, sorted by relative path.
    public var files: [CorpusFile]
    /// Audio files whose names or places do not fit the layout, each with the reason. They are not in
    /// `files`; `warnings` mentions them.
    public var problems: [Problem]
    /// Sentences for a user: unparsable files, classes with no files, RAVDESS calm files left out, CREMA-D
    /// demographics missing.
    public var warnings: [String]
    /// Files that are not audio (documents, CSV tables, the demo marker), ignored.
    public var otherFiles: Int
    /// True when the folder is a synthetic demo corpus made by `DemoCorpus` (it holds `SER-DEMO.txt`), not
    /// the real recordings.
    public var isSyntheticDemo: Bool {
        Files.exists(Files.join(Files.expandingTilde(root), DemoCorpus.markerName))
    }

    public init(root: String, layout: Layout, files: [CorpusFile], problems: [Problem], warnings: [String],
                otherFiles: Int = 0) {
        self.root = root
        self.layout = layout
        self.files = files
        self.problems = problems
        self.warnings = warnings
        self.otherFiles = otherFiles
    }

    /// Reads the corpus in `root` (a leading `~/` means the home folder).
    ///
    /// - `layout`: nil (the default) detects it (`detect`).
    /// - `calm`: RAVDESS's calm files: `.drop` (default) or `.neutral` (merged into neutral).
    ///
    /// Throws `missingFolder` when `root` is not a folder, `empty` when it holds no usable audio file (the
    /// error lists why the first files failed), `unknownLayout` when detection finds no layout.
    public static func load(_ given: String, layout: Layout? = nil, calm: CalmHandling = .drop) throws(CorpusError) -> Corpus {
        let root = Files.expandingTilde(given)
        guard Files.exists(root) else {
            throw CorpusError(.missingFolder, path: root, "no such folder")
        }
        guard Files.isDirectory(root) else {
            throw CorpusError(.missingFolder, path: root, "is a file, not a corpus folder")
        }
        let walk = FolderWalk(root: root)
        let all = walk.files
        let audio = all.filter { audioExtensions.contains(FileTree.fileExtension($0)) }
        guard !audio.isEmpty else {
            throw CorpusError(.empty, path: root,
                "no audio files (.wav, .flac, .ogg, .aiff) in this folder or below (\(all.count) other file\(all.count == 1 ? "" : "s"))")
        }
        let chosen: Layout
        if let layout { chosen = layout } else { chosen = try detect(root: root, audio: audio) }
        let genders = chosen == .cremad ? cremadGenders(root) : [:]

        var files: [CorpusFile] = []
        var problems: [Problem] = []
        var skipped: [String: Int] = [:]
        for rel in audio {
            switch chosen.parse(rel, calm: calm, genders: genders) {
            case let .file(speaker, gender, sentence, emotion, intensity):
                files.append(CorpusFile(path: Files.join(root, rel), relativePath: rel, corpus: chosen.rawValue,
                                        speaker: speaker, gender: gender, sentence: sentence, emotion: emotion,
                                        intensity: intensity))
            case let .skipped(what):
                skipped[what, default: 0] += 1
            case let .problem(reason):
                problems.append(Problem(relativePath: rel, reason: reason))
            }
        }
        guard !files.isEmpty else {
            let shown = problems.prefix(5).map { "  \($0)" }.joined(separator: "\n")
            throw CorpusError(.empty, path: root,
                "none of the \(audio.count) audio files fits the \(chosen) layout\(shown.isEmpty ? "" : ":\n" + shown)")
        }

        var warnings = walk.notes
        if !problems.isEmpty {
            warnings.append("\(problems.count) audio file\(problems.count == 1 ? "" : "s") left out because the name does not fit the \(chosen) layout (see problems), first: \(problems[0])")
        }
        if let n = skipped["calm"] {
            warnings.append("\(n) RAVDESS calm file\(n == 1 ? "" : "s") left out (calm has no harmonised label; load with calm=neutral to merge it into neutral)")
        }
        let present = Set(files.map(\.emotion))
        for e in chosen.expectedEmotions where !present.contains(e.name) {
            warnings.append("class '\(e.name)' has no files")
        }
        if chosen == .folders {
            for label in Files.entries(root) ?? [] where Files.isDirectory(Files.join(root, label)) {
                if !files.contains(where: { $0.relativePath.hasPrefix(label + "/") }) {
                    warnings.append("label folder '\(label)' has no audio files")
                }
            }
        }
        if chosen == .cremad, genders.isEmpty {
            warnings.append("VideoDemographics.csv not found: gender unknown for CREMA-D actors")
        }
        return Corpus(root: root, layout: chosen, files: files, problems: problems, warnings: warnings,
                      otherFiles: all.count - audio.count)
    }

    /// The layout whose naming scheme most of the audio files under `root` follow: EMOVO, RAVDESS or CREMA-D
    /// when more than half of the names have its shape (even if some fields are out of range: those files are
    /// then listed as problems), else `folders` when most files lie one folder deep.
    public static func detect(_ given: String) throws(CorpusError) -> Layout {
        let root = Files.expandingTilde(given)
        guard Files.isDirectory(root) else { throw CorpusError(.missingFolder, path: root, "no such folder") }
        let audio = FileTree.files(under: root).filter { audioExtensions.contains(FileTree.fileExtension($0)) }
        guard !audio.isEmpty else { throw CorpusError(.empty, path: root, "no audio files in this folder or below") }
        return try detect(root: root, audio: audio)
    }

    static func detect(root: String, audio: [String]) throws(CorpusError) -> Layout {
        var best: (Layout, Int)?
        for layout in [Layout.emovo, .ravdess, .cremad] {
            let fits = audio.filter { layout.namesLike($0) }.count
            if fits * 2 > audio.count, fits > best?.1 ?? 0 { best = (layout, fits) }
        }
        if let best { return best.0 }
        let oneDeep = audio.filter { $0.split(separator: "/").count == 2 }.count
        if oneDeep * 2 > audio.count { return .folders }
        throw CorpusError(.unknownLayout, path: root,
            "cannot tell the layout: names like '\(audio[0])' fit none of emovo, ravdess, cremad, and the files do not lie in one folder per label; give the layout explicitly")
    }

    /// Actor → "female"/"male" from CREMA-D's `VideoDemographics.csv` (ActorID,Age,Sex,…), looked for in
    /// the root and, when the root is the AudioWAV folder, beside it.
    static func cremadGenders(_ root: String) -> [String: String] {
        for candidate in [Files.join(root, "VideoDemographics.csv"), Files.join(root, "../VideoDemographics.csv")] {
            guard let text = Files.readText(candidate) else { continue }
            var genders: [String: String] = [:]
            var lines = text.split(whereSeparator: \.isNewline).map(String.init)
            guard !lines.isEmpty else { continue }
            let header = lines.removeFirst().split(separator: ",").map { $0.trimmingQuotes() }
            guard let idCol = header.firstIndex(of: "ActorID"), let sexCol = header.firstIndex(of: "Sex") else { continue }
            for line in lines {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingQuotes() }
                guard f.count > max(idCol, sexCol) else { continue }
                genders[f[idCol]] = f[sexCol].lowercased()
            }
            return genders
        }
        return [:]
    }

    /// Emotion × speaker counts of the files.
    public var summary: Summary { Summary(files) }

    /// The distinct emotions present, in harmonised order.
    public var emotions: [String] { Array(Set(files.map(\.emotion))).sorted(by: Emotion.order) }

    /// The distinct speakers present, sorted.
    public var speakers: [String] { Array(Set(files.map(\.speaker))).sorted() }

    /// The file with this relative path ("f1/rab-f1-b1.wav"), if present.
    public subscript(relativePath: String) -> CorpusFile? {
        files.first { $0.relativePath == relativePath }
    }
}

extension Substring {
    func trimmingQuotes() -> String {
        var s = String(self)
        while s.first == " " || s.first == "\"" { s.removeFirst() }
        while s.last == " " || s.last == "\"" || s.last == "\r" { s.removeLast() }
        return s
    }
}
