import Foundation
import Support

/// `ser import NB.ipynb`: a Jupyter notebook whose code cells are ser back to ser's plain-text notebook.
///
/// Markdown (and raw) cells become prose, the code cell tagged `parameters` the parameters block, every
/// other code cell a ```` ```ser ```` cell; outputs and the run summary are left out. Labels and options
/// come from each cell's `ser` metadata, the fences verbatim when they still say the same, and the blank
/// lines between cells from `lines_to_next_cell`: a notebook `ser run --to ipynb` wrote comes back byte for
/// byte, with whatever was edited in JupyterLab or VS Code in it. The result is checked by reading it as a
/// notebook, so that an edit cannot change its structure unnoticed (a markdown cell that opens a ```` ```ser ````
/// fence, a duplicate label).
public enum IPYNBImport {
    /// The notebook text of the .ipynb file at `path`.
    public static func notebookText(contentsOf path: String) throws(NotebookError) -> String {
        let bytes: [UInt8]
        do { bytes = try Files.readRegularFile(path, maxBytes: 1 << 30) } catch {
            throw NotebookError(.io, file: path, "cannot read: \(error.message)")
        }
        return try notebookText(bytes, path: path)
    }

    public static func notebookText(_ bytes: [UInt8], path: String) throws(NotebookError) -> String {
        func fail(_ message: String) -> NotebookError { NotebookError(.syntax, file: path, message) }
        let json: JSONValue
        do { json = try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) } catch {
            throw fail("not a Jupyter notebook: not valid JSON (\(Self.describe(error)))")
        }
        guard case .int(let major) = json["nbformat"] ?? .null else {
            throw fail("not a Jupyter notebook: no 'nbformat' version")
        }
        guard major == 4 else { throw fail("nbformat \(major) is not supported (ser reads nbformat 4)") }
        let language = json["metadata"]?["language_info"]?["name"]?.string ?? json["metadata"]?["kernelspec"]?["language"]?.string
        if let language, language != "ser" {
            throw fail("its code cells are \(language), not ser (metadata.language_info.name)")
        }
        guard case .array(let cells) = json["cells"] ?? .null else { throw fail("not a Jupyter notebook: no 'cells' list") }

