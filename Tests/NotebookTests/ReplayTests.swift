import Foundation
import Language
import Testing
@testable import Notebook

/// `--from`/`--only` and the stepper: a cell run on its own first replays, through the cache, the earlier
/// statements it needs; parameters are values, never code.
@Suite struct ReplayTests {
    typealias Fixture = CachedRunTests.Fixture

    static let notebook = """
    ```ser parameters
    x: number = 3
    real: bool = false
    note: string = "n"
    ```

    ```ser {#settings}
    seed 7
    ```

    ```ser {#first}
    a = double x
    show a
    ```

    ```ser {#other unless=real}
    c = double 100
    ```

    ```ser {#second}
    b = double a
    b
    ```

    ```ser {#later}
    d = double b
    ```

    ```ser {#only-real when=real}
    e = double 5
    ```

    ```ser {#uses-e}
    e
    ```
    """

    @Test func onlyReplaysWhatTheCellNeedsThroughTheCache() throws {
        var f = Fixture()
        defer { f.remove() }
        // First run fills the cache.
        #expect(try f.run(Self.notebook).results.prefix(5).allSatisfy { $0.status == .ok })
        let before = f.runs.count
        f.options.only = "later"
        let executed = try f.run(Self.notebook)
        let later = executed.results[4]
        #expect(later.status == .ok)
        // `later` needs b, which needs a; `c` and the `show` are not replayed; the seed setting is.
        #expect(later.replay.map(\.text) == ["seed 7", "a = double x", "b = double a"])
        #expect(later.replay.map(\.cached) == [false, true, true])
        #expect(later.output.cacheHits == 1)
        #expect(f.runs.count == before)
        #expect(later.replaySummary == "replayed seed 7, a (cached), b (cached) from cells 1–4")
        // The executed notebook says so.
        let text = try String(contentsOfFile: executed.outputPath, encoding: .utf8)
        #expect(text.contains("replayed seed 7, a (cached), b (cached) from cells 1–4"))
    }

    @Test func fromReplaysOnceThenRunsOn() throws {
        var f = Fixture()
        defer { f.remove() }
        f.options.from = "second"
        let executed = try f.run(Self.notebook)
        #expect(executed.results.map(\.status).prefix(3) == [.skipped("--from second"), .skipped("--from second"), .skipped("--from second")])
        #expect(executed.results[3].replay.map(\.defines) == [nil, "a"])
        #expect(executed.results[4].status == .ok)
        #expect(executed.results[4].replay.isEmpty)
    }

    @Test func aValueOnlyASkippedCellMakesIsNamed() throws {
        var f = Fixture()
        defer { f.remove() }
        f.options.only = "uses-e"
        let executed = try f.run(Self.notebook)
        guard case .failed(_, let message) = executed.results[6].status else {
            Issue.record("expected a failure, got \(executed.results[6].status)")
            return
        }
        #expect(message.contains("cell 7 [uses-e] needs 'e', which only cell 6 [only-real] makes, and that cell does not run (when=real: parameter 'real' is not set)"))
    }

    @Test func aReplayThatFailsSaysWhichValueIsMissing() throws {
        var f = Fixture()
        defer { f.remove() }
        f.options.only = "second"
        let text = Self.notebook.replacingOccurrences(of: "a = double x", with: "a = double missing")
        let executed = try f.run(text)
        guard case .failed(let line, let message) = executed.results[3].status else {
            Issue.record("expected a failure")
            return
        }
        #expect(line == 12)
        #expect(message.hasPrefix("nb.md:12: error: cell 4 [second] needs 'a', made by cell 2 [first] at line 12, which failed when replayed:\nnb.md:12:12: error: 'x' of 'double' expects a number, given the word 'missing'"))
    }

