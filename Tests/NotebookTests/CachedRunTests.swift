import Foundation
import Language
import Testing
import Support
@testable import Notebook

/// Runs notebooks through the real Language session with the disk cache, using two small cached verbs whose
/// bodies count how often they really run.
@Suite struct CachedRunTests {
    final class Counter: @unchecked Sendable {
        private let lock = Lock()
        private var value = 0
        func increment() { lock.withLock { value += 1 } }
        var count: Int { lock.withLock { value } }
    }

    /// `double X` (cached): 2·X. `size PATH` (cached): the file's byte count.
    static func registry(_ runs: Counter) -> VerbRegistry {
        var registry = VerbRegistry.standard
        registry.add(Verb("double", summary: "2·x, slowly", parameters: [Parameter("x", .number, positional: true, doc: "x")],
                          examples: ["y = double 3"], result: .number, cached: true) { call in
            runs.increment()
            return call.make(.number(2 * call.number("x"), .none))
        })
        registry.add(Verb("size", summary: "bytes of a file", parameters: [Parameter("file", .path, positional: true, doc: "file")],
                          examples: [#"n = size "a.txt""#], result: .number, cached: true) { call in
            runs.increment()
            let data = FileManager.default.contents(atPath: call.text("file")) ?? Data()
            return call.make(.number(Double(data.count), .none))
        })
        return registry
    }

    struct Fixture {
        let folder = NSTemporaryDirectory() + "ser-cached-run-\(UUID().uuidString)"
        let runs = Counter()
        var options = RunOptions()

        init() {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            options.outputFolder = folder + "/out"
        }

        func run(_ text: String, overrides: [ParameterOverride] = [], useCache: Bool = true) throws -> ExecutedNotebook {
            var options = options
            options.overrides = overrides
            options.useCache = useCache
            let notebook = try Notebook(text: text, path: "nb.md")
            let registry = CachedRunTests.registry(runs)
            let cacheFolder = folder + "/cache"
            return try NotebookRunner(makeSession: {
                LanguageNotebookSession(registry: registry, cache: DiskCache(folder: cacheFolder))
            }).run([notebook], options: options)[0]
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    static let notebook = """
    ```ser parameters
    x: number = 3
    ```

    ```ser {#first}
    a = double x
    ```

    ```ser {#second}
    b = double a
    b
    ```
    """

    @Test func secondRunIsServedFromTheCache() throws {
        let f = Fixture()
        defer { f.remove() }
        let first = try f.run(Self.notebook)
        #expect(first.succeeded)
        #expect(f.runs.count == 2)
        #expect(first.results.map(\.output.cacheHits) == [0, 0])
        #expect(DiskCache(folder: f.folder + "/cache").summary().entries == 2)

        let second = try f.run(Self.notebook)
        #expect(f.runs.count == 2, "nothing recomputed")
        #expect(second.results.map(\.output.cacheHits) == [1, 1])
        // Same values either way.
        #expect(second.results[1].output.items == first.results[1].output.items)
        #expect(first.results[1].output.items == [.text("b = 12\n12")])
        let written = try String(contentsOfFile: second.outputPath, encoding: .utf8)
        #expect(written.contains("*cell 2 [second] · ok · ") && written.contains(" · 1 from cache*"))
    }

    @Test func changingAnArgumentRecomputesOnlyWhatDependsOnIt() throws {
        let f = Fixture()
        defer { f.remove() }
        _ = try f.run(Self.notebook)
        #expect(f.runs.count == 2)
        // A different parameter value: a new argument for `double x`, hence a new input for `double a`.
        let changed = try f.run(Self.notebook, overrides: [ParameterOverride(name: "x", value: "4")])
        #expect(f.runs.count == 4)
        #expect(changed.results.map(\.output.cacheHits) == [0, 0])
        // Editing only the second cell recomputes only the second cell.
        let edited = Self.notebook.replacingOccurrences(of: "b = double a", with: "b = double 5")
        let partly = try f.run(edited)
        #expect(f.runs.count == 5)
        #expect(partly.results.map(\.output.cacheHits) == [1, 0])
    }

    @Test func changingAnInputFileInvalidates() throws {
        let f = Fixture()
        defer { f.remove() }
        let file = f.folder + "/input.txt"
        try Data("abc".utf8).write(to: URL(fileURLWithPath: file))
        let text = "```ser\nn = size \"\(file)\"\nn\n```\n"
        _ = try f.run(text)
        _ = try f.run(text)
        #expect(f.runs.count == 1)
        try Data("abcdef".utf8).write(to: URL(fileURLWithPath: file))
        let changed = try f.run(text)
        #expect(f.runs.count == 2)
        #expect(changed.results[0].output.items == [.text("n = 6\n6")])
    }

    @Test func noCacheAndCacheFalseBypassTheCache() throws {
        let f = Fixture()
        defer { f.remove() }
        _ = try f.run(Self.notebook)
        _ = try f.run(Self.notebook, useCache: false)
        #expect(f.runs.count == 4)
        let uncachedCell = Self.notebook.replacingOccurrences(of: "{#second}", with: "{#second cache=false}")
        let run = try f.run(uncachedCell)
        #expect(f.runs.count == 5)
        #expect(run.results.map(\.output.cacheHits) == [1, 0])
    }

    @Test func languageDiagnosticsKeepTheirLocation() throws {
        let f = Fixture()
        defer { f.remove() }
        let run = try f.run("# T\n\n```ser {#bad}\na = double 1\nb = dubble a\n```\n")
        guard case .failed(let line, let message) = run.results[0].status else {
            Issue.record("expected a failure")
            return
        }
        #expect(line == 5)
        #expect(message.hasPrefix("nb.md:5:5: error: unknown verb 'dubble'; did you mean 'double'?"))
        #expect(message.contains("b = dubble a\n    ^"))
        // The statement before the failing one ran and its output is kept.
        #expect(run.results[0].output.items == [.text("a = 2")])
    }

    @Test func sessionOutputIsSplitIntoTextAndTables() {
        let items = LanguageNotebookSession.items(text: "a = 2\n\nb = 3\n\n**title**\n\n| x |\n| - |\n| 1 |\n\nwrote f.md"
            + "\n\n`seed [VALUE]`\n\nExample:\n```\nseed 42\n```")
        #expect(items == [.text("a = 2\nb = 3"), .markdown("**title**"), .markdown("| x |\n| - |\n| 1 |"), .text("wrote f.md"),
                          .markdown("`seed [VALUE]`"), .markdown("Example:\n```\nseed 42\n```")])
    }
}
