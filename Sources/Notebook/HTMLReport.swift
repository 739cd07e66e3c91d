import Foundation
import Support
import Ink
import Language

/// An executed notebook as one self-contained HTML file: the prose (Markdown through Ink), each cell's code,
/// its output (text, tables, figures embedded as PNG data URIs), its status, time and cache hits, and a run
/// header with the parameters. No scripts, no external files or fonts: it opens offline and prints cleanly
/// (cells are not split across pages, figures fit the page width).
struct HTMLReport {
    let run: ExecutedNotebook

    init(_ run: ExecutedNotebook) {
        self.run = run
    }

    func render() throws(NotebookError) -> String {
        let parser = MarkdownParser()
        var results: [Int: CellResult] = [:]
        for result in run.results { results[result.cell.index] = result }
        let title = run.notebook.blocks.lazy.compactMap { block -> String? in
            guard case .prose(let text) = block else { return nil }
            return text.split(separator: "\n").first { $0.hasPrefix("# ") }.map { String($0.dropFirst(2)) }
        }.first ?? run.notebook.name

        var body = header(parser)
        for block in run.notebook.blocks {
            switch block {
            case .prose(let text):
                body += "<div class=\"prose\">\n" + parser.html(from: text) + "\n</div>\n"
            case .parameters:
                body += "<section class=\"cell parameters\">\n<div class=\"status\">parameters</div>\n"
                    + parser.html(from: run.parameterTable) + "\n</section>\n"
            case .cell(let cell):
                body += try render(cell, result: results[cell.index], parser: parser)
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="ser \(serVersion)">
            <title>\(escape(title)) · ser run</title>
            <style>
            \(Self.style)
            </style>
            </head>
            <body>
            <main>
            \(body)</main>
            </body>
            </html>

            """
    }

    private func header(_ parser: MarkdownParser) -> String {
        var counts: [String: Int] = [:]
        for result in run.results { counts[result.status.word, default: 0] += 1 }
        var parts = ["\(run.results.count) cells"]
        for word in ["ok", "failed", "cancelled", "not run", "skipped"] {
            if let n = counts[word] { parts.append("\(n) \(word)") }
        }
        let state = run.cancelled ? "cancelled" : run.succeeded ? "ok" : "failed"
        var out = "<header class=\"run \(state)\">\n<p><strong>ser run</strong> of <code>\(escape(run.notebook.path))</code> · ser \(serVersion) · "
            + escape(parts.joined(separator: ", ")) + " · " + format(seconds: run.seconds) + "</p>\n"
        if let first = run.failures.first, case .failed(let line, let message) = first.status {
            out += "<p class=\"alert\">Partial run: \(escape(first.cell.title)) failed at <code>\(escape(run.notebook.path)):\(line)</code>: "
                + escape(message.split(separator: "\n").first.map(String.init) ?? message) + "</p>\n"
        } else if let cancelled = run.results.first(where: { $0.status == .cancelled }) {
            out += "<p class=\"alert\">Partial run: cancelled (Ctrl-C) during \(escape(cancelled.cell.title)); the cells after it did not run.</p>\n"
        }
        let set = run.parameters.filter(\.overridden)
        if !set.isEmpty {
            out += "<p>Parameters set: " + set.map { "<code>\(escape("\($0.declaration.name)=\($0.value)"))</code>" }.joined(separator: ", ") + "</p>\n"
        }
        return out + "</header>\n"
    }


    private func render(_ cell: Cell, result: CellResult?, parser: MarkdownParser) throws(NotebookError) -> String {
        let status = result?.status.word ?? "not run"
        var head = escape(cell.title) + " · <span class=\"state\">\(escape(status))</span>"
        if let result {
            switch result.status {
            case .ok, .failed, .cancelled:
                head += " · " + format(seconds: result.seconds)
                if result.output.cacheHits > 0 { head += " · \(result.output.cacheHits) from cache" }
            case .skipped(let reason): head += " (" + escape(reason) + ")"
            case .notRun: head += run.cancelled ? " (the run was cancelled)" : " (an earlier cell failed)"
            }
        }
        let css = status.replacingAll(" ", with: "-")
        var out = "<section class=\"cell \(css)\" id=\"\(IPYNBWriter.cellID(cell))\">\n<div class=\"status\">\(head)</div>\n"
        out += "<pre class=\"code\"><code>" + escape(cell.source) + "</code></pre>\n"
        guard let result else { return out + "</section>\n" }
        for item in result.output.items {
            switch item {
            case .text(let text):
                guard !text.isEmpty else { continue }
                out += "<pre class=\"output\">" + escape(text) + "</pre>\n"
            case .markdown(let text):
                out += "<div class=\"output table\">\n" + parser.html(from: text) + "\n</div>\n"
            case .figure(let path):
                let bytes = try NotebookExport.figureBytes(path, cell: cell, notebook: run.notebook.path)
                let name = path.split(separator: "/").last.map(String.init) ?? path
                out += "<figure><img alt=\"\(escape(name))\" src=\"data:image/png;base64,\(Data(bytes).base64EncodedString())\">"
                    + "<figcaption>\(escape(name))</figcaption></figure>\n"
            }
        }
        switch result.status {
        case .failed(_, let message): out += "<pre class=\"output error\">" + escape(message) + "</pre>\n"
        case .cancelled: out += "<pre class=\"output error\">cancelled (Ctrl-C): the statements after the running one did not run</pre>\n"
        default: break
        }
        return out + "</section>\n"
    }

    private func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static let style = """
        body { margin: 0; background: #fff; color: #1b1b1b; font: 16px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; }
        main { max-width: 980px; margin: 0 auto; padding: 24px; }
        code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13.5px; }
        pre { white-space: pre-wrap; word-break: break-word; margin: 0; }
        header.run { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 14px; margin-bottom: 20px; background: #f6f8fa; }
        header.run.failed, header.run.cancelled { border-color: #cf222e; }
        .alert { color: #cf222e; font-weight: 600; }
        table { border-collapse: collapse; margin: 8px 0; }
        th, td { border: 1px solid #d0d7de; padding: 3px 9px; text-align: left; }
        th { background: #f6f8fa; }
        section.cell { border-left: 4px solid #2da44e; margin: 16px 0; padding: 2px 0 6px 12px; break-inside: avoid; page-break-inside: avoid; }
        section.cell.failed, section.cell.cancelled { border-left-color: #cf222e; }
        section.cell.skipped, section.cell.not-run { border-left-color: #8c959f; }
        section.cell.parameters { border-left-color: #0969da; }
        .status { font-size: 13px; color: #57606a; margin: 4px 0; }
        .state { font-weight: 600; }
        pre.code { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 10px; }
        pre.output { padding: 6px 10px; border-left: 2px solid #d0d7de; margin-top: 6px; }
        pre.error { color: #cf222e; border-left-color: #cf222e; }
        figure { margin: 8px 0; }
        figure img { max-width: 100%; height: auto; }
        figcaption { font-size: 12px; color: #57606a; }
        @media print {
          main { max-width: none; padding: 0; }
          section.cell, figure, table { break-inside: avoid; page-break-inside: avoid; }
          header.run { background: none; }
        }
        """
}
