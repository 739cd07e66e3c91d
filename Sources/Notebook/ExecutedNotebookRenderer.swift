import Language
import Support

/// Writes an executed notebook as Markdown: a header with the run's parameters and status, then the notebook's
/// prose and cells verbatim, each cell followed by its output (text, tables, links to its figures) and a
/// status line with its time.
///
/// What the run added is fenced by one-line HTML comments, which Markdown viewers hide: the header by
/// `<!-- ser:run {…} -->`, the parameter table by `<!-- ser:parameters -->`, each cell's output by
/// `<!-- ser:output {…} -->`, each closed by `<!-- ser:end -->`. The JSON in them keeps what the text does
/// not show exactly (values, status, seconds, item boundaries), so ``ExecutedNotebook/init(contentsOf:)``
/// reads the run back and, with the fenced parts removed, the notebook's own text is left byte for byte.
struct ExecutedNotebookRenderer {
    let executed: ExecutedNotebook

    init(_ executed: ExecutedNotebook) {
        self.executed = executed
    }

    func render() -> String {
        var out = header()
        var results = executed.results.makeIterator()
        for block in executed.notebook.blocks {
            switch block {
            case .prose(let text):
                out += text
            case .parameters(let text):
                out += text
                out += "\n" + ExecutedMarker.parameters + "\n" + executed.parameterTable + ExecutedMarker.end + "\n"
            case .cell(let cell):
                out += cell.openingFence + "\n" + cell.source + cell.closingFence + "\n"
                if let result = results.next() { out += "\n" + render(result) }
            }
        }
        return out
    }

    private func header() -> String {
        let notebook = executed.notebook
        let record = RunHeaderRecord(
            notebook: notebook.path, ser: serVersion,
            parameters: Dictionary(uniqueKeysWithValues: executed.parameters.map { ($0.declaration.name, $0.value.json) }),
            set: executed.parameters.filter(\.overridden).map(\.declaration.name))
        let counts = statusCounts()
        var line = "> **ser run** of `\(notebook.path)` · \(counts) · \(format(seconds: executed.seconds))"
        let overridden = executed.parameters.filter(\.overridden)
        if !overridden.isEmpty {
            line += " · " + overridden.map { "`\($0.declaration.name)=\($0.value)`" }.joined(separator: ", ")
        }
        var out = ExecutedMarker.run + " " + commentJSON(record) + " -->\n" + line + "\n"
        if let first = executed.failures.first, case .failed(let failedLine, let message) = first.status {
            let headline = message.split(separator: "\n").first.map(String.init) ?? message
            out += ">\n> **Partial run: \(first.cell.title) failed** at `\(notebook.path):\(failedLine)`: "
                + escapeInline(headline) + "\n"
        } else if let cancelled = executed.results.first(where: { $0.status == .cancelled }) {
            out += ">\n> **Partial run: cancelled (Ctrl-C) during \(cancelled.cell.title)**; the cells after it did not run\n"
        }
        return out + ExecutedMarker.end + "\n\n"
    }

    private func statusCounts() -> String {
        var ok = 0, failed = 0, skipped = 0, notRun = 0, cancelled = 0
        for result in executed.results {
            switch result.status {
            case .ok: ok += 1
            case .failed: failed += 1
            case .skipped: skipped += 1
            case .notRun: notRun += 1
            case .cancelled: cancelled += 1
            }
        }
        var parts = ["\(executed.results.count) cells", "\(ok) ok"]
        if failed > 0 { parts.append("\(failed) failed") }
        if cancelled > 0 { parts.append("\(cancelled) cancelled") }
        if notRun > 0 { parts.append("\(notRun) not run") }
        if skipped > 0 { parts.append("\(skipped) skipped") }
        return parts.joined(separator: ", ")
    }


