import Foundation
import Testing
@testable import Notebook

@Suite struct RunnerTests {
    static let text = """
    # Demo

    ```ser parameters
    seed: int = 1
    data: path = ""
    size: small | full = small
    ```

    First.

    ```ser {#one}
    x = 10
    print x
    ```

    ```ser {#two}
    print seed
    figure figures/fig1-demo.png
    table
    ```

    ```ser {#real when=data}
    print data
    ```

    ```ser {#three cache=false}
    print x
    ```
    """

    func temporaryFolder() -> String {
        let path = NSTemporaryDirectory() + "ser-notebook-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func runner(_ sessions: SessionBox) -> NotebookRunner {
        NotebookRunner(makeSession: {
            let session = FakeSession()
            sessions.all.append(session)
            return session
        })
    }

    final class SessionBox: @unchecked Sendable { var all: [FakeSession] = [] }

    @Test func runsCellsInOrderAndWritesTheExecutedNotebook() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let notebook = try Notebook(text: Self.text, path: "notebooks/demo.md")
        var options = RunOptions()
        options.outputFolder = folder + "/out"
        let box = SessionBox()
        let executed = try runner(box).run([notebook], options: options)[0]
        let session = try #require(box.all.first)
        #expect(session.executed.map(\.firstLine) == [12, 17, 27])
        #expect(session.executed.map(\.useCache) == [true, true, false])
        #expect(session.bound == ["seed": .int(1), "data": .path(""), "size": .choice("small")])
        #expect(executed.succeeded)
        #expect(executed.results.map(\.status) == [.ok, .ok, .skipped("when=data: parameter 'data' is not set"), .ok])
        #expect(executed.outputPath == folder + "/out/demo.md")

