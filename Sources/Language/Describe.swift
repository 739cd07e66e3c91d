/// Tables for `describe` and `table`.
enum Describe {
    /// The detailed view of a value (`describe`).
    static func detailed(_ value: Value) -> Table {
        value.describe()
    }

    /// One row per value: reports become metric columns; other values their type and summary.
    static func resultsTable(_ values: [Value], names: [String]) -> Table {
        if values.count == 1, case .table(let t) = values[0].payload { return t }
        return Table(columns: ["name", "type", "value"],
                     rows: zip(names, values).map { [$0, $1.type.rawValue, $1.summary] },
                     alignments: [.left, .left, .left])
    }
}
