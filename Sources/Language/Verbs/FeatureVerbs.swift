import Audio
import Augment
import Corpus
import Features
import Synchronization
import Support

/// Verbs making and combining feature tables: `features`, `load features`, `merge`.
enum FeatureVerbs {
    static var all: [Verb] { [features, loadFeatures, merge] }

    static let blockNames = ["mel", "mfcc", "chroma"]

    static let features = Verb(
        "features", summary: "Computes the paper's 160-value vector per window as ser reads it (time means of 128 mel bands, 20 MFCCs and 12 chroma bins, as librosa 0.11), one row per window, on `threads` threads; with augment=study, also the rows of each file's seven augmented copies (ser's recipe) (provenance in the source/augmentation columns). Ctrl-C cancels.",
        parameters: [
            Parameter("source", .value(sourceTypes), positional: true, doc: sourceDoc),
            Parameter("window", .duration, default: .number(2, .seconds), doc: "window length"),
            Parameter("hop", .duration, default: .number(2, .seconds), doc: "time between window starts"),
            Parameter("sets", .list(.word(blockNames)), default: .list(blockNames.map { .text($0) }),
                      doc: "which blocks of the vector to keep, in order: mel (128), mfcc (20), chroma (12)"),
            Parameter("augment", .word(["none", "study"]), default: .text("none"),
                      doc: "study: add the rows of seven augmented copies of every file, ser's recipe (noise 0.035, stretch 0.8, pitch +0.7 and their combinations)"),
            Parameter("seed", .integer(0...Int(UInt32.max)), defaultText: "session seed", doc: "seed of the augmentation noise"),
        ],
        examples: ["feats = features emovo window=2s hop=2s", "feats = features [a, b] sets=[mfcc, chroma]", "aug = features emovo augment=study"],
        result: .features, cached: true, seeded: true, scheduling: .deferred
    ) { call in
        if let (argument, message) = Windowing.problem(length: call.number("window"), hop: call.number("hop")) {
            throw VerbFailure(message, argument: argument)
        }
        let windowing = Windowing(length: call.number("window"), hop: call.number("hop"))
        let sets = call.list("sets").compactMap { b -> String? in if case .text(let s) = b { s } else { nil } }
        var seen = Set<String>()
        for s in sets where !seen.insert(s).inserted {
            throw VerbFailure("'\(s)' is listed twice", argument: "sets")
        }
        var run = FeatureRun(windowing: windowing, threads: call.threads)
        run.blocks = sets.compactMap(FeatureBlock.init(rawValue:))
        let items = try items(call.value("source"), argument: "source", sampleRate: run.settings.sampleRate)
        if case .corpus(let c) = call.value("source").payload {
            run.corpus = c.corpus.layout.rawValue
            run.demo = c.corpus.isSyntheticDemo
        }
        if call.text("augment") == "study" { run.derived = augmentedCopies(recipe: .study, seed: call.seed) }
        return call.make(.features(try table(run, items, call: call)))
    }

    static let sourceTypes: [ValueType] = [.corpus, .signal, .list]
    static let sourceDoc = "a corpus (every file, decoded at 22050 Hz), a signal or a list of signals"

    /// The items of a `source` argument: a corpus's files (decoded by the run's workers, with the files'
    /// labels as columns), or signals already at the analysis rate.
    static func items(_ value: Value, argument: String, sampleRate: Int) throws(VerbFailure) -> [FeatureRun.Item] {
        if case .corpus(let c) = value.payload {
            return c.corpus.files.map { FeatureRun.Item(source: .file($0.path), name: $0.relativePath, attributes: $0.metadata) }
        }
        return try signalList(value, argument: argument).map { sv throws(VerbFailure) in
            guard sv.signal.sampleRate == sampleRate else {
                throw VerbFailure("\(sv.name) is at \(sv.signal.sampleRate) Hz; features need \(sampleRate) Hz (load audio rate=22050Hz)",
                                  argument: argument)
            }
            return FeatureRun.Item(source: .signal(sv.signal), name: sv.name, attributes: sv.attributes)
        }
    }

    /// `augment=study`: each signal's copies by `recipe`, with the provenance columns (the original's too).
    static func augmentedCopies(recipe: Recipe, seed: UInt64) -> @Sendable (Signal, FeatureRun.Item) throws -> FeatureRun.Derived {
        { signal, item in
            let original = AugmentedSignal(original: signal, source: item.name)
            var attributes = item.attributes
            for (k, v) in original.provenance.attributes { attributes[k] = v }
            let copies = try Augmenter.augment(original, recipe: recipe, seed: seed).map { copy in
                var a = item.attributes
                for (k, v) in copy.provenance.attributes { a[k] = v }
                return (signal: copy.signal, attributes: a)
            }
            return FeatureRun.Derived(original: attributes, copies: copies)
        }
    }

