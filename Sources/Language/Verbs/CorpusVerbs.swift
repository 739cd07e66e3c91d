import Audio
import Corpus
import Foundation
import Support

/// A corpus in the session: its files with their harmonised labels (the audio stays on disk).
public struct CorpusValue: Sendable {
    public var corpus: Corpus
}

/// Verbs making corpora: `demo KIND`, `load KIND`.
enum CorpusVerbs {
    static var all: [Verb] { demos + loads + [loadCorpus, longest] }

    static let demoLayouts: [Layout] = [.emovo, .ravdess, .cremad]

    static var demos: [Verb] {
        demoLayouts.map { layout in
            Verb(
                "demo \(layout.rawValue)",
                summary: "A synthetic stand-in for \(layout.rawValue.uppercased()) in its exact layout, spoken by espeak-ng with emotional prosody (NOT the real recordings). Made once into a folder under data/demo and read back from there afterwards (a second run asking for it meanwhile waits for the first).",
                parameters: [
                    Parameter("size", .word(DemoSize.allCases.map(\.rawValue)), default: .text("full"),
                              doc: "full: the corpus's design; small: a reduced set for quick runs"),
                    Parameter("into", .path, defaultText: "data/demo/\(layout.rawValue)-SIZE-seedSEED", doc: "the folder to write the files to"),
                    Parameter("seed", .integer(0...Int(UInt32.max)), defaultText: "session seed", doc: "seed of every random choice of the synthesis"),
                ],
                examples: ["\(layout.rawValue) = demo \(layout.rawValue) size=small"], result: .corpus, seeded: true, scheduling: .immediate
            ) { call in
                let size = DemoSize(rawValue: call.text("size"))!
                let seed = call.seed
                let folder = call.optionalText("into") ?? "data/demo/\(layout.rawValue)-\(size.rawValue)-seed\(seed)"
                // An earlier run's complete folder is read back instead of synthesised again; a run making
                // the same folder at this moment is waited for, then read back.
                let relay = ProgressRelay(call)
                do {
                    let (corpus, made) = try DemoCorpus.readOrSynthesize(
                        layout, into: folder, seed: seed, size: size, jobs: call.threads,
                        waiting: { call.print("\(folder): another run is making this demo corpus; waiting for it") },
                        cancelled: { call.isCancelled }
                    ) { done, total in
                        relay.report("demo \(layout.rawValue) \(done)/\(total) files")
                    }
                    call.print(made
                        ? "\(folder): synthesised \(corpus.files.count) files (demo corpus, not the real \(layout.rawValue.uppercased()))"
                        : "\(folder): demo corpus already there (\(corpus.files.count) files)")
                    return try corpusValue(corpus, call)
                } catch let error as VerbFailure {
                    throw error
                } catch {
                    throw VerbFailure(userMessage(error), argument: call.given.contains("into") ? "into" : nil)
                }
            }
        }
    }

    static let calmDoc = "RAVDESS's calm files: drop them, or label them neutral"

