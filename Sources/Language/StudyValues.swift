import Augment
import Evaluate
import Features
import Learn
import Support

/// A model in the session. Learn's `Model` is a mutable class; the session never mutates the one held
/// here: verbs that change a model (`freeze`, `train`) work on `copy()` and make a new value.
public final class ModelValue: @unchecked Sendable {
    private let model: Model

    public init(_ model: Model) { self.model = model }

    /// An independent copy to change or run (a `Model` is not thread-safe and keeps workspaces).
    public func copy() -> Model { model.copy() }

    /// Read-only facts (never mutate through this).
    var spec: ModelSpec { model.spec }
    var labels: [String] { model.labels }
    var inputSize: Int { model.inputSize }
    var outputSize: Int { model.outputSize }
    var parameterCount: Int { model.parameterCount }
    var history: TrainingHistory? { model.history }
    var metadata: [String: String] { model.metadata }
    func summary() -> ModelSummary { model.summary() }
    func checkpoint() throws(LearnError) -> [UInt8] { try Checkpoint.encode(model) }
}

/// One split scheme applied to a feature table: one `Split` (naive, grouped) or several folds (loso, lopo,
/// kfold). Keeps the table so `s.train`, `s.test` and `s.validation` are feature tables.
public struct SplitValue: Sendable {
    public var table: FeatureTable
    public var splits: [Split]
    /// `naive`, `grouped`, `loso`, `lopo` or `kfold`.
    public var scheme: String
    /// The attribute holding the class of each row (default `emotion`).
    public var label: String

    /// The rows of one part of fold `fold`.
    func part(_ name: String, fold: Int = 0) -> FeatureTable {
        let s = splits[fold]
        let rows = name == "train" ? s.train : name == "test" ? s.test : s.validation
        return subset(table, rows)
    }
}

/// A trained model with its training history.
public struct RunValue: Sendable {
    public var model: ModelValue
    public var history: TrainingHistory
    /// The split it was trained on (`naive`, `loso f1`…).
    public var splitName: String
    /// The attribute holding the class of each row.
    public var label: String
}

/// Evaluation results: one report, or several (folds, seeds) with their mean ± std.
public struct ReportValue: Sendable {
    public var reports: [Report]
    /// Names of the reports (fold or seed names), one each.
    public var names: [String]
    /// Mean ± std over `reports` when there are several.
    public var aggregate: Aggregate?
    /// The trained runs behind the reports, one each, when the report comes from `repeat` or `crossval`
    /// (`r.runs`: e.g. every seed's pre-trained model, to fine-tune per seed); empty otherwise.
    public var runs: [RunValue]

    public init(reports: [Report], names: [String], aggregate: Aggregate?, runs: [RunValue] = []) {
        self.reports = reports
        self.names = names
        self.aggregate = aggregate
        self.runs = runs
    }

    var accuracy: Double { aggregate?.accuracy.mean ?? reports[0].accuracy }
    var uar: Double { aggregate?.uar.mean ?? reports[0].uar }
    var macroF1: Double { aggregate?.macroF1.mean ?? reports[0].macroF1 }
    var classes: LabelSet { reports[0].classes }
    /// Summed confusion counts over all reports.
    var confusion: ConfusionMatrix { ConfusionMatrix.sum(reports.map(\.confusion))! }
}

/// The rows `indices` of a table, in that order.
func subset(_ table: FeatureTable, _ indices: [Int]) -> FeatureTable {
    var values: [Float] = []
    values.reserveCapacity(indices.count * table.width)
    var rows: [FeatureRow] = []
    rows.reserveCapacity(indices.count)
    for i in indices {
        values.append(contentsOf: table.vector(i))
        rows.append(table.rows[i])
    }
    return FeatureTable(width: table.width, values: values, rows: rows, recipe: table.recipe)
}

/// Each row's source recording: its `source` attribute (augmented copies) or its file.
func sources(of table: FeatureTable) -> [String] {
    table.rows.map { row in
        if let s = row.attributes["source"], !s.isEmpty { return s }
        return row.file
    }
}

/// Per row, whether it is an augmented copy (its `augmentation` attribute names a transform); nil when the
/// table holds no augmented rows.
func augmentedRows(of table: FeatureTable) -> [Bool]? {
    let flags = table.rows.map { row in
        guard let a = row.attributes["augmentation"] else { return false }
        return !a.isEmpty && a != "none"
    }
    return flags.contains(true) ? flags : nil
}

