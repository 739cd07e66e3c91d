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

    /// What `describe` prints: the detailed table in Markdown, and for a feature table the rows per label
    /// value in a second table after it.
    static func markdown(_ value: Value) -> String {
        let table = detailed(value).markdown()
        guard case .features(let t) = value.payload, let counts = featureCounts(t) else { return table }
        return table + "\n\n" + counts.markdown()
    }

    /// One row per value: reports become metric columns (with an `id` column first and a `paper` column
    /// after the experiment's name when given); other values their type and summary.
    static func resultsTable(_ values: [Value], names: [String], ids: [String]? = nil, paper: [Double]? = nil) throws(VerbFailure) -> Table {
        if values.count == 1, ids == nil, paper == nil, case .table(let t) = values[0].payload { return t }
        let reports = values.compactMap { v -> ReportValue? in if case .report(let r) = v.payload { r } else { nil } }
        if reports.count == values.count {
            let rows = reports.indices.map { i -> [String] in
                let r = reports[i]
                let metrics = r.aggregate.map { a in [a.accuracy.description, a.uar.description, a.macroF1.description, String(a.count)] }
                    ?? [String(format: r.accuracy, decimals: 3), String(format: r.uar, decimals: 3), String(format: r.macroF1, decimals: 3), "1"]
                return (ids.map { [$0[i]] } ?? []) + [names[i]] + (paper.map { [String(format: $0[i], decimals: 2)] } ?? []) + metrics
            }
            let columns = (ids == nil ? [] : ["id"]) + ["experiment"] + (paper == nil ? [] : ["paper"]) + ["accuracy", "UAR", "macro-F1", "runs"]
            let alignments: [Table.Alignment] = (ids == nil ? [] : [.left]) + [.left] + (paper == nil ? [] : [.right]) + [.right, .right, .right, .right]
            return Table(columns: columns, rows: rows, alignments: alignments)
        }
        if ids != nil || paper != nil {
            throw VerbFailure("ids and paper apply to a table of reports; these values are \(Set(values.map(\.type.rawValue)).sorted().joined(separator: ", "))", argument: "values")
        }
        return Table(columns: ["name", "type", "value"],
                     rows: zip(names, values).map { [$0, $1.type.rawValue, $1.summary] },
                     alignments: [.left, .left, .left])
    }
}
