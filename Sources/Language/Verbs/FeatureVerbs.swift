import Audio
import Dispatch
import Features
import Synchronization

/// Verbs making and combining feature tables: `features`, `load features`, `merge`.
enum FeatureVerbs {
    static var all: [Verb] { [features, loadFeatures, merge] }

    static let blockNames = ["mel", "mfcc", "chroma"]

    static let features = Verb(
        "features", summary: "Computes the study's feature vector per window (time means of 128 mel bands, 20 MFCCs and 12 chroma bins, as librosa 0.11), one row per window. Ctrl-C cancels.",
        parameters: [
            Parameter("source", .value([.signal, .list]), positional: true, doc: "a signal or a list of signals"),
            Parameter("window", .duration, default: .number(2, .seconds), doc: "window length"),
            Parameter("hop", .duration, default: .number(2, .seconds), doc: "time between window starts"),
            Parameter("sets", .list(.word(blockNames)), default: .list(blockNames.map { .text($0) }),
                      doc: "which blocks of the vector to keep, in order: mel (128), mfcc (20), chroma (12)"),
        ],
        examples: ["feats = features x window=2s hop=1s", "feats = features [a, b] sets=[mfcc, chroma]"],
        result: .features, cached: true
    ) { call in
        let signals = try signalList(call.value("source"), argument: "source")
        let windowing = Windowing(length: call.number("window"), hop: call.number("hop"))
        let sets = call.list("sets").compactMap { b -> String? in if case .text(let s) = b { s } else { nil } }
        let table = try computeFeatures(signals, windowing: windowing, sets: sets, call: call)
        return call.make(.features(table))
    }

    /// Feature rows of every signal, in input order, on `session.threads` threads (one extractor each).
    static func computeFeatures(_ signals: [SignalValue], windowing: Windowing, sets: [String], call: Call) throws -> FeatureTable {
        let settings = FeatureSettings()
        let blocks: [String: Range<Int>] = ["mel": 0..<settings.nMels,
                                            "mfcc": settings.nMels..<(settings.nMels + settings.nMFCC),
                                            "chroma": (settings.nMels + settings.nMFCC)..<settings.vectorLength]
        var seen = Set<String>()
        for s in sets where !seen.insert(s).inserted {
            throw VerbFailure("'\(s)' is listed twice", argument: "sets")
        }
        let columns = sets.flatMap { Array(blocks[$0]!) }
        for s in signals where s.signal.sampleRate != settings.sampleRate {
            throw VerbFailure("\(s.name) is at \(s.signal.sampleRate) Hz; features need \(settings.sampleRate) Hz (load audio rate=22050Hz)", argument: "source")
        }
        let results = Results<([Float], [Range<Int>])>(count: signals.count)
        let done = Atomic<Int>(0)
        let workers = max(1, min(call.session.threads, signals.count))
        let cancellation = call.session.cancellation
        let total = signals.count
        let progress = ProgressRelay(call)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let extractor = FeatureExtractor(settings: settings)
            var i = worker
            while i < total, !cancellation.isRequested {
                let s = signals[i].signal
                let ranges = windowing.ranges(sampleCount: s.samples.count, sampleRate: s.sampleRate)
                let full = extractor.vectors(s.samples, windows: ranges)
                var picked: [Float] = []
                picked.reserveCapacity(ranges.count * columns.count)
                for r in 0..<ranges.count { for c in columns { picked.append(full[r * settings.vectorLength + c]) } }
                results.set(i, (picked, ranges))
                let n = done.add(1, ordering: .relaxed).newValue
                progress.report("features \(n)/\(total) files")
                i += workers
            }
        }
        try call.checkCancelled()
        var table = FeatureTable(width: columns.count)
        for (i, s) in signals.enumerated() {
            let (values, ranges) = results.get(i)!
            for (w, r) in ranges.enumerated() {
                let start = Double(r.lowerBound) / Double(s.signal.sampleRate)
                let end = Double(r.upperBound) / Double(s.signal.sampleRate)
                table.append(values[(w * columns.count)..<((w + 1) * columns.count)],
                             FeatureRow(file: s.name, window: w, start: start, end: end, attributes: s.attributes))
            }
        }
        return table
    }

    static let loadFeatures = Verb(
        "load features", summary: "Reads a feature table written by `ser features` or `export`: PREFIX.npy and PREFIX.csv.",
        parameters: [Parameter("prefix", .path, positional: true, doc: "the common prefix of the .npy and .csv files")],
        examples: [#"feats = load features "build/features/emovo""#], result: .features
    ) { call in
        do { return call.make(.features(try FeatureTable.read(prefix: call.text("prefix")))) } catch {
            throw VerbFailure("\(error)", argument: "prefix")
        }
    }

    static let merge = Verb(
        "merge", summary: "Joins feature tables (same width) into one, rows in order; e.g. RAVDESS + CREMA-D for transfer learning.",
        parameters: [Parameter("tables", .list(.value([.features])), positional: true, doc: "the tables to join")],
        examples: ["both = merge [ravdess_feats, cremad_feats]"], result: .features
    ) { call in
        let tables = call.list("tables").compactMap { b -> FeatureTable? in
            if case .value(let v) = b, case .features(let t) = v.payload { t } else { nil }
        }
        guard let first = tables.first else { throw VerbFailure("nothing to merge", argument: "tables") }
        var out = FeatureTable(width: first.width)
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

/// Per-index results written by worker threads.
final class Results<T: Sendable>: Sendable {
    private let slots: Mutex<[T?]>

    init(count: Int) { slots = Mutex([T?](repeating: nil, count: count)) }

    func set(_ i: Int, _ value: T) { slots.withLock { $0[i] = value } }

    func get(_ i: Int) -> T? { slots.withLock { $0[i] } }
}

/// Lets worker threads report progress through the session's sink, one at a time.
final class ProgressRelay: @unchecked Sendable {
    private let lock = Mutex<Void>(())
    private let sink: (String?) -> Void

    init(_ call: Call) { sink = call.session.progressSink }

    func report(_ message: String) { lock.withLock { _ in sink(message) } }
}
