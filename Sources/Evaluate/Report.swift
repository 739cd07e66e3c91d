import Support
/// A confusion matrix: `counts[t * classes + p]` = rows of true class `t` predicted as class `p`.
public struct ConfusionMatrix: Sendable, Equatable, Hashable {
    /// The number of classes (the matrix is classes × classes).
    public let classes: Int
    /// Counts, flat row-major: true class along rows, predicted class along columns.
    public let counts: [Int]

    public init(classes: Int, counts: [Int]) {
        precondition(counts.count == classes * classes, "counts must hold classes × classes values")
        self.classes = classes
        self.counts = counts
    }

    /// Rows of true class `truth` predicted as `predicted`.
    public subscript(truth: Int, predicted: Int) -> Int { counts[truth * classes + predicted] }

    /// Rows with true class `c` (the row sum).
    public func support(_ c: Int) -> Int { (0..<classes).reduce(0) { $0 + self[c, $1] } }

    /// Rows predicted as class `c` (the column sum).
    public func predictedCount(_ c: Int) -> Int { (0..<classes).reduce(0) { $0 + self[$1, c] } }

    /// Row-normalised matrix (each true class's row sums to 1, i.e. per-class recall on the diagonal), flat
    /// row-major like `counts`; a class with no rows gets a row of zeros. Matches scikit-learn's
    /// `confusion_matrix(normalize="true")`.
    public var rowNormalized: [Double] {
        var out = [Double](repeating: 0, count: counts.count)
        for t in 0..<classes {
            let n = support(t)
            guard n > 0 else { continue }
            for p in 0..<classes { out[t * classes + p] = Double(self[t, p]) / Double(n) }
        }
        return out
    }

    /// The element-wise sum of several matrices over the same classes (pooling folds).
    public static func sum(_ matrices: [ConfusionMatrix]) -> ConfusionMatrix? {
        guard let first = matrices.first, matrices.allSatisfy({ $0.classes == first.classes }) else { return nil }
        var total = [Int](repeating: 0, count: first.counts.count)
        for m in matrices { for i in 0..<total.count { total[i] += m.counts[i] } }
        return ConfusionMatrix(classes: first.classes, counts: total)
    }
}

/// Precision, recall, F1 and support of one class.
public struct ClassMetrics: Sendable, Equatable, Hashable {
    public var name: String
    /// tp / (tp + fp); 0 when the class is never predicted (scikit-learn's `zero_division=0`).
    public var precision: Double
    /// tp / (tp + fn); 0 when the class has no rows.
    public var recall: Double
    /// 2·tp / (2·tp + fp + fn); 0 when that is 0 / 0.
    public var f1: Double
    /// Rows whose true class this is.
    public var support: Int
}

/// Classification metrics of predictions against true classes, as scikit-learn computes them.
///
/// - `accuracy`: fraction of rows predicted right (`accuracy_score`).
/// - `uar`: unweighted average recall: the mean recall over classes that have rows (`balanced_accuracy_score`).
/// - `macroF1`: mean F1 over classes that occur among the true or the predicted classes
///   (`f1_score(average="macro")`).
/// - `perClass`: precision/recall/F1/support for every class of `classes`
///   (`precision_recall_fscore_support(labels=all, zero_division=0)`).
/// - `confusion`: counts and row-normalised (`confusion_matrix`).
public struct Report: Sendable, Equatable, Hashable {
    public let classes: LabelSet
    public let confusion: ConfusionMatrix
    public let accuracy: Double
    public let uar: Double
    public let macroF1: Double
    public let perClass: [ClassMetrics]

    /// Metrics of `predicted` against `truth`, both class codes `0..<classes.count`, one per row.
    public init(truth: [Int], predicted: [Int], classes: LabelSet) throws(EvaluateError) {
        guard truth.count == predicted.count else {
            throw EvaluateError(.lengthMismatch, "\(truth.count) true labels but \(predicted.count) predictions")
        }
        guard !truth.isEmpty else { throw EvaluateError(.tooFew, "no rows to evaluate") }
        let k = classes.count
        var counts = [Int](repeating: 0, count: k * k)
        for (i, (t, p)) in zip(truth, predicted).enumerated() {
            guard t >= 0, t < k, p >= 0, p < k else {
                throw EvaluateError(.badParameter, "row \(i): class code \(t < 0 || t >= k ? t : p) is outside 0..<\(k)")
            }
            counts[t * k + p] += 1
        }
        try self.init(confusion: ConfusionMatrix(classes: k, counts: counts), classes: classes)
    }

