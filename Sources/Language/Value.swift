import Audio
import Corpus
import Evaluate
import Features
import Learn

/// The types of session values, as named in help and in type errors.
public enum ValueType: String, Sendable, CaseIterable, Equatable {
    case corpus, signal, features = "feature table", split, model, run = "training run", report, figure, table
    case number, string, list

    /// "a corpus", "an index"… for messages.
    public var withArticle: String {
        let first = rawValue.first!
        return ("aeiou".contains(first) ? "an " : "a ") + rawValue
    }
}

/// A figure a verb drew: the PNG it wrote, its kind and title.
public struct FigureValue: Sendable, Equatable {
    public var path: String
    public var kind: String
    public var title: String

    public init(path: String, kind: String, title: String) {
        self.path = path
        self.kind = kind
        self.title = title
    }
}

/// One audio signal picked from a corpus (`emovo["f1/rab-f1-b1.wav"]`) or loaded from a file.
public struct SignalValue: Sendable, Equatable {
    /// Where it came from: a corpus-relative file name or a path.
    public var name: String
    public var signal: Signal
    /// Corpus labels of the file (emotion, speaker, …), empty for a plain file.
    public var attributes: [String: String]

    public init(name: String, signal: Signal, attributes: [String: String] = [:]) {
        self.name = name
        self.signal = signal
        self.attributes = attributes
    }
}

/// An immutable session value and its content hash.
///
/// The hash names the value by what made it (verb, canonical arguments, input hashes, seed, ser version)
/// or, for literals, by its content; it keys the value's cache entry.
public struct Value: Sendable {
    public enum Payload: Sendable {
        case number(Double, NumberUnit)
        case string(String)
        case list([Value])
        case signal(SignalValue)
        case table(Table)
        case figure(FigureValue)
        case features(FeatureTable)
        case split(SplitValue)
        case model(ModelValue)
        case run(RunValue)
        case report(ReportValue)
        case corpus(CorpusValue)
    }

    /// The value's content: computed, or deferred until something needs it (see `Deferred`).
    private var storage: Storage
    public var hash: ContentHash
    public let type: ValueType

    enum Storage: Sendable {
        case ready(Payload)
        case deferred(Deferred)
    }

    public init(_ payload: Payload, hash: ContentHash) {
        storage = .ready(payload)
        self.hash = hash
        type = Value.type(of: payload)
    }

    /// A value of `type` named by `hash` whose payload `deferred` computes when first needed.
    init(deferred: Deferred, type: ValueType, hash: ContentHash) {
        storage = .deferred(deferred)
        self.hash = hash
        self.type = type
    }

    /// The value's content. The interpreter computes deferred values (`forced()`) before anything reads
    /// their payload, so this never waits for or fails on one.
    public var payload: Payload {
        switch storage {
        case .ready(let p): return p
        case .deferred(let d):
            do { return try d.force() } catch {
                preconditionFailure("the payload of \(d.origin) was read before it was computed: \(error)")
            }
        }
    }

    /// The computation behind a deferred value (also once it has run).
    var deferred: Deferred? {
        if case .deferred(let d) = storage { return d }
        return nil
    }

    /// This value with its payload computed (waiting for it, or computing it on this thread); list items too.
    /// Throws the computation's error as `DeferredFailure`.
    func forced() throws(DeferredFailure) -> Value {
        switch storage {
        case .ready(.list(let items)) where items.contains(where: { $0.needsForcing }):
            var out: [Value] = []
            for item in items { out.append(try item.forced()) }
            return Value(.list(out), hash: hash)
        case .ready: return self
        case .deferred(let d):
            do { return try Value(d.force(), hash: hash).forced() } catch let e as DeferredFailure { throw e } catch {
                throw DeferredFailure(origin: d.origin, error: error)
            }
        }
    }

    /// Whether `forced()` has work to do (a deferred value, or a list holding one).
    var needsForcing: Bool {
        switch storage {
        case .deferred: true
        case .ready(.list(let items)): items.contains { $0.needsForcing }
        case .ready: false
        }
    }

    /// The one-line summary when known without computing anything (a ready value, or a cache note).
    var knownSummary: String? {
        if case .deferred(let d) = storage, !d.isDone { return d.summary }
        return summary
    }

    /// A literal number (hash of its canonical text).
    public static func number(_ v: Double, _ unit: NumberUnit = .none) -> Value {
        Value(.number(v, unit), hash: ContentHash(of: "number:\(v)\(unit.rawValue)"))
    }

    /// A literal string.
    public static func string(_ s: String) -> Value {
        Value(.string(s), hash: ContentHash(of: "string:\(s)"))
    }

    /// A list; its hash combines its items' hashes.
    public static func list(_ items: [Value]) -> Value {
        Value(.list(items), hash: ContentHash(of: "list:" + items.map(\.hash.hex).joined(separator: ",")))
    }

