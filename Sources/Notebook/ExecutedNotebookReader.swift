import Foundation
import Support

extension ExecutedNotebook {
    /// Reads an executed notebook that `ser run` wrote (`build/notebooks/<name>.md`) back into the run it
    /// records: the notebook (its own text, byte for byte), the parameter values, and each cell's status,
    /// time, cache hits and output. Figure paths are taken relative to the executed notebook's folder.
    ///
    /// - Throws: ``NotebookError`` naming the file (and line) when it is not an executed notebook or its
    ///   records are damaged.
    public init(contentsOf path: String) throws(NotebookError) {
        let text: String
        do { text = String(decoding: try Files.readRegularFile(path, maxBytes: 1 << 30), as: UTF8.self) } catch {
            throw NotebookError(.io, file: path, "cannot read executed notebook: \(error.message)")
        }
        try self.init(text: text, path: path)
    }

    /// Reads executed-notebook text; `path` is where it lives (figure links are relative to its folder).
    public init(text: String, path: String) throws(NotebookError) {
        func fail(_ line: Int?, _ message: String) -> NotebookError {
            NotebookError(.syntax, file: path, line: line, message)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, first.hasPrefix(ExecutedMarker.run + " ") else {
            throw fail(1, "not an executed notebook: it does not start with the '\(ExecutedMarker.run) …' record "
                + "that `ser run` writes (run the notebook with `ser run \(path)` first)")
        }
        let decoder = JSONDecoder()
        func record<T: Decodable>(_ type: T.Type, in line: String, prefix: String, at number: Int) throws(NotebookError) -> T {
            guard line.hasSuffix(" -->") else { throw fail(number, "the record is not closed with ' -->'") }
            let json = line.dropFirst(prefix.count).dropLast(4)
            do { return try decoder.decode(T.self, from: Data(json.utf8)) } catch {
                throw fail(number, "damaged run record: \(error.localizedDescription)")
            }
        }
        let header = try record(RunHeaderRecord.self, in: first, prefix: ExecutedMarker.run, at: 1)

        // Take out the fenced regions; what is left is the notebook's own text.
        var original: [String] = []
        var outputs: [(record: CellRecord, body: [String], line: Int)] = []
        var i = 0
        func region(from start: Int) throws(NotebookError) -> [String] {
            var j = start + 1
            while j < lines.count, lines[j] != ExecutedMarker.end { j += 1 }
            guard j < lines.count else { throw fail(start + 1, "the run's record opened here is never closed by '\(ExecutedMarker.end)'") }
            defer { i = j + 1 }
            return Array(lines[(start + 1)..<j])
        }
        _ = try region(from: 0)
        // The header is followed by one blank line.
        if i < lines.count, lines[i].isEmpty { i += 1 }
        while i < lines.count {
            let line = lines[i]
            let afterBlank = i > 0 && lines[i - 1].isEmpty && !original.isEmpty
            if afterBlank, line == ExecutedMarker.parameters {
                original.removeLast()
                _ = try region(from: i)
            } else if afterBlank, line.hasPrefix(ExecutedMarker.output + " ") {
                original.removeLast()
                let number = i + 1
                let cell = try record(CellRecord.self, in: line, prefix: ExecutedMarker.output, at: number)
                outputs.append((cell, try region(from: i), number))
            } else {
                original.append(line)
                i += 1
            }
        }
        let notebookText = original.isEmpty ? "" : original.joined(separator: "\n") + "\n"
        let notebook = try Notebook(text: notebookText, path: header.notebook)

        var parameters: [(declaration: ParameterDeclaration, value: ParameterValue, overridden: Bool)] = []
        for declaration in notebook.parameters {
            guard let json = header.parameters[declaration.name],
                  let value = ParameterValue(json: json, type: declaration.type) else {
                throw fail(1, "the run record has no \(declaration.type) value for parameter '\(declaration.name)'")
            }
            parameters.append((declaration, value, header.set.contains(declaration.name)))
        }

        let folder = Files.parentFolder(path)
        var results: [CellResult] = []
        let cells = notebook.cells
        guard outputs.count == cells.count else {
            throw fail(nil, "the notebook has \(cells.count) cells but the run recorded \(outputs.count)")
        }
        for (cell, output) in zip(cells, outputs) {
            guard output.record.cell == cell.index, let status = output.record.resultStatus else {
                throw fail(output.line, "damaged run record for \(cell.title)")
            }
            var body = output.body[...]
            var items: [CellOutput.Item] = []
            for kind in output.record.items {
                let parts = kind.split(separator: ":")
                guard parts.count == 2, let count = Int(parts[1]), count >= 1, body.count >= count else {
                    throw fail(output.line, "damaged output record '\(kind)' for \(cell.title)")
                }
                let itemLines = Array(body.prefix(count))
                body = body.dropFirst(count)
                if body.first == "" { body = body.dropFirst() }
                switch parts[0] {
                case "text":
                    guard itemLines.count >= 2 else { throw fail(output.line, "damaged text output for \(cell.title)") }
                    items.append(.text(itemLines.dropFirst().dropLast().joined(separator: "\n")))
                case "markdown":
                    items.append(.markdown(itemLines.joined(separator: "\n")))
                case "figure":
                    let link = itemLines[0]
                    guard let open = link.lastIndex(of: "("), link.hasSuffix(")") else {
                        throw fail(output.line, "damaged figure link '\(link)' for \(cell.title)")
                    }
                    let target = String(link[link.index(after: open)..<link.index(before: link.endIndex)])
                    items.append(.figure(target.hasPrefix("/") || folder.isEmpty ? target : folder + "/" + target))
                default:
                    throw fail(output.line, "unknown output kind '\(parts[0])' for \(cell.title)")
                }
            }
            results.append(CellResult(cell: cell, status: status,
                                      output: CellOutput(items: items, cacheHits: output.record.cacheHits),
                                      seconds: output.record.seconds))
        }
        self.init(notebook: notebook, parameters: parameters, results: results, outputPath: path)
    }
}
