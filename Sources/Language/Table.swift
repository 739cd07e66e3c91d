import Features
import Foundation

/// A table of text cells: what `show` prints, what `table` writes (Markdown and CSV), and how
/// notebooks show results.
public struct Table: Sendable, Equatable {
    /// Column alignment in Markdown.
    public enum Alignment: Sendable, Equatable { case left, right }

    public var title: String?
    public var columns: [String]
    public var rows: [[String]]
    /// One per column; numbers are right-aligned by default.
    public var alignments: [Alignment]

    public init(title: String? = nil, columns: [String], rows: [[String]], alignments: [Alignment]? = nil) {
        self.title = title
        self.columns = columns
        self.rows = rows.map { row in
            row.count >= columns.count ? Array(row.prefix(columns.count))
                : row + [String](repeating: "", count: columns.count - row.count)
        }
        self.alignments = alignments ?? columns.indices.map { c in
            let numeric = !rows.isEmpty && rows.allSatisfy { $0.count > c && Table.looksNumeric($0[c]) }
            return numeric ? .right : .left
        }
    }

    /// A two-column key/value table.
    public init(title: String? = nil, properties: [(String, String)]) {
        self.init(title: title, columns: ["property", "value"], rows: properties.map { [$0.0, $0.1] },
                  alignments: [.left, .left])
    }

    static func looksNumeric(_ s: String) -> Bool {
        guard let f = s.first else { return false }
        return f.isNumber || ((f == "-" || f == "+") && s.dropFirst().first?.isNumber == true)
    }

    /// GitHub-flavoured Markdown, padded so it also reads well in a terminal; the title (if any) in bold
    /// on the line before.
    public func markdown() -> String {
        func esc(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        let head = columns.map(esc)
        let body = rows.map { $0.map(esc) }
        var widths = head.map { max(3, $0.count) }
        for row in body { for (c, cell) in row.enumerated() { widths[c] = max(widths[c], cell.count) } }
        func pad(_ s: String, _ c: Int) -> String {
            let fill = String(repeating: " ", count: widths[c] - s.count)
            return alignments[c] == .right ? fill + s : s + fill
        }
        var lines: [String] = []
        if let title { lines.append("**\(title)**"); lines.append("") }
        lines.append("| " + head.enumerated().map { pad($0.element, $0.offset) }.joined(separator: " | ") + " |")
        lines.append("| " + widths.enumerated().map { c, w in
            alignments[c] == .right ? String(repeating: "-", count: w - 1) + ":" : String(repeating: "-", count: w)
        }.joined(separator: " | ") + " |")
        for row in body {
            lines.append("| " + row.enumerated().map { pad($0.element, $0.offset) }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// RFC 4180 CSV: a header line, then one line per row; cells with `,`, `"` or newlines are quoted.
    public func csv() -> String {
        func q(_ s: String) -> String { CSV.field(s) }
        var out = columns.map(q).joined(separator: ",") + "\n"
        for row in rows { out += row.map(q).joined(separator: ",") + "\n" }
        return out
    }
}

/// Formats a number for tables: integers without a decimal point, others with up to `digits`
/// significant decimals.
public func formatNumber(_ v: Double, digits: Int = 4) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    let a = abs(v)
    if a >= 1e-3 && a < 1e7 {
        var s = String(format: v, decimals: digits)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
    return String(format: "%.\(digits)g", v)
}

extension String {
    /// Fixed-point formatting without Foundation: `v` rounded to `decimals` places.
    init(format v: Double, decimals: Int) {
        let scale = (0..<decimals).reduce(1.0) { r, _ in r * 10 }
        let r = (abs(v) * scale).rounded()
        let whole = Int64(r / scale)
        let frac = Int64(r - Double(whole) * scale)
        var f = String(frac)
        if f.count < decimals { f = String(repeating: "0", count: decimals - f.count) + f }
        self = (v < 0 && r != 0 ? "-" : "") + String(whole) + (decimals > 0 ? "." + f : "")
    }
}
