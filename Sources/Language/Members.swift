import Audio
import Corpus
import Evaluate
import Features
import Learn
import Support

/// Member access (`s.test`, `r.accuracy`) and indexing (`emovo["f1/rab-f1-b1.wav"]`, `items[0]`) of
/// session values. A member's hash derives from its base's hash and the member name.
enum Members {
    struct Failure: Error { var message: String }

    /// The members a value of `type` has, for did-you-mean and completion.
    static func names(of type: ValueType) -> [String] {
        switch type {
        case .list: ["count"]
        case .signal: ["duration", "rate", "samples"]
        case .table: ["rows", "columns"]
        case .figure: ["path"]
        case .number, .string: []
        case .features: ["rows", "width", "files"]
        case .split: ["train", "validation", "test", "folds"]
        case .model: ["parameters", "layers"]
        case .run: ["model", "history", "epochs", "best_epoch"]
        case .report: ["accuracy", "uar", "macro_f1", "confusion", "runs"]
        case .corpus: ["files", "speakers", "emotions"]
        }
    }

    static func names(of value: Value) -> [String] { names(of: value.type) }

    /// The type of member `name` of a value of type `base`, known without computing the value; nil when it
    /// has no such member or its type is not listed here (the value is then computed to take the member).
    static func type(of name: String, on base: ValueType) -> ValueType? {
        switch (base, name) {
        case (.table, "columns"), (.corpus, "speakers"), (.corpus, "emotions"), (.report, "runs"): return .list
        case (.figure, "path"): return .string
        case (.split, "train"), (.split, "validation"), (.split, "test"): return .features
        case (.run, "model"): return .model
        case (.run, "history"), (.report, "confusion"): return .table
        case (.list, "count"), (.signal, "duration"), (.signal, "rate"), (.signal, "samples"), (.table, "rows"),
             (.features, "rows"), (.features, "width"), (.features, "files"), (.split, "folds"), (.model, "parameters"),
             (.model, "layers"), (.run, "epochs"), (.run, "best_epoch"), (.report, "accuracy"), (.report, "uar"),
             (.report, "macro_f1"), (.corpus, "files"):
            return .number
        default: return nil
        }
    }

    static func derivedHash(_ base: Value, _ member: String) -> ContentHash {
        ContentHash(of: base.hash.hex + "." + member)
    }

    /// The hash of `base[index]` for a split's fold.
    static func indexHash(_ base: Value, _ index: Value) -> ContentHash {
        switch index.payload {
        case .number(let v, _): ContentHash(of: base.hash.hex + "[\(Int(v))]")
        case .string(let name): ContentHash(of: base.hash.hex + "[\(name)]")
        default: ContentHash(of: base.hash.hex + "[" + index.hash.hex + "]")
        }
    }

    static func derived(_ base: Value, _ member: String, _ payload: Value.Payload) -> Value {
        Value(payload, hash: derivedHash(base, member))
    }

    static func member(_ name: String, of value: Value) -> Value? {
        switch (value.payload, name) {
        case (.list(let items), "count"): derived(value, name, .number(Double(items.count), .none))
        case (.signal(let s), "duration"): derived(value, name, .number(s.signal.duration, .seconds))
        case (.signal(let s), "rate"): derived(value, name, .number(Double(s.signal.sampleRate), .hertz))
        case (.signal(let s), "samples"): derived(value, name, .number(Double(s.signal.samples.count), .none))
        case (.table(let t), "rows"): derived(value, name, .number(Double(t.rows.count), .none))
        case (.table(let t), "columns"): derived(value, name, .list(t.columns.map { Value.string($0) }))
        case (.figure(let f), "path"): derived(value, name, .string(f.path))
        case (.features(let t), "rows"): derived(value, name, .number(Double(t.count), .none))
        case (.features(let t), "width"): derived(value, name, .number(Double(t.width), .none))
        case (.features(let t), "files"): derived(value, name, .number(Double(Set(t.rows.map(\.file)).count), .none))
        case (.split(let s), "train"), (.split(let s), "validation"), (.split(let s), "test"):
            s.splits.count == 1 ? derived(value, name, .features(s.part(name))) : nil
        case (.split(let s), "folds"): derived(value, name, .number(Double(s.splits.count), .none))
        case (.model(let m), "parameters"): derived(value, name, .number(Double(m.parameterCount), .none))
        case (.model(let m), "layers"): derived(value, name, .number(Double(m.spec.layers.count), .none))
        case (.run(let r), "model"): derived(value, name, .model(r.model))
        case (.run(let r), "history"): derived(value, name, .table(historyTable(r.history)))
        case (.run(let r), "epochs"): derived(value, name, .number(Double(r.history.epochs.count), .none))
        case (.run(let r), "best_epoch"): derived(value, name, .number(Double(r.history.bestEpoch ?? 0), .none))
        case (.report(let r), "accuracy"): derived(value, name, .number(r.accuracy, .none))
        case (.report(let r), "uar"): derived(value, name, .number(r.uar, .none))
        case (.report(let r), "macro_f1"): derived(value, name, .number(r.macroF1, .none))
        case (.report(let r), "confusion"): derived(value, name, .table(confusionTable(r, normalized: false)))
        case (.report(let r), "runs"):
            derived(value, name, .list(r.runs.enumerated().map { i, run in
                Value(.run(run), hash: ContentHash(of: value.hash.hex + ".runs[\(i)]"))
            }))
        case (.corpus(let c), "files"): derived(value, name, .number(Double(c.corpus.files.count), .none))
        case (.corpus(let c), "speakers"): derived(value, name, .list(c.corpus.speakers.map { Value.string($0) }))
        case (.corpus(let c), "emotions"): derived(value, name, .list(c.corpus.emotions.map { Value.string($0) }))
        default: nil
        }
    }

    static func index(_ value: Value, by index: Value) throws(Failure) -> Value {
        switch (value.payload, index.payload) {
        case (.list(let items), .number(let v, .none)):
            guard v == v.rounded(), let i = Int(exactly: v) else { throw Failure(message: "a list index is a whole number") }
            let j = i < 0 ? items.count + i : i
            guard j >= 0, j < items.count else {
                throw Failure(message: "index \(i) is out of range for a list of \(items.count)")
            }
            return items[j]
        case (.corpus(let c), let i):
            return try CorpusVerbs.signal(c, i, hash: value.hash)
        case (.split(let s), .number(let v, .none)):
            guard v == v.rounded(), let i = Int(exactly: v), i >= 0, i < s.splits.count else {
                throw Failure(message: "fold index must be a whole number in 0…\(s.splits.count - 1)")
            }
            var one = s
            one.splits = [s.splits[i]]
            return Value(.split(one), hash: ContentHash(of: value.hash.hex + "[\(i)]"))
        case (.split(let s), .string(let name)):
            guard let i = s.splits.firstIndex(where: { $0.name == name || $0.name.hasSuffix(" " + name) }) else {
                throw Failure(message: "no fold '\(name)'\(suggestion(name, among: s.splits.map(\.name))) (folds: \(s.splits.map(\.name).joined(separator: ", ")))")
            }
            var one = s
            one.splits = [s.splits[i]]
            return Value(.split(one), hash: ContentHash(of: value.hash.hex + "[\(name)]"))
        default:
            throw Failure(message: "\(value.type.withArticle) cannot be indexed by \(index.type.withArticle)")
        }
    }
}