        var lines: [String] = []
        let leading: Int
        if case .int(let n) = json["metadata"]?["ser"]?["leading_blank_lines"] ?? .null { leading = max(0, n) } else { leading = 0 }
        lines += Array(repeating: "", count: leading)
        var units: [(lines: [String], blanks: Int?)] = []
        var codeCells = 0
        var sawParameters = false
        for (n, cell) in cells.enumerated() {
            let number = n + 1
            let kind = cell["cell_type"]?.string ?? ""
            let metadata = cell["metadata"] ?? .object([:])
            let ser = metadata["ser"] ?? .object([:])
            if ser["run_summary"] == .bool(true) { continue }
            let source = try Self.text(cell["source"], cell: number, path: path)
            var blanks: Int?
            if case .int(let b) = metadata["lines_to_next_cell"] ?? .null { blanks = max(0, b) }
            switch kind {
            case "markdown", "raw":
                units.append((source.isEmpty ? [] : source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), blanks))
            case "code":
                var body = source.isEmpty ? [] : source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if body.last == "" { body.removeLast() }
                let isParameters = metadata["tags"].map { tags in
                    if case .array(let items) = tags { items.contains(.string("parameters")) } else { false }
                } ?? false
                if isParameters {
                    guard !sawParameters else { throw fail("cell \(number): a second cell tagged 'parameters'; a notebook has one") }
                    sawParameters = true
                    let opening = ser["fence"]?.string.flatMap { $0.parametersFence } ?? "```ser parameters"
                    units.append((Self.fenced(opening, body, closing: ser["closing_fence"]?.string), blanks))
                } else {
                    codeCells += 1
                    let opening = try Self.opening(ser, cell: number, path: path)
                    units.append((Self.fenced(opening, body, closing: ser["closing_fence"]?.string), blanks))
                }
            default:
                throw fail("cell \(number) has cell_type '\(kind)' (expected markdown, code or raw)")
            }
        }
        for (n, unit) in units.enumerated() {
            lines += unit.lines
            lines += Array(repeating: "", count: unit.blanks ?? CellLayout.defaultBlanks(isLast: n == units.count - 1))
        }
        let text = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
        let notebook = try Notebook(text: text, path: path)
        guard notebook.cells.count == codeCells else {
            throw fail("the notebook's markdown opens or closes ```ser fences: it would have \(notebook.cells.count) cells, "
                + "the .ipynb has \(codeCells) ser code cells; put ser code in code cells")
        }
        return text
    }

    /// A cell's source (a string or a list of strings).
    static func text(_ value: JSONValue?, cell: Int, path: String) throws(NotebookError) -> String {
        switch value ?? .string("") {
        case .string(let s): return s
        case .array(let parts):
            var out = ""
            for part in parts {
                guard case .string(let s) = part else {
                    throw NotebookError(.syntax, file: path, "cell \(cell): its source holds something other than text")
                }
                out += s
            }
            return out
        default:
            throw NotebookError(.syntax, file: path, "cell \(cell): its source is not text")
        }
    }

    /// The opening fence of a code cell: the recorded one when it still carries the label and options the
    /// metadata holds (which JupyterLab's cell inspector may have edited), else one written from them.
    static func opening(_ ser: JSONValue, cell: Int, path: String) throws(NotebookError) -> String {
        let label = ser["label"]?.string
        var options = CellOptions()
        if ser["options"]?["cache"] == .bool(false) { options.cache = false }
        options.when = ser["options"]?["when"]?.string
        options.unless = ser["options"]?["unless"]?.string
        if let fence = ser["fence"]?.string, let parsed = Fence(opening: fence), parsed.info.isSerInfo,
           let header = try? CellHeader(info: parsed.info, file: path, line: 1), !header.isParameters,
           header.label == label, header.options == options {
            return fence
        }
        var words: [String] = []
        if let label { words.append("#" + label) }
        if !options.cache { words.append("cache=false") }
        if let name = options.when { words.append("when=\(name)") }
        if let name = options.unless { words.append("unless=\(name)") }
        let fence = words.isEmpty ? "```ser" : "```ser {" + words.joined(separator: " ") + "}"
        do { _ = try CellHeader(info: String(fence.dropFirst(3)), file: path, line: 1) } catch {
            throw NotebookError(.syntax, file: path, "cell \(cell): its ser metadata gives bad options: \(error.message)")
        }
        return fence
    }

    /// The cell's lines: `opening`, `body`, and a closing fence (the recorded one when it closes the
    /// opening). When a line of the body would close the fence early, both fences are made longer.
    static func fenced(_ opening: String, _ body: [String], closing verbatim: String?) -> [String] {
        guard var fence = Fence(opening: opening) else { return [opening] + body + ["```"] }
        if !body.contains(where: fence.isClosed(by:)) {
            if let verbatim, fence.isClosed(by: verbatim) { return [opening] + body + [verbatim] }
            return [opening] + body + [String(repeating: fence.character, count: fence.count)]
        }
        while body.contains(where: fence.isClosed(by:)) { fence.count += 1 }
        let run = String(repeating: fence.character, count: fence.count)
        let indent = opening.prefix { $0 == " " }
        let info = opening.dropFirst(indent.count).drop { $0 == fence.character }
        return [indent + run + info] + body + [run]
    }

    static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        return "\(error)"
    }
}

extension String {
    /// The fence if it opens a parameters block, else nil.
    fileprivate var parametersFence: String? {
        guard let fence = Fence(opening: self), fence.info.isSerInfo,
              (try? CellHeader(info: fence.info, file: "", line: 1))?.isParameters == true else { return nil }
        return self
    }
}
