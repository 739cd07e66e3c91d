import Foundation
import Language
import Support

/// What `--to` writes besides the executed Markdown.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// A Jupyter notebook (nbformat 4.5) with outputs and embedded figures: JupyterLab, VS Code, GitHub.
    case ipynb
    /// A self-contained HTML report (prose, code, outputs, tables, embedded figures, per-cell status).
    case html
}

/// Writes executed notebooks in other formats.
public enum NotebookExport {
    /// Writes `run` beside its executed Markdown (`build/notebooks/<name>.ipynb` / `.html`) atomically and
    /// returns the path.
    public static func write(_ run: ExecutedNotebook, as format: ExportFormat, to path: String? = nil) throws(NotebookError) -> String {
        let base = run.outputPath.hasSuffix(".md") ? String(run.outputPath.dropLast(3)) : run.outputPath
        let path = path ?? base + "." + format.rawValue
        let bytes: [UInt8]
        switch format {
        case .ipynb: bytes = try IPYNBWriter(run).data()
        case .html: bytes = Array(try HTMLReport(run).render().utf8)
        }
        do {
            try Files.makeParentDirectories(of: path)
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw NotebookError(.io, file: error.path ?? path, error.message)
        }
        return path
    }

    /// The PNG bytes of a figure an executed notebook shows, or an error naming it.
    static func figureBytes(_ path: String, cell: Cell, notebook: String) throws(NotebookError) -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try Files.readRegularFile(path, maxBytes: 1 << 30) } catch {
            throw NotebookError(.io, file: path, "cannot embed the figure of \(notebook) \(cell.title): cannot read it (\(error.message))")
        }
        guard bytes.count > 8, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) else {
            throw NotebookError(.io, file: path, "cannot embed the figure of \(notebook) \(cell.title): not a PNG file")
        }
        return bytes
    }
}

/// The layout of a notebook's text as a list of Jupyter cells: each prose run between ser blocks becomes
/// one markdown cell (without its edge blank lines), each ser block a code cell; the blank lines between
/// them are recorded where they differ from one (`lines_to_next_cell`, as jupytext does), so that the text
/// can be rebuilt byte for byte.
struct CellLayout {
    enum Unit {
        case markdown([String])
        case parameters(opening: String, body: [String], closing: String)
        case cell(Cell)
    }

    var units: [Unit] = []
    /// Blank lines after each unit.
    var blanksAfter: [Int] = []
    /// Blank lines before the first unit.
    var leadingBlanks = 0

    init(_ notebook: Notebook) {
        for block in notebook.blocks {
            switch block {
            case .prose(let text):
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if lines.last == "" { lines.removeLast() }
                let leading = lines.prefix { $0.trimmingSpaces.isEmpty }.count
                if leading == lines.count {
                    addBlanks(leading)
                    continue
                }
                let trailing = lines.reversed().prefix { $0.trimmingSpaces.isEmpty }.count
                addBlanks(leading)
                units.append(.markdown(Array(lines[leading..<(lines.count - trailing)])))
                blanksAfter.append(trailing)
            case .parameters(let text):
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if lines.last == "" { lines.removeLast() }
                units.append(.parameters(opening: lines.first ?? "```ser parameters", body: Array(lines.dropFirst().dropLast()),
                                         closing: lines.count > 1 ? lines[lines.count - 1] : "```"))
                blanksAfter.append(0)
            case .cell(let cell):
                units.append(.cell(cell))
                blanksAfter.append(0)
            }
        }
    }

    private mutating func addBlanks(_ count: Int) {
        if blanksAfter.isEmpty { leadingBlanks += count } else { blanksAfter[blanksAfter.count - 1] += count }
    }

    /// The blank-line count that needs no record: one between units, none after the last.
    static func defaultBlanks(isLast: Bool) -> Int { isLast ? 0 : 1 }
}

/// An executed notebook as nbformat 4.5 JSON.
struct IPYNBWriter {
    let run: ExecutedNotebook

    init(_ run: ExecutedNotebook) {
        self.run = run
    }

