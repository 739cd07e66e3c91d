import Foundation

/// How predictions are written: the tables the language shows, and the lines `ser predict` prints as windows
/// complete (a human table, CSV or JSON lines). Both front-ends use these, so their columns are the same.
public enum PredictionFormat {
    /// Window rows: file, window, start_s, end_s, [true,] predicted, one probability column per class.
    public static func windowTable(_ files: [FilePrediction], classes: [String]) -> Table {
        let truth = files.contains { $0.truth != nil }
        let rows = files.flatMap { f in
            f.windows.map { w in
                [f.file, String(w.window), seconds(w.start), seconds(w.end)] + (truth ? [f.truth ?? ""] : [])
                    + [classes[w.best]] + w.probabilities.map { fixed($0) }
            }
        }
        let columns = ["file", "window", "start_s", "end_s"] + (truth ? ["true"] : []) + ["predicted"] + classes
        return Table(title: "predictions per window", columns: columns, rows: rows,
                     alignments: [.left, .right, .right, .right] + (truth ? [.left] : []) + [.left] + classes.map { _ in .right })
    }

    /// File rows: file, windows, [true,] predicted (highest mean probability), confidence (that mean), and the
    /// mean probability of every class.
    public static func fileTable(_ files: [FilePrediction], classes: [String]) -> Table {
        let truth = files.contains { $0.truth != nil }
        let rows = files.map { f in
            [f.file, String(f.windows.count)] + (truth ? [f.truth ?? ""] : []) + [classes[f.best], fixed(f.confidence)]
                + f.mean.map { fixed($0) }
        }
        let columns = ["file", "windows"] + (truth ? ["true"] : []) + ["predicted", "confidence"] + classes
        var table = Table(title: "predictions per file (class of the highest mean probability)", columns: columns, rows: rows,
                          alignments: [.left, .right] + (truth ? [.left] : []) + [.left, .right] + classes.map { _ in .right })
        if truth {
            let scored = files.filter { $0.truth != nil }
            let right = scored.filter { classes[$0.best] == $0.truth }.count
            table.title! += " — \(right) of \(scored.count) files right"
        }
        return table
    }

    /// `0.8123`: a probability as tables show it.
    public static func fixed(_ p: Float) -> String { String(format: "%.4f", Double(p)) }

    /// `2.000`: seconds with three decimals.
    public static func seconds(_ s: Double) -> String { String(format: "%.3f", s) }

    /// The shortest text that reads back as the same Float (CSV and JSON).
    public static func exact(_ p: Float) -> String { "\(p)" }
}

/// Prints predictions line by line as they come (so a live stream shows each window when it completes):
/// `human` as an aligned table, `csv` with a header, `json` as one object per line.
public struct PredictionPrinter {
    public enum Style: Sendable { case human, csv, json }

    public let style: Style
    public let classes: [String]
    /// Whether recordings carry a true class (a `true` column).
    public let truth: Bool
    /// Whether the model was trained on a demo corpus (JSON's `demo_model`).
    public let demo: Bool
    let fileWidth: Int
    let classWidth: Int

    /// `files`: the names that will be printed (to size the file column of the human table).
    public init(style: Style, classes: [String], files: [String], truth: Bool, demo: Bool) {
        self.style = style
        self.classes = classes
        self.truth = truth
        self.demo = demo
        fileWidth = min(48, max(4, files.map(\.count).max() ?? 4))
        classWidth = max(9, classes.map(\.count).max() ?? 0)
    }

    /// The lines before the first window.
    public func header() -> [String] {
        switch style {
        case .human:
            return [row(["file".leftAligned(fileWidth), "window".rightAligned(6), "start".rightAligned(7), "end".rightAligned(7)]
                        + (truth ? ["true".leftAligned(classWidth)] : []) + ["predicted".leftAligned(classWidth)]
                        + classes.map { $0.rightAligned(max(6, $0.count)) })]
        case .csv:
            return [(["kind", "file", "window", "start_s", "end_s"] + (truth ? ["true"] : []) + ["predicted", "confidence"]
                     + classes).map(csvField).joined(separator: ",")]
        case .json:
            return []
        }
    }