    /// Metrics from confusion counts alone (what a saved report keeps): the same numbers as the rows that
    /// made the counts. Throws when the matrix is empty or its size is not the number of classes.
    public init(confusion cm: ConfusionMatrix, classes: LabelSet) throws(EvaluateError) {
        let k = classes.count
        guard cm.classes == k else {
            throw EvaluateError(.lengthMismatch, "a \(cm.classes) × \(cm.classes) confusion matrix for \(k) classes")
        }
        guard cm.counts.allSatisfy({ $0 >= 0 }) else { throw EvaluateError(.badParameter, "negative confusion counts") }
        let total = cm.counts.reduce(0, +)
        guard total > 0 else { throw EvaluateError(.tooFew, "no rows to evaluate") }
        var per: [ClassMetrics] = []
        var correct = 0, recallSum = 0.0, recallClasses = 0, f1Sum = 0.0, f1Classes = 0
        for c in 0..<k {
            let tp = cm[c, c], support = cm.support(c), predictedC = cm.predictedCount(c)
            let fp = predictedC - tp, fn = support - tp
            correct += tp
            let precision = predictedC > 0 ? Double(tp) / Double(predictedC) : 0
            let recall = support > 0 ? Double(tp) / Double(support) : 0
            let f1 = 2 * tp + fp + fn > 0 ? Double(2 * tp) / Double(2 * tp + fp + fn) : 0
            per.append(ClassMetrics(name: classes.names[c], precision: precision, recall: recall, f1: f1, support: support))
            if support > 0 { recallSum += recall; recallClasses += 1 }
            if support > 0 || predictedC > 0 { f1Sum += f1; f1Classes += 1 }
        }
        self.classes = classes
        confusion = cm
        accuracy = Double(correct) / Double(total)
        uar = recallSum / Double(recallClasses)
        macroF1 = f1Sum / Double(f1Classes)
        perClass = per
    }

    /// Metrics of string labels; `classes` defaults to the sorted names occurring in either array.
    public init(truth: [String], predicted: [String], classes: LabelSet? = nil) throws(EvaluateError) {
        let set = classes ?? LabelSet(from: truth + predicted)
        try self.init(truth: set.encode(truth), predicted: set.encode(predicted), classes: set)
    }

    /// A Markdown summary: one line of accuracy / UAR / macro-F1, then the per-class table.
    public var markdown: String {
        var s = "accuracy \(Format.fixed(accuracy)) · UAR \(Format.fixed(uar)) · macro-F1 \(Format.fixed(macroF1))\n\n"
        s += "| class | precision | recall | F1 | support |\n| --- | ---: | ---: | ---: | ---: |\n"
        for m in perClass {
            s += "| \(m.name) | \(Format.fixed(m.precision)) | \(Format.fixed(m.recall)) | \(Format.fixed(m.f1)) | \(m.support) |\n"
        }
        return s
    }

    /// The confusion matrix as a Markdown table (true classes along rows); `normalized` shows row fractions.
    public func confusionMarkdown(normalized: Bool = false) -> String {
        let k = classes.count
        var s = "| true \\ predicted | " + classes.names.joined(separator: " | ") + " |\n"
        s += "| --- |" + String(repeating: " ---: |", count: k) + "\n"
        let norm = normalized ? confusion.rowNormalized : []
        for t in 0..<k {
            s += "| \(classes.names[t]) |"
            for p in 0..<k {
                s += normalized ? " \(Format.fixed(norm[t * k + p], digits: 2)) |" : " \(confusion[t, p]) |"
            }
            s += "\n"
        }
        return s
    }
}

/// Number formatting without Foundation.
enum Format {
    /// `x` rounded to `digits` decimals, always showing them: 0.5 → "0.500".
    static func fixed(_ x: Double, digits: Int = 3) -> String {
        guard x.isFinite else { return "\(x)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let negative = x < 0
        let n = Int((abs(x) * scale).rounded())
        let whole = n / Int(scale), frac = n % Int(scale)
        var f = String(frac)
        while f.count < digits { f = "0" + f }
        return (negative && n != 0 ? "-" : "") + (digits > 0 ? "\(whole).\(f)" : "\(whole)")
    }
}
