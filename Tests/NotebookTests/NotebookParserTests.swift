import Testing
@testable import Notebook

@Suite struct NotebookParserTests {
    static let text = """
    # Title

    Some prose.

    ```ser parameters
    seed: int = 1            # the one seed
    epochs: int = 200
    lr: number = 1e-3
    data: path = ""          # folder with EMOVO/
    size: small | full = small
    plots: bool = true
    title: string = "EMOVO # only"
    seeds: [int] = [1, 2, 3]
    ```

    ```python
    # not a cell
    ```

    ````markdown
    ```ser
    shown, not run
    ```
    ````

    ```ser
    a = 1
    ```

    More prose.

    ```ser {#train-emovo cache=false}
    b = 2
    print b
    ```

    ~~~ser {#real when=data}
    c = 3
    ~~~
    """

    @Test func cellsAndProseInOrder() throws {
        let notebook = try Notebook(text: Self.text, path: "notebooks/02-emovo-baseline.md")
        #expect(notebook.name == "02-emovo-baseline")
        let cells = notebook.cells
        #expect(cells.count == 3)
        #expect(cells.map(\.index) == [1, 2, 3])
        #expect(cells.map(\.label) == [nil, "train-emovo", "real"])
        #expect(cells[0].source == "a = 1\n")
        #expect(cells[0].fenceLine == 26)
        #expect(cells[0].firstLine == 27)
        #expect(cells[1].source == "b = 2\nprint b\n")
        #expect(cells[1].options == CellOptions(cache: false))
        #expect(cells[2].options == CellOptions(when: "data"))
        #expect(cells[1].title == "cell 2 [train-emovo]")
        // The python block and the ser block quoted inside a 4-backtick fence are prose.
        guard case .prose(let prose) = notebook.blocks[2] else { Issue.record("expected prose"); return }
        #expect(prose.contains("```python"))
        #expect(prose.contains("shown, not run"))
        #expect(notebook.cell(named: "train-emovo")?.index == 2)
        #expect(notebook.cell(named: "3")?.label == "real")
        #expect(notebook.cell(named: "4") == nil)
    }

    @Test func parametersAreTyped() throws {
        let notebook = try Notebook(text: Self.text, path: "nb.md")
        let p = Dictionary(uniqueKeysWithValues: notebook.parameters.map { ($0.name, $0) })
        #expect(notebook.parameters.map(\.name) == ["seed", "epochs", "lr", "data", "size", "plots", "title", "seeds"])
        #expect(p["seeds"]?.defaultValue == .intList([1, 2, 3]))
        #expect(p["seeds"]?.defaultValue.description == "[1, 2, 3]")
        #expect((try? NotebookParameterType.intList.value(of: "4,5").get()) == .intList([4, 5]))
        #expect((try? NotebookParameterType.intList.value(of: "[4, x]").get()) == nil)
        #expect(p["seed"]?.type == .int)
        #expect(p["seed"]?.defaultValue == .int(1))
        #expect(p["seed"]?.help == "the one seed")
        #expect(p["seed"]?.line == 6)
        #expect(p["lr"]?.defaultValue == .number(0.001))
        #expect(p["data"]?.defaultValue == .path(""))
        #expect(p["size"]?.type == .choice(["small", "full"]))
        #expect(p["plots"]?.defaultValue == .bool(true))
        #expect(p["title"]?.defaultValue == .string("EMOVO # only"))
    }

    @Test(arguments: [
        ("```ser\na = 1\n", 1, "cell is never closed"),
        ("```ser {#a}\n```\n```ser {#a}\n```\n", 3, "cell label '#a' is already used by the cell at line 1"),
        ("```ser {#a cahce=false}\n```\n", 1, "unknown cell option 'cahce'; did you mean 'cache'?"),
        ("```ser {cache=maybe}\n```\n", 1, "cell option 'cache' is true or false, got 'maybe'"),
        ("```ser parametres\n```\n", 1, "unexpected 'parametres' after 'ser'"),
        ("```ser {#a\n```\n", 1, "do not end with '}'"),
        ("```ser\n```\n```ser parameters\nx: int = 1\n```\n", 3, "must come before the first cell"),
        ("```ser parameters\nx: int = 1\n```\n```ser parameters\n```\n", 4, "a second one"),
        ("```ser parameters\nx: int = 1.5\n```\n", 2, "default of 'x': expected an int, got '1.5'"),
        ("```ser parameters\nx: integer = 1\n```\n", 2, "unknown parameter type 'integer'"),
        ("```ser parameters\nx: int\n```\n", 2, "has no default value"),
        ("```ser parameters\nx = 1\n```\n", 2, "expected 'name: type = default'"),
        ("```ser parameters\n2x: int = 1\n```\n", 2, "is not a valid parameter name"),
        ("```ser parameters\nx: int = 1\nx: int = 2\n```\n", 3, "declared twice"),
        ("```ser parameters\nx: small | full = medium\n```\n", 2, "expected one of 'small', 'full', got 'medium'"),
        ("```ser parameters\nx: bool = \"true\"\n```\n", 2, "expected a bool"),
        ("```ser parameters\ndata: path = \"\"\n```\n```ser {when=dat}\n```\n", 4, "does not declare; did you mean 'data'?"),
    ])
    func syntaxErrorsNameTheLine(text: String, line: Int, message: String) {
        do {
            _ = try Notebook(text: text, path: "nb.md")
            Issue.record("expected an error containing \(message)")
        } catch {
            #expect(error.line == line)
            #expect(error.description.hasPrefix("nb.md:\(line): error: "))
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func missingFileIsAnIOError() {
        #expect(throws: NotebookError.self) { try Notebook(contentsOf: "/nonexistent/nb.md") }
    }
}
