import Evaluate

/// Tables for `describe` and `table`.
enum Describe {
    /// The detailed view of a value (`describe`).
    static func detailed(_ value: Value) -> Table {
        switch value.payload {
        case .features(let t): featureDescription(t, detailed: true)
        case .report(let r): confusionTable(r, normalized: true)
        case .run(let r): historyTable(r.history)
        case .corpus(let c): CorpusVerbs.table(c, detailed: true)
        default: value.describe()
        }
    }

    /// One row per value: reports become metric columns; other values their type and summary.
    static func resultsTable(_ values: [Value], names: [String]) -> Table {
        if values.count == 1, case .table(let t) = values[0].payload { return t }
        let reports = values.compactMap { v -> ReportValue? in if case .report(let r) = v.payload { r } else { nil } }
        if reports.count == values.count {
            let rows = zip(names, reports).map { name, r -> [String] in
                if let a = r.aggregate {
                    return [name, a.accuracy.description, a.uar.description, a.macroF1.description, String(a.count)]
                }
                return [name, String(format: r.accuracy, decimals: 3), String(format: r.uar, decimals: 3), String(format: r.macroF1, decimals: 3), "1"]
            }
            return Table(columns: ["experiment", "accuracy", "UAR", "macro-F1", "runs"], rows: rows,
                         alignments: [.left, .right, .right, .right, .right])
        }
        return Table(columns: ["name", "type", "value"],
                     rows: zip(names, values).map { [$0, $1.type.rawValue, $1.summary] },
                     alignments: [.left, .left, .left])
    }
}