    /// One window, as soon as it is complete.
    public func window(_ w: WindowPrediction, truth t: String?) -> String {
        switch style {
        case .human:
            let file = w.file.count > fileWidth ? "…" + String(w.file.suffix(fileWidth - 1)) : w.file.leftAligned(fileWidth)
            return row([file, String(w.window).rightAligned(6), String(format: "%.2f", w.start).rightAligned(7), String(format: "%.2f", w.end).rightAligned(7)]
                       + (truth ? [(t ?? "").leftAligned(classWidth)] : []) + [classes[w.best].leftAligned(classWidth)]
                       + zip(classes, w.probabilities).map { PredictionFormat.fixed($1).rightAligned(max(6, $0.count)) })
        case .csv:
            return (["window", w.file, String(w.window), PredictionFormat.seconds(w.start), PredictionFormat.seconds(w.end)]
                    + (truth ? [t ?? ""] : []) + [classes[w.best], PredictionFormat.exact(w.probabilities[w.best])]
                    + w.probabilities.map(PredictionFormat.exact)).map(csvField).joined(separator: ",")
        case .json:
            var fields = [("kind", json("window")), ("file", json(w.file)), ("window", String(w.window)),
                          ("start_s", PredictionFormat.seconds(w.start)), ("end_s", PredictionFormat.seconds(w.end))]
            if truth { fields.append(("true", t.map(json) ?? "null")) }
            fields += [("predicted", json(classes[w.best])), ("confidence", PredictionFormat.exact(w.probabilities[w.best])),
                       ("probabilities", probabilities(w.probabilities)), ("demo_model", demo ? "true" : "false")]
            return object(fields)
        }
    }

    /// One recording's verdict, after its last window.
    public func file(_ f: FilePrediction) -> String {
        switch style {
        case .human:
            var line = "→ \(f.file): \(classes[f.best]) (confidence \(PredictionFormat.fixed(f.confidence)), mean of \(f.windows.count) window\(f.windows.count == 1 ? "" : "s"))"
            if let t = f.truth { line += t == classes[f.best] ? ", labelled \(t): right" : ", labelled \(t): wrong" }
            return line
        case .csv:
            return (["file", f.file, "", "0.000", PredictionFormat.seconds(f.end)] + (truth ? [f.truth ?? ""] : [])
                    + [classes[f.best], PredictionFormat.exact(f.confidence)] + f.mean.map(PredictionFormat.exact)).map(csvField).joined(separator: ",")
        case .json:
            var fields = [("kind", json("file")), ("file", json(f.file)), ("windows", String(f.windows.count)),
                          ("end_s", PredictionFormat.seconds(f.end))]
            if truth { fields.append(("true", f.truth.map(json) ?? "null")) }
            fields += [("predicted", json(classes[f.best])), ("confidence", PredictionFormat.exact(f.confidence)),
                       ("probabilities", probabilities(f.mean)), ("demo_model", demo ? "true" : "false")]
            return object(fields)
        }
    }

    private func row(_ cells: [String]) -> String { cells.joined(separator: "  ") }

    private func probabilities(_ p: [Float]) -> String {
        "{" + zip(classes, p).map { "\(json($0)): \(PredictionFormat.exact($1))" }.joined(separator: ", ") + "}"
    }

    private func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(json($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }
}

/// A JSON string literal.
func json(_ s: String) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    // Encoding a String cannot fail.
    return String(decoding: try! encoder.encode(s), as: UTF8.self)
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
func csvField(_ s: String) -> String {
    s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

extension String {
    /// Left-aligned in `width` columns.
    func leftAligned(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    /// Right-aligned in `width` columns.
    func rightAligned(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