    static var loads: [Verb] {
        Layout.allCases.map { layout in
            Verb(
                "load \(layout.rawValue)",
                summary: layout == .folders
                    ? "Reads a corpus laid out as one folder per emotion label (anger/x.wav, …)."
                    : "Reads a \(layout.rawValue.uppercased()) folder as distributed, with harmonised emotion labels, speakers, sentences and genders; files that do not fit are listed with the reason.",
                parameters: [
                    Parameter("path", .path, positional: true, doc: "the corpus folder"),
                    Parameter("calm", .word(CalmHandling.allCases.map(\.rawValue)), default: .text("drop"), doc: calmDoc),
                ],
                examples: [#"\#(layout.rawValue) = load \#(layout.rawValue) "~/data/\#(layout == .folders ? "my-corpus" : layout.rawValue.uppercased())""#],
                result: .corpus, scheduling: .immediate
            ) { call in
                try load(call, layout: layout)
            }
        }
    }

    static let loadCorpus = Verb(
        "load corpus", summary: "Reads a corpus folder whose layout (EMOVO, RAVDESS, CREMA-D or one folder per label) is detected from its file names.",
        parameters: [
            Parameter("path", .path, positional: true, doc: "the corpus folder"),
            Parameter("calm", .word(CalmHandling.allCases.map(\.rawValue)), default: .text("drop"), doc: calmDoc),
        ],
        examples: [#"c = load corpus "~/data/EMOVO""#], result: .corpus, scheduling: .immediate
    ) { call in
        try load(call, layout: nil)
    }

    static func load(_ call: Call, layout: Layout?) throws -> Outcome {
        do {
            let corpus = try Corpus.load(call.text("path"), layout: layout, calm: CalmHandling(rawValue: call.text("calm"))!)
            if !corpus.problems.isEmpty {
                call.print("\(corpus.problems.count) file\(corpus.problems.count == 1 ? "" : "s") left out (describe shows why)")
            }
            return try corpusValue(corpus, call)
        } catch let error as VerbFailure {
            throw error
        } catch {
            throw VerbFailure(userMessage(error), argument: "path")
        }
    }

    /// A corpus value named by its call and by every file's labels, size and modification time: a changed,
    /// added or removed file (or label) changes the corpus's hash and so the hash of everything made from it,
    /// and the cache computes those again. Costs one `stat` per file; no audio is read.
    static func corpusValue(_ corpus: Corpus, _ call: Call) throws -> Outcome {
        var text = call.resultHash.hex + "\n"
        for f in corpus.files {
            text += f.relativePath + fileStamp(f.path)
            for key in f.metadata.keys.sorted() { text += "\t\(key)=\(f.metadata[key]!)" }
            text += "\n"
        }
        for p in corpus.problems { text += "left out: " + p.relativePath + "\n" }
        return .value(Value(.corpus(CorpusValue(corpus: corpus)), hash: ContentHash(of: text)))
    }

    static let longest = Verb(
        "longest", summary: "The sentence (or other group) whose recordings are the longest on average, as a string, with every group's mean duration printed: ser's choice of the phrase the paper's LOPO holds out (“one of the longest”) (`phrase = longest emovo`).",
        parameters: [
            Parameter("corpus", .value([.corpus]), positional: true, doc: "the corpus"),
            Parameter("by", .word(["sentence", "speaker", "emotion", "gender", "intensity"]), default: .text("sentence"), doc: "the column naming the groups"),
        ],
        examples: ["phrase = longest emovo", "longest emovo by=speaker"], result: .string, scheduling: .immediate
    ) { call in
        guard case .corpus(let c) = call.value("corpus").payload else { throw VerbFailure("expected a corpus", argument: "corpus") }
        let by = call.text("by")
        var durations: [String: [Double]] = [:]
        for f in c.corpus.files {
            let d: Double
            do { d = try SoundFile.info(f.path).duration } catch { throw VerbFailure("\(error)", argument: "corpus") }
            durations[f.metadata[by] ?? "", default: []].append(d)
        }
        let groups = durations.filter { !$0.key.isEmpty }
        guard !groups.isEmpty else { throw VerbFailure("no file of the corpus names its \(by)", argument: "by") }
        let mean = groups.mapValues { $0.reduce(0, +) / Double($0.count) }
        // Longest mean first; equal means in name order, so the choice never depends on hashing.
        let order = mean.keys.sorted { mean[$0]! != mean[$1]! ? mean[$0]! > mean[$1]! : $0 < $1 }
        let rows = order.map { g in
            [g, String(groups[g]!.count), String(format: mean[g]!, decimals: 2), String(format: groups[g]!.min()!, decimals: 2),
             String(format: groups[g]!.max()!, decimals: 2)]
        }
        call.print(Table(title: "mean duration by \(by), longest first", columns: [by, "files", "mean s", "min s", "max s"], rows: rows,
                         alignments: [.left, .right, .right, .right, .right]).markdown())
        call.print("longest \(by) by mean duration: \(order[0]) (\(String(format: mean[order[0]]!, decimals: 2)) s over \(groups[order[0]]!.count) files)")
        return call.make(.string(order[0]))
    }

    static func summary(_ c: CorpusValue) -> String {
        let k = c.corpus
        return "corpus \(k.layout.rawValue) \(k.root): \(k.files.count) files, \(k.speakers.count) speakers, \(k.emotions.count) emotions"
            + (k.problems.isEmpty ? "" : ", \(k.problems.count) left out")
    }

    static func table(_ c: CorpusValue, detailed: Bool) -> Table {
        let cells = c.corpus.summary.cells
        var t = Table(title: summary(c), columns: cells[0], rows: Array(cells.dropFirst()))
        if detailed {
            for p in c.corpus.problems.prefix(30) { t.rows.append(["left out: " + p.relativePath, p.reason]) }
            if c.corpus.problems.count > 30 { t.rows.append(["… \(c.corpus.problems.count - 30) more left out"]) }
            for w in c.corpus.warnings { t.rows.append(["warning: " + w]) }
        }
        return t
    }

    /// `c["f1/rab-f1-b1.wav"]` or `c[0]`: one file's signal at 22050 Hz with its labels.
    static func signal(_ c: CorpusValue, _ index: Value.Payload, hash: ContentHash) throws(Members.Failure) -> Value {
        let file: CorpusFile
        switch index {
        case .string(let name):
            guard let f = c.corpus[name] else {
                let names = c.corpus.files.map(\.relativePath)
                throw Members.Failure(message: "no file '\(name)' in the corpus\(suggestion(name, among: names))")
            }
            file = f
        case .number(let v, .none):
            guard v == v.rounded(), let i = Int(exactly: v), i >= 0, i < c.corpus.files.count else {
                throw Members.Failure(message: "file index must be a whole number in 0…\(c.corpus.files.count - 1)")
            }
            file = c.corpus.files[i]
        default:
            throw Members.Failure(message: "a corpus is indexed by a file name (\"f1/rab-f1-b1.wav\") or a number")
        }
        do {
            let s = try Audio.load(file.path, sampleRate: 22050)
            return Value(.signal(SignalValue(name: file.relativePath, signal: s, attributes: file.metadata)),
                         hash: ContentHash(of: hash.hex + "[" + file.relativePath + "]"))
        } catch {
            throw Members.Failure(message: userMessage(error))
        }
    }
}
