import Support
/// A mean and standard deviation over folds or seeds.
public struct MeanStd: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var mean: Double
    /// Population standard deviation (ddof 0, like `numpy.std`) unless made with `sample: true`.
    public var std: Double
    /// How many values it summarises.
    public var count: Int

    public init(mean: Double, std: Double, count: Int) {
        self.mean = mean
        self.std = std
        self.count = count
    }

    /// Mean and standard deviation of `values` (empty → NaN ± NaN); `sample: true` divides by n − 1.
    public init(_ values: [Double], sample: Bool = false) {
        count = values.count
        guard !values.isEmpty else { mean = .nan; std = .nan; return }
        let m = values.reduce(0, +) / Double(values.count)
        let ss = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        let d = Double(values.count - (sample ? 1 : 0))
        mean = m
        std = d > 0 ? (ss / d).squareRoot() : 0
    }

    /// "0.812 ± 0.034".
    public var description: String { "\(Format.fixed(mean)) ± \(Format.fixed(std))" }
}

/// Metrics aggregated over several reports (folds of a protocol, or seeds): mean ± std of each figure, and
/// the confusion counts summed.
public struct Aggregate: Sendable, Equatable, Hashable {
    public let classes: LabelSet
    public let accuracy: MeanStd
    public let uar: MeanStd
    public let macroF1: MeanStd
    /// Per class (in `classes` order): recall over the reports where the class has rows.
    public let recall: [MeanStd]
    /// Per class (in `classes` order): F1 over all reports.
    public let f1: [MeanStd]
    /// Confusion counts of all reports added up.
    public let confusion: ConfusionMatrix
    /// The number of reports.
    public var count: Int { accuracy.count }

    /// Aggregates reports over the same classes; `sample: true` uses the n − 1 standard deviation.
    public init(_ reports: [Report], sample: Bool = false) throws(EvaluateError) {
        guard let first = reports.first else { throw EvaluateError(.tooFew, "no reports to aggregate") }
        guard reports.allSatisfy({ $0.classes == first.classes }) else {
            throw EvaluateError(.badParameter, "reports to aggregate must have the same classes")
        }
        classes = first.classes
        accuracy = MeanStd(reports.map(\.accuracy), sample: sample)
        uar = MeanStd(reports.map(\.uar), sample: sample)
        macroF1 = MeanStd(reports.map(\.macroF1), sample: sample)
        recall = (0..<first.classes.count).map { c in
            MeanStd(reports.filter { $0.perClass[c].support > 0 }.map { $0.perClass[c].recall }, sample: sample)
        }
        f1 = (0..<first.classes.count).map { c in MeanStd(reports.map { $0.perClass[c].f1 }, sample: sample) }
        confusion = ConfusionMatrix.sum(reports.map(\.confusion))!
    }

    /// A Markdown summary: "accuracy 0.812 ± 0.034 · UAR … · macro-F1 … (5 folds)" and per-class recall/F1.
    public var markdown: String {
        var s = "accuracy \(accuracy) · UAR \(uar) · macro-F1 \(macroF1) (\(count) report\(count == 1 ? "" : "s"))\n\n"
        s += "| class | recall | F1 |\n| --- | ---: | ---: |\n"
        for c in 0..<classes.count { s += "| \(classes.names[c]) | \(recall[c]) | \(f1[c]) |\n" }
        return s
    }
}