    /// The rows of every item through Features' `FeatureRun` — the pipeline `ser features` streams to disk —
    /// on the call's threads, with progress, Ctrl-C and the first failure in input order naming its item.
    static func table(_ run: FeatureRun, _ items: [FeatureRun.Item], call: Call) throws -> FeatureTable {
        var run = run
        let cancellation = call.session.cancellation
        run.isCancelled = { cancellation.isRequested }
        let relay = ProgressRelay(call)
        let table: FeatureTable
        do {
            table = try run.table(items) { n, total in relay.report("features \(n)/\(total) files") }.table
        } catch {
            if error.isCancellation { throw Cancelled() }
            throw VerbFailure(error.message, argument: "source")
        }
        try call.checkCancelled()
        return table
    }

    static let loadFeatures = Verb(
        "load features", summary: "Reads a feature table written by `ser features` or `export`: PREFIX.npy and PREFIX.csv.",
        parameters: [Parameter("prefix", .path, positional: true, doc: "the common prefix of the .npy and .csv files")],
        examples: [#"feats = load features "build/features/emovo""#], result: .features, scheduling: .immediate
    ) { call in
        let prefix = call.text("prefix")
        do {
            let table = try FeatureTable.read(prefix: prefix)
            // Named by both files' sizes and modification times too: a rewritten table is a new value.
            let hash = ContentHash(of: call.resultHash.hex + fileStamp(prefix + ".npy") + fileStamp(prefix + ".csv"))
            return .value(Value(.features(table), hash: hash))
        } catch {
            throw VerbFailure(userMessage(error), argument: "prefix")
        }
    }

    static let merge = Verb(
        "merge", summary: "Joins corpora, or feature tables of the same width, into one (rows in order); e.g. RAVDESS + CREMA-D for transfer learning.",
        parameters: [Parameter("tables", .list(.value([.corpus, .features])), positional: true, doc: "the corpora or the tables to join")],
        examples: ["both = merge [ravdess, cremad]", "both = merge [ravdess_feats, cremad_feats]"], result: nil, scheduling: .immediate
    ) { call in
        let values = call.list("tables").compactMap { b -> Value? in if case .value(let v) = b { v } else { nil } }
        let corpora = values.compactMap { v -> Corpus? in if case .corpus(let c) = v.payload { c.corpus } else { nil } }
        if !corpora.isEmpty {
            guard corpora.count == values.count else { throw VerbFailure("merge corpora with corpora and tables with tables", argument: "tables") }
            var seen = Set<String>()
            for c in corpora { for f in c.files where !seen.insert(f.relativePath).inserted {
                throw VerbFailure("'\(f.relativePath)' is in two of the corpora", argument: "tables")
            } }
            let merged = Corpus(root: corpora.map(\.root).joined(separator: " + "), layout: corpora[0].layout,
                                files: corpora.flatMap(\.files), problems: corpora.flatMap(\.problems),
                                warnings: corpora.flatMap(\.warnings), otherFiles: corpora.reduce(0) { $0 + $1.otherFiles })
            return call.make(.corpus(CorpusValue(corpus: merged)))
        }
        let tables = call.list("tables").compactMap { b -> FeatureTable? in
            if case .value(let v) = b, case .features(let t) = v.payload { t } else { nil }
        }
        guard let first = tables.first else { throw VerbFailure("nothing to merge", argument: "tables") }
        // The merged table keeps a recipe only when all tables were made the same way.
        let recipes = Set(tables.map { $0.recipe.map { FeatureRecipe(settings: $0.settings, windowing: $0.windowing, blocks: $0.blocks) } })
        var out = FeatureTable(width: first.width, recipe: recipes.count == 1 ? first.recipe : nil)
        let sourceCorpora = Set(tables.compactMap { $0.recipe?.corpus })
        out.recipe?.corpus = sourceCorpora.count == 1 ? sourceCorpora.first : sourceCorpora.isEmpty ? nil : sourceCorpora.sorted().joined(separator: "+")
        out.recipe?.demo = tables.contains { $0.recipe?.demo == true }
        for t in tables {
            guard t.width == first.width else {
                throw VerbFailure("tables of width \(first.width) and \(t.width) cannot be merged", argument: "tables")
            }
            out.values += t.values
            out.rows += t.rows
        }
        return call.make(.features(out))
    }

    /// The signals of a signal or list-of-signals value.
    static func signalList(_ value: Value, argument: String) throws(VerbFailure) -> [SignalValue] {
        switch value.payload {
        case .signal(let s): return [s]
        case .list(let items):
            var out: [SignalValue] = []
            for item in items {
                guard case .signal(let s) = item.payload else {
                    throw VerbFailure("expected a list of signals, but it holds \(item.type.withArticle)", argument: argument)
                }
                out.append(s)
            }
            guard !out.isEmpty else { throw VerbFailure("the list is empty", argument: argument) }
            return out
        default:
            throw VerbFailure("expected signals, given \(value.type.withArticle)", argument: argument)
        }
    }
}

/// Lets worker threads report progress through the session's sink, one at a time.
final class ProgressRelay: @unchecked Sendable {
    private let lock = Mutex<Void>(())
    private let sink: (String?) -> Void

    init(_ call: Call) { sink = call.progressSink }

    func report(_ message: String) { lock.withLock { _ in sink(message) } }
}