    func data() throws(NotebookError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(try notebook())) + [UInt8(ascii: "\n")]
        } catch let error as NotebookError {
            throw error
        } catch {
            throw NotebookError(.io, file: run.outputPath, "cannot encode the notebook as JSON: \(error)")
        }
    }

    func notebook() throws(NotebookError) -> JSONValue {
        let layout = CellLayout(run.notebook)
        var results: [Int: CellResult] = [:]
        for result in run.results { results[result.cell.index] = result }
        var cells: [JSONValue] = [summaryCell()]
        var executionCount = 0
        for (n, unit) in layout.units.enumerated() {
            var ser: [String: JSONValue] = [:]
            let blanks = layout.blanksAfter[n]
            var metadata: [String: JSONValue] = [:]
            if blanks != CellLayout.defaultBlanks(isLast: n == layout.units.count - 1) {
                metadata["lines_to_next_cell"] = .int(blanks)
            }
            switch unit {
            case .markdown(let lines):
                cells.append(.object([
                    "cell_type": .string("markdown"), "id": .string("md-\(n + 1)"),
                    "metadata": .object(metadata), "source": Self.source(lines),
                ]))
            case .parameters(let opening, let body, let closing):
                ser["fence"] = .string(opening)
                ser["closing_fence"] = .string(closing)
                ser["parameters"] = .object(Dictionary(uniqueKeysWithValues: run.parameters.map { ($0.declaration.name, $0.value.json) }))
                metadata["ser"] = .object(ser)
                metadata["tags"] = .array([.string("parameters")])
                cells.append(.object([
                    "cell_type": .string("code"), "id": .string("parameters"), "execution_count": .null,
                    "metadata": .object(metadata), "source": Self.source(body),
                    "outputs": .array([Self.display(markdown: run.parameterTable)]),
                ]))
            case .cell(let cell):
                ser["fence"] = .string(cell.openingFence)
                ser["closing_fence"] = .string(cell.closingFence)
                if let label = cell.label { ser["label"] = .string(label) }
                var options: [String: JSONValue] = [:]
                if !cell.options.cache { options["cache"] = .bool(false) }
                if let name = cell.options.when { options["when"] = .string(name) }
                if let name = cell.options.unless { options["unless"] = .string(name) }
                if !options.isEmpty { ser["options"] = .object(options) }
                var outputs: [JSONValue] = []
                var count: JSONValue = .null
                if let result = results[cell.index] {
                    ser["status"] = .string(result.status.word)
                    ser["seconds"] = .number((result.seconds * 1000).rounded() / 1000)
                    ser["cache_hits"] = .int(result.output.cacheHits)
                    switch result.status {
                    case .ok, .failed, .cancelled:
                        executionCount += 1
                        count = .int(executionCount)
                    case .skipped(let reason): ser["reason"] = .string(reason)
                    case .notRun: break
                    }
                    outputs = try self.outputs(result)
                }
                metadata["ser"] = .object(ser)
                cells.append(.object([
                    "cell_type": .string("code"), "id": .string(Self.cellID(cell)), "execution_count": count,
                    "metadata": .object(metadata), "source": Self.source(cell: cell.source), "outputs": .array(outputs),
                ]))
            }
        }
        var ser: [String: JSONValue] = [
            "version": .string(serVersion),
            "notebook": .string(run.notebook.path),
            "parameters": .object(Dictionary(uniqueKeysWithValues: run.parameters.map { ($0.declaration.name, $0.value.json) })),
            "set_by_param": .array(run.parameters.filter(\.overridden).map { .string($0.declaration.name) }),
            "status": .string(run.cancelled ? "cancelled" : run.succeeded ? "ok" : "failed"),
            "seconds": .number((run.seconds * 1000).rounded() / 1000),
        ]
        if layout.leadingBlanks > 0 { ser["leading_blank_lines"] = .int(layout.leadingBlanks) }
        // Each cell's status, time and cache hits, also here for tools that read only the notebook's metadata.
        ser["cells"] = .array(run.results.map { result in
            var cell: [String: JSONValue] = [
                "cell": .int(result.cell.index), "status": .string(result.status.word),
                "seconds": .number((result.seconds * 1000).rounded() / 1000), "cache_hits": .int(result.output.cacheHits),
            ]
            if let label = result.cell.label { cell["label"] = .string(label) }
            return .object(cell)
        })
        return .object([
            "nbformat": .int(4), "nbformat_minor": .int(5),
            "metadata": .object([
                "language_info": .object([
                    "name": .string("ser"), "version": .string(serVersion), "file_extension": .string(".ser"),
                    "mimetype": .string("text/x-ser"),
                ]),
                "ser": .object(ser),
            ]),
            "cells": .array(cells),
        ])
    }

    /// A cell id (nbformat 4.5: 1–64 of `a-z A-Z 0-9 - _`): `cell-4-train-emovo`, unique within the notebook.
    static func cellID(_ cell: Cell) -> String {
        let label = (cell.label ?? "").map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? String($0) : "-" }.joined()
        let id = "cell-\(cell.index)" + (label.isEmpty ? "" : "-" + label)
        return String(id.filter(\.isASCII).prefix(64))
    }

    /// The run summary shown first (marked, so that `ser import` leaves it out).
    private func summaryCell() -> JSONValue {
        var counts: [String: Int] = [:]
        for result in run.results { counts[result.status.word, default: 0] += 1 }
        var line = "**ser run** of `\(run.notebook.path)` · ser \(serVersion) · \(run.results.count) cells"
        for word in ["ok", "failed", "cancelled", "not run", "skipped"] {
            if let n = counts[word] { line += ", \(n) \(word)" }
        }
        line += " · " + format(seconds: run.seconds)
        let set = run.parameters.filter(\.overridden)
        if !set.isEmpty { line += " · " + set.map { "`\($0.declaration.name)=\($0.value)`" }.joined(separator: ", ") }
        return .object([
            "cell_type": .string("markdown"), "id": .string("ser-run-summary"),
            "metadata": .object(["ser": .object(["run_summary": .bool(true)])]),
            "source": Self.source([line]),
        ])
    }


    private func outputs(_ result: CellResult) throws(NotebookError) -> [JSONValue] {
        var outputs: [JSONValue] = []
        for item in result.output.items {
            switch item {
            case .text(let text):
                guard !text.isEmpty else { continue }
                outputs.append(.object(["output_type": .string("stream"), "name": .string("stdout"),
                                        "text": Self.source(text.hasSuffix("\n") ? text : text + "\n")]))
            case .markdown(let text):
                outputs.append(Self.display(markdown: text))
            case .figure(let path):
                let bytes = try NotebookExport.figureBytes(path, cell: result.cell, notebook: run.notebook.path)
                let name = path.split(separator: "/").last.map(String.init) ?? path
                outputs.append(.object([
                    "output_type": .string("display_data"),
                    "data": .object(["image/png": .string(Data(bytes).base64EncodedString() + "\n"),
                                     "text/plain": Self.source("<figure \(name)>")]),
                    "metadata": .object([:]),
                ]))
            }
        }
        switch result.status {
        case .failed(_, let message):
            let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            outputs.append(.object([
                "output_type": .string("error"), "ename": .string("ser error"), "evalue": .string(lines.first ?? message),
                "traceback": .array(lines.map { .string($0) }),
            ]))
        case .cancelled:
            outputs.append(.object(["output_type": .string("stream"), "name": .string("stderr"),
                                    "text": Self.source("cancelled (Ctrl-C): the statements after the running one did not run\n")]))
        default: break
        }
        return outputs
    }

    static func display(markdown text: String) -> JSONValue {
        .object([
            "output_type": .string("display_data"),
            "data": .object(["text/markdown": source(text), "text/plain": source(text)]),
            "metadata": .object([:]),
        ])
    }

    /// nbformat's multi-line string: a list of lines, each but the last ending in `\n`.
    static func source(_ text: String) -> JSONValue {
        var lines: [JSONValue] = []
        var current = ""
        for c in text {
            current.append(c)
            if c == "\n" { lines.append(.string(current)); current = "" }
        }
        if !current.isEmpty { lines.append(.string(current)) }
        return .array(lines)
    }

    /// Source lines (without newlines) as nbformat's multi-line string.
    static func source(_ lines: [String]) -> JSONValue {
        source(lines.joined(separator: "\n"))
    }

    /// A cell's statements: its text without the final newline.
    static func source(cell text: String) -> JSONValue {
        source(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    }
}