/// Per row, where its audio comes from (recording, source span in seconds, augmented or not), for placing
/// augmented rows in a split; nil when the table holds no augmented rows. An augmented window's span is
/// mapped back through its transforms (`augment_params`) with `Augmentation.sourceSpan`.
public func origins(of table: FeatureTable, argument: String = "table") throws(VerbFailure) -> [Origin]? {
    guard let flags = augmentedRows(of: table) else { return nil }
    let src = sources(of: table)
    let rate = FeatureSettings().sampleRate
    var spans: [String: Augmentation] = [:]
    var out: [Origin] = []
    out.reserveCapacity(table.count)
    for (i, row) in table.rows.enumerated() {
        guard flags[i] else {
            out.append(Origin(source: src[i], start: row.start, end: row.end, augmented: false))
            continue
        }
        let params = row.attributes[Provenance.Key.parameters] ?? ""
        let augmentation: Augmentation
        if let known = spans[params] {
            augmentation = known
        } else {
            do throws(AugmentError) {
                guard let made = try Provenance(attributes: row.attributes).augmentation else {
                    throw AugmentError(.badProvenance, "no transforms in '\(params)'")
                }
                augmentation = made
            } catch {
                throw VerbFailure("row \(i) (\(row.file), window \(row.window)): \(error.message)", argument: argument)
            }
            spans[params] = augmentation
        }
        let span = augmentation.sourceSpan(start: row.start, end: row.end, sampleRate: rate)
        out.append(Origin(source: src[i], start: span.start, end: span.end, augmented: true))
    }
    return out
}

/// Each row's value of a column: `file` or an attribute. Throws naming the available columns.
func column(_ name: String, of table: FeatureTable, argument: String) throws(VerbFailure) -> [String] {
    if name == "file" { return table.rows.map(\.file) }
    guard table.attributeNames.contains(name) else {
        let columns = ["file"] + table.attributeNames
        throw VerbFailure("the feature table has no column '\(name)'\(suggestion(name, among: columns)) (columns: \(columns.joined(separator: ", ")))",
                          argument: argument)
    }
    return table.rows.map { $0.attributes[name] ?? "" }
}

func reportTable(_ r: ReportValue, title: String?) -> Table {
    var rows: [[String]] = []
    if let a = r.aggregate {
        rows.append(["accuracy", a.accuracy.description])
        rows.append(["UAR", a.uar.description])
        rows.append(["macro-F1", a.macroF1.description])
        rows.append(["runs", String(a.count)])
        for (name, report) in zip(r.names, r.reports) {
            rows.append(["\(name)", "accuracy \(formatNumber(report.accuracy, digits: 3)), UAR \(formatNumber(report.uar, digits: 3))"])
        }
        return Table(title: title, columns: ["metric", "mean ± std"], rows: rows, alignments: [.left, .left])
    }
    let report = r.reports[0]
    var t = Table(title: title, columns: ["class", "precision", "recall", "F1", "support"],
                  rows: report.perClass.map { [$0.name, formatNumber($0.precision, digits: 3), formatNumber($0.recall, digits: 3),
                                               formatNumber($0.f1, digits: 3), String($0.support)] })
    t.rows.append(["**accuracy**", "", formatNumber(report.accuracy, digits: 3), "", String(report.confusion.counts.reduce(0, +))])
    t.rows.append(["**UAR**", "", formatNumber(report.uar, digits: 3), "", ""])
    t.rows.append(["**macro-F1**", "", "", formatNumber(report.macroF1, digits: 3), ""])
    return t
}

func confusionTable(_ r: ReportValue, normalized: Bool) -> Table {
    let c = r.confusion
    let names = r.classes.names
    let norm = c.rowNormalized
    let rows = names.indices.map { t in
        [names[t]] + names.indices.map { p in normalized ? formatNumber(norm[t * c.classes + p], digits: 2) : String(c[t, p]) }
    }
    return Table(title: normalized ? "confusion (row-normalised)" : "confusion (counts)", columns: ["true \\ predicted"] + names, rows: rows)
}