    private func render(_ result: CellResult) -> String {
        var out = ""
        var kinds: [String] = []
        let folder = Files.parentFolder(executed.outputPath)
        for item in result.output.items {
            let rendered: String
            let kind: String
            switch item {
            case .text(let text):
                guard !text.isEmpty else { continue }
                rendered = fenced(text, info: "text")
                kind = "text"
            case .markdown(let text):
                rendered = text.hasSuffix("\n") ? text : text + "\n"
                kind = "markdown"
            case .figure(let path):
                let link = relativePath(to: path, from: folder.isEmpty ? "." : folder)
                let name = path.split(separator: "/").last.map(String.init) ?? path
                rendered = "![\(name)](\(link))\n"
                kind = "figure"
            }
            kinds.append("\(kind):\(rendered.utf8.count(where: { $0 == UInt8(ascii: "\n") }))")
            out += rendered + "\n"
        }
        out = ExecutedMarker.output + " " + commentJSON(CellRecord(result, items: kinds)) + " -->\n" + out
        let title = result.cell.title
        switch result.status {
        case .ok:
            let cached = result.output.cacheHits > 0 ? " · \(result.output.cacheHits) from cache" : ""
            let replay = result.replaySummary.map { " · " + escapeInline($0) } ?? ""
            out += "*\(title) · ok · \(format(seconds: result.seconds))\(cached)\(replay)*\n"
        case .failed(_, let message):
            out += fenced(message, info: "text") + "\n"
            out += "*\(title) · **failed** · \(format(seconds: result.seconds))*\n"
        case .skipped(let reason):
            out += "*\(title) · skipped (\(escapeInline(reason)))*\n"
        case .notRun:
            out += "*\(title) · not run (\(executed.cancelled ? "the run was cancelled" : "an earlier cell failed"))*\n"
        case .cancelled:
            out += "*\(title) · **cancelled** (Ctrl-C) · \(format(seconds: result.seconds))*\n"
        }
        return out + ExecutedMarker.end + "\n"
    }

    /// A fenced code block long enough not to be closed by backticks inside `text`.
    private func fenced(_ text: String, info: String) -> String {
        let fence = String(repeating: "`", count: max(3, longestRun(of: "`", in: text) + 1))
        return fence + info + "\n" + (text.hasSuffix("\n") ? text : text + "\n") + fence + "\n"
    }

    private func escapeInline(_ text: String) -> String {
        text.replacingAll("*", with: "\\*").replacingAll("_", with: "\\_")
    }

}

extension ExecutedNotebook {
    /// The parameters' values as a Markdown table: name, type, value, and whether `--param`, the run
    /// (figures beside the executed notebook) or the default set it.
    var parameterTable: String {
        var out = "| parameter | type | value | |\n| --- | --- | --- | --- |\n"
        for (declaration, value, overridden) in parameters {
            out += "| `\(declaration.name)` | \(declaration.type.description.replacingAll("|", with: "\\|")) | `\(value)` | "
                + (overridden ? "set by `--param`" : value == declaration.defaultValue ? "default" : "set by the run") + " |\n"
        }
        return out
    }
}

/// The comment lines that fence what a run added to an executed notebook.
enum ExecutedMarker {
    static let run = "<!-- ser:run"
    static let parameters = "<!-- ser:parameters -->"
    static let output = "<!-- ser:output"
    static let end = "<!-- ser:end -->"
}

/// The longest run of `character` in `text` (for fences that text cannot close).
func longestRun(of character: Character, in text: String) -> Int {
    var longest = 0, run = 0
    for c in text {
        run = c == character ? run + 1 : 0
        longest = max(longest, run)
    }
    return longest
}

/// `0.42 s`, `12.3 s`, `2 min 05 s`.
func format(seconds: Double) -> String {
    if seconds < 10 { return String(Double(Int((seconds * 100).rounded())) / 100) + " s" }
    if seconds < 60 { return String(Double(Int((seconds * 10).rounded())) / 10) + " s" }
    let whole = Int(seconds.rounded())
    let s = whole % 60
    return "\(whole / 60) min \(s < 10 ? "0" : "")\(s) s"
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
