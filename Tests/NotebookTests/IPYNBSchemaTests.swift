import Foundation
import Language
import Testing
@testable import Notebook

/// `ser run notebooks/01-features.md --to ipynb` on the small demo corpus: the .ipynb validates against the
/// nbformat 4.5 schema (committed with nbformat's verdicts by scripts/fixtures/ipynb.py), embeds Figure 1
/// as image/png, imports back to the notebook byte for byte, and `ser export` of the executed Markdown gives
/// the same .ipynb; the HTML report is self-contained.
@Suite(.serialized) struct IPYNBSchemaTests {
    static let fixtures = Bundle.module.resourcePath! + "/Fixtures"

    static func json(_ path: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static let schema: JSONSchema = {
        JSONSchema(root: (try? json(fixtures + "/nbformat.v4.5.schema.json")) ?? .null)
    }()

    @Test func theFeaturesNotebookExportsImportsAndValidates() throws {
        let folder = NSTemporaryDirectory() + "ser-ipynb-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = StudyNotebookTests.repository + "/notebooks/01-features.md"
        let notebook = try Notebook(contentsOf: source)
        var options = RunOptions()
        options.outputFolder = folder + "/out"
        options.figuresBesideOutput = true
        options.overrides = [ParameterOverride(name: "size", value: "small")]
        let cache = folder + "/cache"
        let runner = NotebookRunner(makeSession: { LanguageNotebookSession(cache: DiskCache(folder: cache)) })
        let run = try #require(try runner.run([notebook], options: options).first)
        #expect(run.succeeded, "\(run.failures.map(\.status))")
        // Figures go beside the executed notebook, not to figures/.
        #expect(run.results.flatMap(\.output.figures) == [folder + "/out/01-features/fig1-features.png"])

        let path = try NotebookExport.write(run, as: .ipynb)
        #expect(path == folder + "/out/01-features.ipynb")
        let ipynb = try Self.json(path)
        let errors = Self.schema.errors(ipynb)
        #expect(errors.isEmpty, "\(errors.prefix(5))")
        #expect(ipynb["metadata"]?["language_info"]?["name"] == .string("ser"))
        #expect(ipynb["metadata"]?["ser"]?["parameters"]?["size"] == .string("small"))
        #expect(ipynb["metadata"]?["ser"]?["version"] == .string(serVersion))
        guard case .array(let states) = ipynb["metadata"]?["ser"]?["cells"] ?? .null else { Issue.record("no cell states"); return }
        #expect(states.map { $0["status"]?.string } == ["ok", "skipped", "ok", "ok", "ok", "ok"])
        #expect(states[4]["label"] == .string("figure-1") && states[4]["cache_hits"] == .int(0))

        // Figure 1 is embedded as a PNG in the figure-1 cell, which has its execution count and time.
        guard case .array(let cells) = ipynb["cells"] ?? .null else { Issue.record("no cells"); return }
        let figure = try #require(cells.first { $0["metadata"]?["ser"]?["label"] == .string("figure-1") })
        #expect(figure["execution_count"] == .int(4))
        #expect(figure["metadata"]?["ser"]?["status"] == .string("ok"))
        guard case .array(let outputs) = figure["outputs"] ?? .null,
              let image = outputs.compactMap({ $0["data"]?["image/png"]?.string }).first,
              let png = Data(base64Encoded: image, options: .ignoreUnknownCharacters) else {
            Issue.record("no image/png output in the figure-1 cell"); return
        }
        #expect(png == (try Data(contentsOf: URL(fileURLWithPath: folder + "/out/01-features/fig1-features.png"))))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // The skipped cell (real corpora) has no execution count and says why.
        let skipped = try #require(cells.first { $0["metadata"]?["ser"]?["label"] == .string("corpus-real") })
        #expect(skipped["execution_count"] == .null && skipped["metadata"]?["ser"]?["status"] == .string("skipped"))
        // Tables are markdown with a plain-text fallback.
        #expect(cells.contains { cell in
            guard case .array(let outputs) = cell["outputs"] ?? .null else { return false }
            return outputs.contains { $0["data"]?["text/markdown"] != nil && $0["data"]?["text/plain"] != nil }
        })

        // Import gives the source notebook back, byte for byte.
        let imported = try IPYNBImport.notebookText(contentsOf: path)
        #expect(imported == (try String(contentsOfFile: source, encoding: .utf8)))