    @Test func theStepperRunsAnyCellAndReusesWhatIsInTheSession() throws {
        let f = Fixture()
        defer { f.remove() }
        let notebook = try Notebook(text: Self.notebook, path: "nb.md")
        let parameters = try NotebookRunner.resolve([notebook], options: RunOptions())[0]
        let session = LanguageNotebookSession(registry: CachedRunTests.registry(f.runs), cache: DiskCache(folder: f.folder + "/cache"))
        let stepper = try NotebookStepper(notebook: notebook, parameters: parameters, session: session)
        // Cell 4 straight away: a is replayed (computed: the cache is empty), b computed.
        let second = stepper.run(notebook.cells[3])
        #expect(second.status == .ok)
        #expect(second.replay.map(\.text) == ["seed 7", "a = double x"])
        #expect(f.runs.count == 2)
        // Cell 5 next: b and a are in the session as the notebook made them; nothing to replay.
        #expect(stepper.run(notebook.cells[4]).replay.isEmpty)
        // The user rebinds b at the prompt: cell 5 again replays b (from the cache).
        try session.session.execute("b = 1", file: "<repl>")
        let again = stepper.run(notebook.cells[4])
        #expect(again.replay.map(\.text) == ["seed 7", "b = double a"])
        #expect(again.replay.map(\.cached) == [false, true])
        // The executed notebook marks what did not run.
        let executed = stepper.executed(outputFolder: f.folder)
        #expect(executed.results[0].status == .skipped("not run yet"))
        #expect(executed.outputPath == f.folder + "/nb.md")
    }

    /// Issue 12, item 9: a parameter cannot add a statement, whatever it holds.
    @Test func parametersAreValuesNeverCode() throws {
        let f = Fixture()
        defer { f.remove() }
        let target = f.folder + "/elsewhere.txt"
        let text = """
        ```ser parameters
        name: string = "x"
        where: path = "p"
        ```

        ```ser
        t = "{{name}}"
        u = {{name}}
        v = '{{where}}/sub' # {{name}}
        t
        ```
        """
        let hostile = "a\"; table [1] to \"\(target)\"; x = \"'\\\nb"
        let executed = try f.run(text, overrides: [ParameterOverride(name: "name", value: hostile),
                                                     ParameterOverride(name: "where", value: "q'; table [1] to '\(target)")])
        #expect(executed.succeeded, "\(executed.failures.map(\.status))")
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(!FileManager.default.fileExists(atPath: replacingExtensionForTest(target)))
        // The example of issue 12: whatever the context, the cell stays one statement.
        let session = Session()
        for cell in ["t = \"{{name}}\"", "t = {{name}}", "t = '{{name}}'", "t = 1 # {{name}}"] {
            let source = substitute(cell, values: ["name": .string("a\"; export x to \"../elsewhere.wav")])
            let statements = try session.dependencies(of: source, file: "nb.md")
            #expect(statements.count == 1, "\(source)")
            #expect(statements.first?.defines == "t")
        }
        // In code a string parameter is a quoted literal; numbers, bools and choices stay literals.
        #expect(substitute("u = {{s}}", values: ["s": .string("a\"b\\c")]) == "u = \"a\\\"b\\\\c\"")
        #expect(substitute("w={{n}}s {{b}} {{c}} {{l}}", values: ["n": .number(2), "b": .bool(true), "c": .choice("small"), "l": .intList([1, 2])])
            == "w=2s true small [1, 2]")
        #expect(substitute("x = 'it{{s}}'", values: ["s": .string("'s\n")]) == "x = 'it\\'s\\n'")
        #expect(substitute("# {{s}}\ny = 1", values: ["s": .string("a\nz = 2")]) == "# a z = 2\ny = 1")
        #expect(substitute("t=\"{{d ? \"\" : \" (demo)\"}}\" u={{s}}", values: ["d": .string(""), "s": .string("q")])
            == "t=\" (demo)\" u=\"q\"")
    }

    private func replacingExtensionForTest(_ path: String) -> String {
        String(path.dropLast(4)) + ".csv"
    }
}