func historyTable(_ h: TrainingHistory) -> Table {
    let rows = h.epochs.map { e in
        [String(e.epoch), formatNumber(e.loss, digits: 4), formatNumber(e.accuracy, digits: 4),
         e.valLoss.map { formatNumber($0, digits: 4) } ?? "", e.valAccuracy.map { formatNumber($0, digits: 4) } ?? "",
         formatNumber(Double(e.learningRate), digits: 6)]
    }
    return Table(title: "history", columns: ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr"], rows: rows)
}

func featureSummary(_ t: FeatureTable) -> String {
    let files = Set(t.rows.map(\.file)).count
    return "feature table \(t.count) × \(t.width) (\(files) file\(files == 1 ? "" : "s"))"
}

func featureDescription(_ t: FeatureTable, detailed: Bool) -> Table {
    if detailed {
        // Per-block statistics of the 160-value vector: mel 0..<128, mfcc 128..<148, chroma 148..<160.
        let blocks: [(String, Range<Int>)] = t.width == 160
            ? [("mel", 0..<128), ("mfcc", 128..<148), ("chroma", 148..<160)] : [("all", 0..<t.width)]
        var rows: [[String]] = []
        for (name, range) in blocks {
            var lo = Float.infinity, hi = -Float.infinity, sum = 0.0, sq = 0.0, n = 0
            t.values.withUnsafeBufferPointer { v in
                for r in 0..<t.count {
                    for c in range {
                        let x = v[r * t.width + c]
                        lo = min(lo, x); hi = max(hi, x); sum += Double(x); sq += Double(x) * Double(x); n += 1
                    }
                }
            }
            let mean = n > 0 ? sum / Double(n) : 0
            let std = n > 0 ? max(0, sq / Double(n) - mean * mean).squareRoot() : 0
            rows.append([name, "\(range.lowerBound)…\(range.upperBound - 1)", formatNumber(Double(lo)), formatNumber(Double(hi)),
                         formatNumber(mean), formatNumber(std)])
        }
        return Table(title: featureSummary(t), columns: ["block", "columns", "min", "max", "mean", "std"], rows: rows)
    }
    let attrs = t.attributeNames
    let shown = min(t.count, 20)
    var rows = (0..<shown).map { i -> [String] in
        let r = t.rows[i]
        return [String(i), r.file, String(r.window), formatNumber(r.start, digits: 2), formatNumber(r.end, digits: 2)]
            + attrs.map { r.attributes[$0] ?? "" }
    }
    if t.count > shown { rows.append(["…", "\(t.count - shown) more rows", "", "", ""] + attrs.map { _ in "" }) }
    return Table(title: featureSummary(t), columns: ["row", "file", "window", "start_s", "end_s"] + attrs, rows: rows)
}

/// How many rows a feature table holds per value of its label columns (corpus, speaker, emotion,
/// augmentation): a table of its own, one row per column (`emotion | anger 48, disgust 48, …`), nil when the
/// table has none. `describe` prints it after the numeric table rather than in that table's columns: a
/// terminal wraps the counts within their wide cell, and Markdown (pipes, notebooks) shows two tables.
func featureCounts(_ t: FeatureTable) -> Table? {
    let rows = t.attributeNames.filter { ["corpus", "speaker", "emotion", "augmentation"].contains($0) }.map { name in
        var counts: [String: Int] = [:]
        for row in t.rows { counts[row.attributes[name] ?? "", default: 0] += 1 }
        return [name, counts.keys.sorted().map { "\($0.isEmpty ? "(empty)" : $0) \(counts[$0]!)" }.joined(separator: ", ")]
    }
    return rows.isEmpty ? nil : Table(columns: ["label", "rows per value"], rows: rows, alignments: [.left, .left])
}

func splitDescription(_ s: SplitValue) -> Table {
    let augmented = s.splits.contains { $0.augmentation != nil }
    let rows = s.splits.map { sp in
        [sp.name, String(sp.train.count), String(sp.validation.count), String(sp.test.count), sp.leakage.description]
            + (augmented ? [sp.augmentation.map(augmentationText) ?? ""] : [])
    }
    return Table(title: "split \(s.scheme) of \(featureSummary(s.table))",
                 columns: ["split", "train", "validation", "test", "leakage"] + (augmented ? ["augmented rows (training only)"] : []), rows: rows,
                 alignments: [.left, .right, .right, .right, .left] + (augmented ? [.left] : []))
}

/// "2310 in training, none made from validation or test audio; 693 set aside".
func augmentationText(_ a: AugmentationCheck) -> String {
    "\(a.inTraining) in training, "
        + (a.isLeaking ? "LEAKY: \(a.fromHeldOutAudio) made from validation or test audio" : "none made from validation or test audio")
        + (a.setAside > 0 ? "; \(a.setAside) set aside" : "")
}
