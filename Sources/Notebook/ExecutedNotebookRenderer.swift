import Support
/// Writes an executed notebook as Markdown: a header with the run's parameters and status, then the notebook's
/// prose and cells verbatim, each cell followed by its output (text, tables, links to its figures) and a
/// status line with its time.
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
                out += "\n" + parameterTable() + "\n"
            case .cell(let cell):
                out += cell.openingFence + "\n" + cell.source + cell.closingFence + "\n"
                if let result = results.next() { out += "\n" + render(result) }
            }
        }
        return out
    }

    private func header() -> String {
        let notebook = executed.notebook
        let counts = statusCounts()
        var line = "> **ser run** of `\(notebook.path)` · \(counts) · \(format(seconds: executed.seconds))"
        let overridden = executed.parameters.filter(\.overridden)
        if !overridden.isEmpty {
            line += " · " + overridden.map { "`\($0.declaration.name)=\($0.value)`" }.joined(separator: ", ")
        }
        var out = line + "\n"
        if let first = executed.failures.first, case .failed(let failedLine, let message) = first.status {
            let headline = message.split(separator: "\n").first.map(String.init) ?? message
            out += ">\n> **Partial run: \(first.cell.title) failed** at `\(notebook.path):\(failedLine)`: "
                + escapeInline(headline) + "\n"
        }
        return out + "\n"
    }

    private func statusCounts() -> String {
        var ok = 0, failed = 0, skipped = 0, notRun = 0
        for result in executed.results {
            switch result.status {
            case .ok: ok += 1
            case .failed: failed += 1
            case .skipped: skipped += 1
            case .notRun: notRun += 1
            }
        }
        var parts = ["\(executed.results.count) cells", "\(ok) ok"]
        if failed > 0 { parts.append("\(failed) failed") }
        if notRun > 0 { parts.append("\(notRun) not run") }
        if skipped > 0 { parts.append("\(skipped) skipped") }
        return parts.joined(separator: ", ")
    }

    private func parameterTable() -> String {
        var out = "| parameter | type | value | |\n| --- | --- | --- | --- |\n"
        for (declaration, value, overridden) in executed.parameters {
            out += "| `\(declaration.name)` | \(escapeCell(declaration.type.description)) | `\(value)` | "
                + (overridden ? "set by `--param`" : "default") + " |\n"
        }
        return out
    }

    private func render(_ result: CellResult) -> String {
        var out = ""
        let folder = Files.parentFolder(executed.outputPath)
        for item in result.output.items {
            switch item {
            case .text(let text):
                guard !text.isEmpty else { continue }
                out += fenced(text, info: "text")
            case .markdown(let text):
                out += text.hasSuffix("\n") ? text : text + "\n"
                out += "\n"
            case .figure(let path):
                let link = relativePath(to: path, from: folder.isEmpty ? "." : folder)
                let name = path.split(separator: "/").last.map(String.init) ?? path
                out += "![\(name)](\(link))\n\n"
            }
        }
        let title = result.cell.title
        switch result.status {
        case .ok:
            let cached = result.output.cacheHits > 0 ? " · \(result.output.cacheHits) from cache" : ""
            let replay = result.replaySummary.map { " · " + escapeInline($0) } ?? ""
            out += "*\(title) · ok · \(format(seconds: result.seconds))\(cached)\(replay)*\n"
        case .failed(_, let message):
            out += fenced(message, info: "text")
            out += "*\(title) · **failed** · \(format(seconds: result.seconds))*\n"
        case .skipped(let reason):
            out += "*\(title) · skipped (\(escapeInline(reason)))*\n"
        case .notRun:
            out += "*\(title) · not run (an earlier cell failed)*\n"
        }
        return out + "\n"
    }

    /// A fenced code block long enough not to be closed by backticks inside `text`.
    private func fenced(_ text: String, info: String) -> String {
        var longest = 0, run = 0
        for c in text {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + info + "\n" + (text.hasSuffix("\n") ? text : text + "\n") + fence + "\n\n"
    }

    private func escapeInline(_ text: String) -> String {
        text.replacingAll("*", with: "\\*").replacingAll("_", with: "\\_")
    }

    private func escapeCell(_ text: String) -> String {
        text.replacingAll("|", with: "\\|")
    }
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