    static func type(of payload: Payload) -> ValueType {
        switch payload {
        case .number: .number
        case .string: .string
        case .list: .list
        case .signal: .signal
        case .table: .table
        case .figure: .figure
        case .features: .features
        case .split: .split
        case .model: .model
        case .run: .run
        case .report: .report
        case .corpus: .corpus
        }
    }

    /// One line: type and size, as `:vars` and assignments print it. A deferred value's summary comes from
    /// its cache note when it has one; otherwise the value is computed.
    public var summary: String {
        if let d = deferred, !d.isDone {
            if let known = d.summary { return known }
            if (try? d.force()) == nil { return "\(type.rawValue) (could not be computed)" }
        }
        return switch payload {
        case .number(let v, let unit): formatUnit(v, unit)
        case .string(let s): "\"\(s)\""
        case .list(let items): "list of \(items.count)"
        case .signal(let s):
            "signal \(s.name): \(formatNumber(s.signal.duration, digits: 3)) s at \(s.signal.sampleRate) Hz (\(s.signal.samples.count) samples)"
        case .table(let t): "table \(t.title.map { "'\($0)' " } ?? "")\(t.rows.count) × \(t.columns.count)"
        case .figure(let f): "figure \(f.kind) → \(f.path)"
        case .features(let t): featureSummary(t)
        case .split(let sp):
            sp.splits.count == 1
                ? "split \(sp.splits[0].description)"
                : "split \(sp.scheme): \(sp.splits.count) folds"
        case .model(let m):
            "model \(m.spec.layers.count) layers, \(m.parameterCount) parameters, \(m.inputSize) → \(m.outputSize)"
        case .run(let r):
            "training run on \(r.splitName): \(r.history.epochs.count) epochs, best \(r.history.bestEpoch.map(String.init) ?? "-")\(r.history.cancelled ? " (cancelled)" : r.history.stoppedEarly ? " (stopped early)" : "")"
        case .report(let r):
            r.aggregate.map { "report over \($0.count): accuracy \($0.accuracy), UAR \($0.uar)" }
                ?? "report: accuracy \(formatNumber(r.accuracy, digits: 3)), UAR \(formatNumber(r.uar, digits: 3)), macro-F1 \(formatNumber(r.macroF1, digits: 3))"
        case .corpus(let c): CorpusVerbs.summary(c)
        }
    }

    /// The value as a table, for `show`/`describe`.
    public func describe() -> Table {
        switch payload {
        case .number, .string: return Table(properties: [("value", summary)])
        case .list(let items):
            return Table(columns: ["#", "type", "value"], rows: items.enumerated().map { [String($0.offset), $0.element.type.rawValue, $0.element.summary] })
        case .signal(let s):
            var props: [(String, String)] = [
                ("file", s.name),
                ("duration", formatNumber(s.signal.duration, digits: 3) + " s"),
                ("sample rate", "\(s.signal.sampleRate) Hz"),
                ("samples", String(s.signal.samples.count)),
            ]
            var peak: Float = 0, energy: Double = 0
            for x in s.signal.samples { peak = max(peak, abs(x)); energy += Double(x) * Double(x) }
            props.append(("peak", formatNumber(Double(peak))))
            props.append(("rms", formatNumber((energy / Double(max(1, s.signal.samples.count))).squareRoot())))
            for key in s.attributes.keys.sorted() { props.append((key, s.attributes[key]!)) }
            return Table(title: "signal", properties: props)
        case .table(let t): return t
        case .figure(let f): return Table(title: "figure", properties: [("kind", f.kind), ("title", f.title), ("path", f.path)])
        case .features(let t): return featureDescription(t, detailed: false)
        case .split(let sp): return splitDescription(sp)
        case .model(let m):
            let sum = m.summary()
            var t = Table(title: "model", columns: ["layer", "type", "output shape", "parameters", "trainable"],
                          rows: sum.rows.map { [$0.name, $0.type, "(" + $0.outputShape.map(String.init).joined(separator: ", ") + ")",
                                                String($0.parameters), $0.parameters == 0 ? "-" : $0.trainable ? "yes" : "no"] })
            t.rows.append(["**total**", "", "", String(sum.totalParameters), "\(sum.trainableParameters) trainable"])
            return t
        case .run(let r): return historyTable(r.history)
        case .report(let r): return reportTable(r, title: summary)
        case .corpus(let c): return CorpusVerbs.table(c, detailed: false)
        }
    }
}

/// `2 s`, `70%`, `16000 Hz`, `3`.
func formatUnit(_ v: Double, _ unit: NumberUnit) -> String {
    switch unit {
    case .none: formatNumber(v)
    case .seconds: formatNumber(v) + " s"
    case .percent: formatNumber(v * 100) + "%"
    case .hertz: formatNumber(v) + " Hz"
    }
}