        let written = try String(contentsOfFile: executed.outputPath, encoding: .utf8)
        #expect(written.hasPrefix("<!-- ser:run {"))
        #expect(written.split(separator: "\n")[1].hasPrefix("> **ser run** of `notebooks/demo.md` · 4 cells, 3 ok, 1 skipped"))
        #expect(written.contains("First.\n"))
        #expect(written.contains("```ser {#one}\nx = 10\nprint x\n```\n\n<!-- ser:output {"))
        #expect(written.contains("-->\n```text\n10\n```\n\n*cell 1 [one] · ok · "))
        #expect(written.contains("| `seed` | int | `1` | default |"))
        #expect(written.contains("| a | b |\n| --- | --- |\n| 1 | 2 |\n"))
        // The figure link is relative to the executed notebook's folder.
        let link = relativePath(to: "figures/fig1-demo.png", from: folder + "/out")
        #expect(written.contains("![fig1-demo.png](\(link))"))
        #expect(link.hasSuffix("/figures/fig1-demo.png") && link.hasPrefix("../"))
        #expect(written.contains("*cell 3 [real] · skipped (when=data: parameter 'data' is not set)*"))
        #expect(!written.contains("Partial run"))
        // No temporary file is left beside the output.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/out")
        #expect(files == ["demo.md"])
    }

    @Test func parametersAreOverriddenAndTypeChecked() throws {
        let notebook = try Notebook(text: Self.text, path: "nb.md")
        var options = RunOptions()
        options.overrides = [try ParameterOverride(parsing: "seed=7"), try ParameterOverride(parsing: "data=~/corpora")]
        let values = try NotebookRunner.resolve([notebook], options: options)[0]
        #expect(values.map(\.value) == [.int(7), .path((environmentValue("HOME") ?? "") + "/corpora"), .choice("small")])
        #expect(values.map(\.overridden) == [true, true, false])

        func error(_ overrides: [String]) -> NotebookError? {
            var options = RunOptions()
            do {
                options.overrides = try overrides.map { text throws(NotebookError) in try ParameterOverride(parsing: text) }
                _ = try NotebookRunner.resolve([notebook], options: options)
                return nil
            } catch { return error }
        }
        #expect(error(["seed=abc"])?.description
            == "--param: error: seed=abc: expected an int, got 'abc' (declared at nb.md:4)")
        #expect(error(["size=ful"])?.message.contains("expected one of 'small', 'full', got 'ful'; did you mean 'full'?") == true)
        #expect(error(["sede=1"])?.message == "no notebook declares a parameter 'sede'; did you mean 'seed'? (declared: data, seed, size)")
        #expect(error(["seed"])?.message == "expected name=value, got 'seed'")
        #expect(error(["seed=1", "seed=2"])?.message == "parameter 'seed' is given twice")
    }

    @Test func typeErrorsStopBeforeAnyCellRuns() throws {
        let notebook = try Notebook(text: Self.text, path: "nb.md")
        var options = RunOptions()
        options.overrides = [ParameterOverride(name: "seed", value: "x")]
        let box = SessionBox()
        #expect(throws: NotebookError.self) { try runner(box).run([notebook, notebook], options: options) }
        #expect(box.all.isEmpty)
    }

    @Test func aFailingCellStopsTheRunAndThePartialOutputIsMarked() throws {
        let text = """
        ```ser {#ok}
        x = 1
        ```

        ```ser {#broken}
        x = 2
        print x
        fail notebooks/bad.md:6:1: error: unknown verb 'trian'; did you mean 'train'?
        ```

        ```ser {#after}
        print x
        ```
        """
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let notebook = try Notebook(text: text, path: "notebooks/bad.md")
        var options = RunOptions()
        options.outputFolder = folder
        let box = SessionBox()
        let executed = try runner(box).run([notebook], options: options)[0]
        #expect(!executed.succeeded)
        #expect(executed.results.map(\.status) == [
            .ok,
            .failed(line: 8, message: "notebooks/bad.md:6:1: error: unknown verb 'trian'; did you mean 'train'?"),
            .notRun,
        ])
        #expect(box.all[0].executed.count == 2)
        #expect(executed.results[1].output.items == [.text("2")])
        let written = try String(contentsOfFile: folder + "/bad.md", encoding: .utf8)
        #expect(written.contains("> **Partial run: cell 2 [broken] failed** at `notebooks/bad.md:8`"))
        #expect(written.contains("*cell 2 [broken] · **failed** · "))
        #expect(written.contains("*cell 3 [after] · not run (an earlier cell failed)*"))

        // --keep-going runs the next cell anyway.
        options.keepGoing = true
        let keptGoing = try runner(box).run([notebook], options: options)[0]
        #expect(keptGoing.results.map(\.status.isOK) == [true, false, true])
        #expect(keptGoing.failures.count == 1)
    }

    @Test func errorsWithoutALocationGetTheCellsLine() throws {
        struct Plain: Error, CustomStringConvertible { var description: String { "folder not found: /x" } }
        final class Throwing: NotebookSession {
            func bind(parameter name: String, to value: ParameterValue) throws {}
            func execute(_ source: String, file: String, firstLine: Int, useCache: Bool) throws -> CellOutput { throw Plain() }
        }
        let notebook = try Notebook(text: "text\n\n```ser {#load}\nload x\n```\n", path: "nb.md")
        var options = RunOptions()
        options.outputFolder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: options.outputFolder) }
        let executed = try NotebookRunner(makeSession: { Throwing() }).run([notebook], options: options)[0]
        #expect(executed.results[0].status == .failed(line: 4, message: "nb.md:4: error: folder not found: /x"))
    }

    @Test func fromAndOnlySelectCells() throws {
        let notebook = try Notebook(text: Self.text, path: "nb.md")
        var options = RunOptions()
        options.outputFolder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: options.outputFolder) }

        options.from = "two"
        let box = SessionBox()
        let from = try runner(box).run([notebook], options: options)[0]
        #expect(from.results.map(\.status) == [
            .skipped("--from two"), .ok, .skipped("when=data: parameter 'data' is not set"),
            .failed(line: 27, message: "nb.md:27:7: error: unknown name 'x'\n"
                + "note: cells before this one were skipped (--from); values they make are missing"),
        ])

        options.from = nil
        options.only = "2"
        let only = try runner(box).run([notebook], options: options)[0]
        #expect(only.results.map(\.status) == [.skipped("--only 2"), .ok, .skipped("--only 2"), .skipped("--only 2")])
        #expect(box.all[1].executed.map(\.firstLine) == [17])

        options.only = "tow"
        #expect(throws: NotebookError.self) { try runner(box).run([notebook], options: options) }
        do {
            _ = try NotebookRunner.resolve([notebook], options: options)
        } catch {
            #expect(error.message == "no cell 'tow' (a label or a number from 1 to 4); did you mean 'two'?")
        }
    }

    @Test func whenAndUnlessFollowParameters() throws {
        let text = """
        ```ser parameters
        data: path = ""
        ```
        ```ser {#demo unless=data}
        x = demo
        ```
        ```ser {#real when=data}
        x = real
        ```
        ```ser
        print x
        ```
        """
        let notebook = try Notebook(text: text, path: "nb.md")
        var options = RunOptions()
        options.outputFolder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: options.outputFolder) }
        let box = SessionBox()
        let demo = try runner(box).run([notebook], options: options)[0]
        #expect(demo.results[2].output.items == [.text("demo")])
        options.overrides = [ParameterOverride(name: "data", value: "/corpora")]
        let real = try runner(box).run([notebook], options: options)[0]
        #expect(real.results[2].output.items == [.text("real")])
    }

    @Test func parametersAreSubstitutedInCells() throws {
        let text = """
        ```ser parameters
        figures: path = "figures"
        note: string = ""
        epochs: int = 3
        ```
        ```ser
        figure {{figures}}/fig3.png
        x = {{ epochs }}{{note}}
        print x
        y = {{note ? "set" : "unset"}}
        print y
        ```
        """
        let notebook = try Notebook(text: text, path: "nb.md")
        var options = RunOptions()
        options.outputFolder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: options.outputFolder) }
        options.overrides = [ParameterOverride(name: "note", value: "-demo"), ParameterOverride(name: "figures", value: "out")]
        let box = SessionBox()
        let executed = try runner(box).run([notebook], options: options)[0]
        // Values are literals of their type: strings and paths quoted in code (issue 12, item 9).
        #expect(executed.results[0].output.items == [.figure("\"out\"/fig3.png"), .text("3\"-demo\""), .text("set")])
        #expect(box.all[0].executed[0].source == "figure \"out\"/fig3.png\nx = 3\"-demo\"\nprint x\ny = set\nprint y\n")
        #expect(substitute("{{note ? \"a b\" : \" (demo)\"}}!", values: ["note": .string("")]) == " (demo)!")
        #expect(substitute("{{x}} {{unknown}}", values: ["x": .number(0.5)]) == "0.5 {{unknown}}")

        do {
            _ = try Notebook(text: "```ser parameters\nfigures: path = \"f\"\n```\n```ser\na = 1\nplot to \"{{figure}}/x.png\"\n```\n", path: "nb.md")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "nb.md:6: error: '{{figure}}' names no parameter of this notebook; did you mean 'figures'?")
        }
        #expect(throws: NotebookError.self) {
            try Notebook(text: "```ser parameters\nx: int = 1\n```\n```ser\na = {{x ? \"y\"}}\n```\n", path: "nb.md")
        }
    }

    @Test func pathsAreMadeRelative() {
        #expect(relativePath(to: "/a/b/figures/f.png", from: "/a/b/build/notebooks") == "../../figures/f.png")
        #expect(relativePath(to: "/a/b/f.png", from: "/a/b") == "f.png")
        #expect(absolutePath("/a/./b/../c") == "/a/c")
        #expect(format(seconds: 0.123) == "0.12 s")
        #expect(format(seconds: 12.34) == "12.3 s")
        #expect(format(seconds: 125) == "2 min 05 s")
    }
}

extension CellResult.Status {
    var isOK: Bool { self == .ok }
}
