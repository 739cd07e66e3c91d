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
        var job = try loader(call.value("source"), argument: "source")
        if call.text("augment") == "study" { job = job.augmented(recipe: .study, seed: call.seed) }
        var table = try computeFeatures(job, windowing: windowing, sets: sets, call: call)
        if case .corpus(let c) = call.value("source").payload {
            table.recipe?.corpus = c.corpus.layout.rawValue
            table.recipe?.demo = c.corpus.isSyntheticDemo
        }
        return call.make(.features(table))
    }

    /// How `features` gets its signals: `count` items, each loaded (and possibly augmented) by a worker.
    struct SignalJob: Sendable {
        var count: Int
        /// The item's name, for errors.
        var name: @Sendable (Int) -> String
        /// The signals of item `i` (one, or an original and its copies).
        var load: @Sendable (Int) throws -> [SignalValue]

        /// Each item followed by its augmented copies; every signal gets the provenance columns.
        func augmented(recipe: Recipe, seed: UInt64) -> SignalJob {
            let base = load
            return SignalJob(count: count, name: name) { i in
                var out: [SignalValue] = []
                for original in try base(i) {
                    let item = AugmentedSignal(original: original.signal, source: original.name)
                    var attributes = original.attributes
                    for (k, v) in item.provenance.attributes { attributes[k] = v }
                    out.append(SignalValue(name: original.name, signal: original.signal, attributes: attributes))
                    for copy in try Augmenter.augment(item, recipe: recipe, seed: seed) {
                        var a = original.attributes
                        for (k, v) in copy.provenance.attributes { a[k] = v }
                        out.append(SignalValue(name: original.name, signal: copy.signal, attributes: a))
                    }
                }
                return out
            }
        }
    }

    static let sourceTypes: [ValueType] = [.corpus, .signal, .list]
    static let sourceDoc = "a corpus (every file, decoded at 22050 Hz), a signal or a list of signals"

    /// The job for a `source` argument.
    static func loader(_ value: Value, argument: String) throws(VerbFailure) -> SignalJob {
        if case .corpus(let c) = value.payload { return CorpusVerbs.loader(c) }
        let signals = try signalList(value, argument: argument)
        return SignalJob(count: signals.count, name: { signals[$0].name }) { [signals[$0]] }
    }

    /// Feature rows of every item, in input order, on the call's `threads` threads (one extractor each).
    static func computeFeatures(_ job: SignalJob, windowing: Windowing, sets: [String], call: Call) throws -> FeatureTable {
        let settings = FeatureSettings()
        let blocks: [String: Range<Int>] = ["mel": 0..<settings.nMels,
                                            "mfcc": settings.nMels..<(settings.nMels + settings.nMFCC),
                                            "chroma": (settings.nMels + settings.nMFCC)..<settings.vectorLength]
        var seen = Set<String>()
        for s in sets where !seen.insert(s).inserted {
            throw VerbFailure("'\(s)' is listed twice", argument: "sets")
        }
        let columns = sets.flatMap { Array(blocks[$0]!) }
        struct Piece: Sendable {
            var name: String
            var attributes: [String: String]
            var rate: Int
            var ranges: [Range<Int>]
            var values: [Float]
        }
        let workers = max(1, min(call.threads, job.count))
        let extractors = Extractors((0..<workers).map { _ in FeatureExtractor(settings: settings) })
        let cancellation = call.session.cancellation
        let relay = ProgressRelay(call)
        let results: [[Piece]]
        do {
            results = try parallelMap(count: job.count, threads: workers, progress: { n, total in relay.report("features \(n)/\(total) files") },
                                      isCancelled: { cancellation.isRequested }) { (i: Int, worker: Int) throws(VerbFailure) -> [Piece] in
                do {
                    var pieces: [Piece] = []
                    for sv in try job.load(i) {
                        let s = sv.signal
                        guard s.sampleRate == settings.sampleRate else {
                            throw VerbFailure("\(sv.name) is at \(s.sampleRate) Hz; features need \(settings.sampleRate) Hz (load audio rate=22050Hz)")
                        }
                        if let problem = FeatureRun.nonFinite(samples: s.samples, sampleRate: s.sampleRate) {
                            throw VerbFailure("\(sv.name): \(problem)")
                        }
                        let ranges = windowing.ranges(sampleCount: s.samples.count, sampleRate: s.sampleRate)
                        let full = extractors.all[worker].vectors(s.samples, windows: ranges)
                        if let problem = FeatureRun.nonFinite(features: full, width: settings.vectorLength, samples: s.samples) {
                            throw VerbFailure("\(sv.name): \(problem)")
                        }
                        var picked: [Float] = []
                        picked.reserveCapacity(ranges.count * columns.count)
                        for r in 0..<ranges.count { for c in columns { picked.append(full[r * settings.vectorLength + c]) } }
                        pieces.append(Piece(name: sv.name, attributes: sv.attributes, rate: s.sampleRate, ranges: ranges, values: picked))
                    }
                    return pieces
                } catch let e as VerbFailure {
                    throw e
                } catch {
                    throw VerbFailure("\(job.name(i)): \(userMessage(error))")
                }
            }
        } catch {
            // The first failure in input order names its file.
            switch error {
            case .failed(var e):
                e.argument = e.argument ?? "source"
                throw e
            case .cancelled: throw Cancelled()
            }
        }
        try call.checkCancelled()
        let recipe = FeatureRecipe(settings: settings, windowing: windowing, blocks: sets.compactMap(FeatureBlock.init(rawValue:)))
        var table = FeatureTable(width: columns.count, recipe: recipe)
        for pieces in results {
            for p in pieces {
                for (w, r) in p.ranges.enumerated() {
                    let start = Double(r.lowerBound) / Double(p.rate)
                    let end = Double(r.upperBound) / Double(p.rate)
                    table.append(p.values[(w * columns.count)..<((w + 1) * columns.count)],
                                 FeatureRow(file: p.name, window: w, start: start, end: end, attributes: p.attributes))
                }
            }
        }
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

/// One feature extractor per worker of `parallelMap`, each used only by its worker.
final class Extractors: @unchecked Sendable {
    let all: [FeatureExtractor]
    init(_ all: [FeatureExtractor]) { self.all = all }
}

/// Lets worker threads report progress through the session's sink, one at a time.
final class ProgressRelay: @unchecked Sendable {
    private let lock = Mutex<Void>(())
    private let sink: (String?) -> Void

    init(_ call: Call) { sink = call.progressSink }

    func report(_ message: String) { lock.withLock { _ in sink(message) } }
}
