import Foundation
import Testing
@testable import Notebook

/// Headless runs: Ctrl-C in the runner, the executed Markdown read back, plain progress lines, the
/// parameter listing, and .ipynb import of layouts and edits (the byte-for-byte round trip of a real study
/// notebook is in IPYNBSchemaTests).
@Suite struct HeadlessTests {
    func temporaryFolder() -> String {
        let path = NSTemporaryDirectory() + "ser-headless-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func run(_ text: String, folder: String, options: RunOptions = RunOptions()) throws -> ExecutedNotebook {
        let notebook = try Notebook(text: text, path: "notebooks/demo.md")
        var options = options
        options.outputFolder = folder + "/out"
        return try NotebookRunner(makeSession: { FakeSession() }).run([notebook], options: options)[0]
    }

    @Test func ctrlCMarksTheCellCancelledAndStopsTheRun() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = "```ser {#one}\nx = 1\nprint x\n```\n\n```ser {#two}\ncancel\nprint x\n```\n\n```ser {#three}\nprint x\n```\n"
        let run = try run(text, folder: folder)
        #expect(run.results.map(\.status) == [.ok, .cancelled, .notRun])
        #expect(run.cancelled && !run.succeeded)
        // What the cell finished before Ctrl-C is kept; the statement after it did not run.
        #expect(run.results[1].output.items == [.text("stopped at the next batch")])
        let written = try String(contentsOfFile: run.outputPath, encoding: .utf8)
        #expect(written.contains("**Partial run: cancelled (Ctrl-C) during cell 2 [two]**"))
        #expect(written.contains("*cell 2 [two] · **cancelled** (Ctrl-C) · "))
        #expect(written.contains("*cell 3 [three] · not run (the run was cancelled)*"))
        // Read back, the run is the same.
        let reread = try ExecutedNotebook(contentsOf: run.outputPath)
        #expect(reread.results.map(\.status) == run.results.map(\.status))
    }

    @Test func theExecutedMarkdownReadsBackIntoTheRun() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var options = RunOptions()
        options.overrides = [ParameterOverride(name: "seed", value: "7")]
        options.keepGoing = true
        let text = RunnerTests.text + "\n\n```ser {#broken}\nfail something `went` wrong\n```\n\nThe end.\n"
        let run = try run(text, folder: folder, options: options)
        let reread = try ExecutedNotebook(contentsOf: run.outputPath)
        #expect(reread.notebook.blocks.count == run.notebook.blocks.count)
        #expect(reread.notebook.cells == run.notebook.cells)
        #expect(reread.parameters.map(\.value) == [.int(7), .path(""), .choice("small")])
        #expect(reread.parameters.map(\.overridden) == [true, false, false])
        #expect(reread.results.map(\.status) == run.results.map(\.status))
        #expect(reread.results.map(\.seconds) == run.results.map(\.seconds))
        for (a, b) in zip(reread.results, run.results) {
            #expect(a.output.items.count == b.output.items.count)
            for (x, y) in zip(a.output.items, b.output.items) {
                switch (x, y) {
                case (.figure(let p), .figure(let q)): #expect(absolutePath(p) == absolutePath(q))
                default: #expect(x == y)
                }
            }
        }
        // Something that is not an executed notebook is refused by name.
        #expect(throws: NotebookError.self) { try ExecutedNotebook(text: RunnerTests.text, path: "plain.md") }
        let damaged = try String(contentsOfFile: run.outputPath, encoding: .utf8).replacingOccurrences(of: "\"status\":\"ok\"", with: "\"status\":\"fine\"")
        #expect(throws: NotebookError.self) { try ExecutedNotebook(text: damaged, path: "damaged.md") }
    }

    @Test func plainProgressPrintsCellLinesAndThrottlesDetails() {
        final class Lines: @unchecked Sendable { var all: [String] = []; var now = 0.0 }
        let lines = Lines()
        let progress = PlainRunProgress(interval: 30, now: { lines.now }, write: { lines.all.append($0) })
        let cell = Cell(index: 6, label: "train-emovo", options: CellOptions(), source: "", fenceLine: 1,
                        openingFence: "```ser", closingFence: "```")
        progress.handle(.cellStarted(notebook: "notebooks/02-emovo-baseline.md", cell: cell, number: 5, total: 8))
        for epoch in 1...200 {
            lines.now = Double(epoch) * 0.1
            progress.handle(.detail("epoch \(epoch)/200 loss 1.5"))
        }
        lines.now = 100
        progress.handle(.detail("epoch 200/200 loss 1.5"))  // no new tenth, but 30 s without a line
        progress.handle(.cellFinished(notebook: "notebooks/02-emovo-baseline.md",
                                      result: CellResult(cell: cell, status: .ok, output: CellOutput(cacheHits: 2), seconds: 11.04)))
        #expect(lines.all.first == "02-emovo-baseline: cell 5/8 [train-emovo] …\n")
        #expect(lines.all.last == "02-emovo-baseline: cell 5/8 [train-emovo] ok 11.0 s, 2 from cache\n")
        // One line per tenth (epochs 20, 40, …, 200), then the one after 30 quiet seconds.
        #expect(lines.all.count == 1 + 10 + 1 + 1)
        #expect(lines.all[1] == "02-emovo-baseline: cell 5/8 [train-emovo] epoch 20/200 loss 1.5\n")
        let failed = CellResult(cell: cell, status: .failed(line: 88, message: "nb.md:88: error: bad\n  caret"), output: CellOutput(), seconds: 1)
        progress.handle(.cellStarted(notebook: "nb.md", cell: cell, number: 1, total: 1))
        progress.handle(.cellFinished(notebook: "nb.md", result: failed))
        #expect(lines.all.last == "nb: cell 1/1 [train-emovo] failed: nb.md:88: error: bad\n")
    }

    @Test(arguments: [
        ("features 120/600 files", 0.2),
        ("epoch 37/200 loss 1.2 val_acc 0.41", 0.185),
        ("fold 2/6 epoch 50/100", 0.25),
        ("seed 3 (2/3) epoch 10/100", 0.3666666666666667),
        ("loss 0.5", nil),
        ("demo emovo 0/42 files", 0.0),
    ] as [(String, Double?)])
    func progressFractionsComeFromCounters(line: String, fraction: Double?) {
        let found = PlainRunProgress.fraction(of: line)
        if let fraction, let found { #expect(abs(found - fraction) < 1e-9) } else { #expect(found == fraction) }
    }

    @Test func listParamsShowsTypesDefaultsAndHelp() throws {
        let notebook = try Notebook(text: "```ser parameters\nepochs: int = 200   # maximum epochs\nsize: small | full = full\n```\n", path: "nb.md")
        #expect(ParameterListing(notebook).text == """
            nb.md: 2 parameters (set with --param name=value)
              name    type          default
              epochs  int           200      maximum epochs
              size    small | full  full

            """)
        #expect(ParameterListing(try Notebook(text: "# none\n", path: "x.md")).text == "x.md: no parameters\n")
    }

    @Test func figuresGoBesideTheExecutedNotebookUnlessSet() throws {
        let notebook = try Notebook(text: "```ser parameters\nfigures: path = \"figures\"\n```\n", path: "notebooks/02-x.md")
        var options = RunOptions()
        options.outputFolder = "build/notebooks"
        #expect(try NotebookRunner.resolve([notebook], options: options)[0][0].value == .path("figures"))
        options.figuresBesideOutput = true
        #expect(try NotebookRunner.resolve([notebook], options: options)[0][0].value == .path("build/notebooks/02-x"))
        options.overrides = [ParameterOverride(name: "figures", value: "mine")]
        #expect(try NotebookRunner.resolve([notebook], options: options)[0][0].value == .path("mine"))
    }

    /// A notebook with no outputs through .ipynb and back.
    func roundTrip(_ text: String) throws -> String {
        let notebook = try Notebook(text: text, path: "nb.md")
        let run = ExecutedNotebook(notebook: notebook, parameters: [], results: [], outputPath: "nb.md")
        return try IPYNBImport.notebookText(try IPYNBWriter(run).data(), path: "nb.ipynb")
    }

    @Test(arguments: [
        "# Title\n\nText.\n\n```ser {#a}\nx = 1\n```\n",
        "\n\n# Leading blanks\n```ser\nx = 1\n```\n```ser {cache=false  #b}\ny = 2\n```\n\n\n\nTrailing prose\n\n\n",
        "```ser parameters\nn: int = 1\n```\nno blank line\n~~~~ser {#tilde}\na = \"```\"\n~~~~\n",
        "Prose with a python block:\n\n```python\nprint(1)\n```\n",
        "",
    ])
    func layoutsSurviveTheRoundTrip(text: String) throws {
        #expect(try roundTrip(text) == text)
    }

    func ipynb(_ cells: [[String: JSONValue]], language: String = "ser") -> [UInt8] {
        let notebook: JSONValue = .object([
            "nbformat": .int(4), "nbformat_minor": .int(5),
            "metadata": .object(["language_info": .object(["name": .string(language)])]),
            "cells": .array(cells.map { .object($0) }),
        ])
        return Array((try? JSONEncoder().encode(notebook)) ?? Data())
    }

    @Test func editsMadeInJupyterComeBack() throws {
        // A label edited in the cell metadata wins over the recorded fence; a source holding a fence line gets
        // longer fences; a cell added in Jupyter (no metadata) becomes a plain ser cell.
        let bytes = ipynb([
            ["cell_type": .string("markdown"), "metadata": .object([:]), "source": .array([.string("# Edited\n"), .string("text")])],
            ["cell_type": .string("code"), "metadata": .object(["ser": .object([
                "fence": .string("```ser {#old}"), "closing_fence": .string("```"), "label": .string("new"),
                "options": .object(["cache": .bool(false)]),
            ])]), "source": .string("x = 1"), "outputs": .array([]), "execution_count": .int(1)],
            ["cell_type": .string("code"), "metadata": .object([:]), "source": .string("help\n```\nend"), "outputs": .array([]),
             "execution_count": .null],
        ])
        let text = try IPYNBImport.notebookText(bytes, path: "e.ipynb")
        #expect(text == "# Edited\ntext\n\n```ser {#new cache=false}\nx = 1\n```\n\n````ser\nhelp\n```\nend\n````\n")
        let notebook = try Notebook(text: text, path: "e.md")
        #expect(notebook.cells.map(\.label) == ["new", nil])
        #expect(notebook.cells[1].source == "help\n```\nend\n")
    }

    @Test(arguments: [
        ("not json", "not valid JSON"),
        (#"{"nbformat": 3, "cells": []}"#, "nbformat 3 is not supported"),
        (#"{"nbformat": 4, "metadata": {"language_info": {"name": "python"}}, "cells": []}"#, "its code cells are python, not ser"),
        (#"{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": "```ser\nx = 1\n```"}]}"#, "opens or closes ```ser fences"),
        (#"{"nbformat": 4, "cells": [{"cell_type": "code", "source": "x", "metadata": {"ser": {"label": "a b"}}}]}"#, "cell 1: its ser metadata gives bad options"),
        (#"{"nbformat": 4, "cells": [{"cell_type": "widget", "source": ""}]}"#, "cell 1 has cell_type 'widget'"),
    ])
    func badNotebooksAreRefusedByName(json: String, message: String) {
        do {
            _ = try IPYNBImport.notebookText(Array(json.utf8), path: "bad.ipynb")
            Issue.record("no error for \(json)")
        } catch {
            #expect(error.file == "bad.ipynb")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}
