/// Counts of files per emotion (rows) and speaker (columns), as plain data plus text renderings.
public struct Summary: Sendable, Equatable, Hashable {
    /// Row labels: harmonised emotions first, in their order, then other labels.
    public let emotions: [String]
    /// Column labels: speakers, sorted ("" when the layout has no speakers).
    public let speakers: [String]
    /// Counts, flat row-major: `counts[e * speakers.count + s]`.
    public let counts: [Int]

    /// Counts `files` by emotion and speaker.
    public init(_ files: [CorpusFile]) {
        emotions = Array(Set(files.map(\.emotion))).sorted(by: Emotion.order)
        speakers = Array(Set(files.map(\.speaker))).sorted()
        var index: [String: Int] = [:]
        for (i, s) in speakers.enumerated() { index[s] = i }
        var rowOf: [String: Int] = [:]
        for (i, e) in emotions.enumerated() { rowOf[e] = i }
        var c = [Int](repeating: 0, count: emotions.count * speakers.count)
        for f in files { c[rowOf[f.emotion]! * speakers.count + index[f.speaker]!] += 1 }
        counts = c
    }

    /// Files of emotion `e` by speaker `s` (0 for unknown names).
    public func count(emotion: String, speaker: String) -> Int {
        guard let e = emotions.firstIndex(of: emotion), let s = speakers.firstIndex(of: speaker) else { return 0 }
        return counts[e * speakers.count + s]
    }

    /// All files of one emotion.
    public func total(emotion: String) -> Int {
        guard let e = emotions.firstIndex(of: emotion) else { return 0 }
        return (0..<speakers.count).reduce(0) { $0 + counts[e * speakers.count + $1] }
    }

    /// All files.
    public var total: Int { counts.reduce(0, +) }

    /// The table as rows of cells, header first, with a total column and a total row.
    public var cells: [[String]] {
        var rows: [[String]] = [["emotion"] + speakers.map { $0.isEmpty ? "(none)" : $0 } + ["total"]]
        for (e, name) in emotions.enumerated() {
            let row = (0..<speakers.count).map { counts[e * speakers.count + $0] }
            rows.append([name] + row.map(String.init) + [String(row.reduce(0, +))])
        }
        let columnTotals = (0..<speakers.count).map { s in (0..<emotions.count).reduce(0) { $0 + counts[$1 * speakers.count + s] } }
        rows.append(["total"] + columnTotals.map(String.init) + [String(total)])
        return rows
    }

    /// A Markdown table (emotion × speaker with totals).
    public var markdown: String {
        let rows = cells
        var s = "| " + rows[0].joined(separator: " | ") + " |\n"
        s += "| --- |" + String(repeating: " ---: |", count: rows[0].count - 1) + "\n"
        for r in rows.dropFirst() { s += "| " + r.joined(separator: " | ") + " |\n" }
        return s
    }

    /// A plain-text table with aligned columns.
    public var text: String {
        let rows = cells
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max()! }
        return rows.map { r in
            r.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