        // The executed Markdown reads back into the same run: the same .ipynb.
        let reread = try ExecutedNotebook(contentsOf: run.outputPath)
        #expect(try IPYNBWriter(reread).data() == IPYNBWriter(run).data())

        // The HTML report: one file, figures inline, no outside references, every cell's status.
        let html = try HTMLReport(run).render()
        #expect(html.contains("data:image/png;base64,"))
        #expect(!html.contains("src=\"http") && !html.contains("<link") && !html.contains("<script"))
        #expect(html.contains("<table>") && html.contains("<h1>1 · The corpora and the features"))
        #expect(html.contains("cell 5 [figure-1] · <span class=\"state\">ok</span>"))
        #expect(html.contains("cell 2 [corpus-real] · <span class=\"state\">skipped</span>"))

        // nbformat's verdicts on mutations of this notebook: the schema check agrees with nbformat's.
        let verdicts = try Self.json(Self.fixtures + "/nbformat-verdicts.json")
        guard case .object(let valid) = verdicts["valid"] ?? .null else { Issue.record("no verdicts"); return }
        #expect(valid.count == 14)
        for (name, verdict) in valid {
            let mutated = try Self.mutate(ipynb, name)
            #expect(Self.schema.errors(mutated).isEmpty == (verdict == .bool(true)), "mutation \(name)")
        }
    }

    /// The mutations of scripts/fixtures/ipynb.py.
    static func mutate(_ notebook: JSONValue, _ name: String) throws -> JSONValue {
        guard case .object(var nb) = notebook, case .array(var cells) = nb["cells"] ?? .null else { throw Failure() }
        func index(_ predicate: (JSONValue) -> Bool) throws -> Int {
            guard let i = cells.firstIndex(where: predicate) else { throw Failure() }
            return i
        }
        func outputs(_ cell: JSONValue) -> [JSONValue] {
            if case .array(let o) = cell["outputs"] ?? .null { o } else { [] }
        }
        let markdown = try index { $0["cell_type"] == .string("markdown") && $0["metadata"]?["ser"]?["run_summary"] == nil }
        let image = try index { cell in outputs(cell).contains { $0["data"]?["image/png"] != nil } }
        let stream = try index { cell in outputs(cell).contains { $0["output_type"] == .string("stream") } }
        func edit(_ i: Int, _ change: (inout [String: JSONValue]) -> Void) {
            guard case .object(var cell) = cells[i] else { return }
            change(&cell)
            cells[i] = .object(cell)
        }
        func editOutput(_ i: Int, where predicate: @escaping (JSONValue) -> Bool, _ change: @escaping (inout [String: JSONValue]) -> Void) {
            edit(i) { cell in
                guard case .array(var list) = cell["outputs"] ?? .null, let j = list.firstIndex(where: predicate),
                      case .object(var output) = list[j] else { return }
                change(&output)
                list[j] = .object(output)
                cell["outputs"] = .array(list)
            }
        }
        switch name {
        case "unchanged": break
        case "no-nbformat": nb["nbformat"] = nil
        case "nbformat-3": nb["nbformat"] = .int(3)
        case "extra-top-level-key": nb["extra"] = .int(1)
        case "bad-cell-type": edit(markdown) { $0["cell_type"] = .string("prose") }
        case "bad-cell-id": edit(markdown) { $0["id"] = .string("has a space") }
        case "markdown-with-outputs": edit(markdown) { $0["outputs"] = .array([]) }
        case "code-without-execution-count": edit(image) { $0["execution_count"] = nil }
        case "code-without-outputs": edit(image) { $0["outputs"] = nil }
        case "bad-output-type": editOutput(image, where: { _ in true }) { $0["output_type"] = .string("picture") }
        case "stream-without-name": editOutput(stream, where: { $0["output_type"] == .string("stream") }) { $0["name"] = nil }
        case "image-data-not-text":
            editOutput(image, where: { $0["data"]?["image/png"] != nil }) { output in
                guard case .object(var data) = output["data"] ?? .null else { return }
                data["image/png"] = .int(5)
                output["data"] = .object(data)
            }
        case "negative-execution-count": edit(image) { $0["execution_count"] = .int(-1) }
        case "extra-cell-metadata":
            edit(image) { cell in
                guard case .object(var metadata) = cell["metadata"] ?? .null else { return }
                metadata["anything"] = .object(["x": .int(1)])
                cell["metadata"] = .object(metadata)
            }
        default: throw Failure()
        }
        nb["cells"] = .array(cells)
        return .object(nb)
    }

    struct Failure: Error {}
}
