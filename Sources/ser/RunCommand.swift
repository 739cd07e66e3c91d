import ArgumentParser
import Notebook

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ser run NOTEBOOK...`: runs notebooks headlessly, cell by cell, and writes the executed notebooks.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run notebooks cell by cell and write the executed notebooks (output, tables, figures, times).",
        discussion: """
        A notebook is Markdown; fenced blocks whose info string starts with `ser` are cells, optionally \
        labelled (```ser {#train-emovo cache=false}). Each notebook runs in its own session; the executed \
        notebook goes to build/notebooks/<name>.md. A failing cell stops the run with file:line and the \
        cell named, the partial output is written and marked, and the exit status is 1.

        Examples:
          ser run notebooks/02-emovo-baseline.md
          ser run notebooks/*.md --param data=~/corpora
          ser run notebooks/02-emovo-baseline.md --param epochs=5 --only train-emovo
        """
    )

    @Argument(help: "Notebooks (.md) to run, in order.")
    var notebooks: [String]

    @Option(name: .customLong("param"), help: ArgumentHelp("Override a declared parameter (repeatable).", valueName: "name=value"))
    var parameters: [String] = []

    @Option(help: ArgumentHelp("Skip the cells before this one (a label or a number).", valueName: "cell"))
    var from: String?

    @Option(help: ArgumentHelp("Run only this cell (a label or a number).", valueName: "cell"))
    var only: String?

    @Flag(help: "Run the remaining cells after a failure (the exit status is still 1).")
    var keepGoing = false

    @Flag(help: "Neither read nor write the value cache.")
    var noCache = false

    @Option(help: ArgumentHelp("Folder for the executed notebooks.", valueName: "dir"))
    var out = "build/notebooks"

    @Option(name: .customLong("cache"), help: ArgumentHelp("The value cache folder.", valueName: "dir"))
    var cacheFolder = ".ser-cache"

    func run() throws {
        var options = RunOptions()
        options.from = from
        options.only = only
        options.keepGoing = keepGoing
        options.useCache = !noCache
        options.outputFolder = out
        let executed = try NotebookRun.run(paths: notebooks, parameters: parameters, options: options, cacheFolder: cacheFolder)
        if executed.contains(where: { !$0.succeeded }) { throw ExitCode(1) }
    }
}

/// What `ser run` and `ser figures` share: reading notebooks, running them with progress on a TTY,
/// reporting each run on stdout and failures on stderr.
enum NotebookRun {
    /// Runs the notebooks; returns nil-free results or throws `ExitCode(1)` after printing a clear error
    /// when a notebook cannot be read or a parameter does not type-check.
    static func run(paths: [String], parameters: [String], options: RunOptions, cacheFolder: String,
                    quiet: Bool = false) throws -> [ExecutedNotebook] {
        var options = options
        do {
            options.overrides += try parameters.map { text throws(NotebookError) in try ParameterOverride(parsing: text) }
            let notebooks = try paths.map { path throws(NotebookError) in try Notebook(contentsOf: path) }
            let progress = ProgressLine()
            let runner = NotebookRunner(
                makeSession: { LanguageNotebookSession(cache: DiskCache(folder: cacheFolder)) },
                onEvent: { progress.handle($0) }
            )
            let executed = try runner.run(notebooks, options: options)
            for run in executed {
                if !quiet || !run.succeeded { report(run) }
            }
            return executed
        } catch let error as NotebookError {
            Output.message(error.description)
            throw ExitCode(1)
        }
    }

    /// One line per notebook on stdout; each failure in full on stderr.
    static func report(_ run: ExecutedNotebook) {
        let ok = run.results.filter { $0.status == .ok }.count
        let hits = run.results.reduce(0) { $0 + $1.output.cacheHits }
        let cached = hits > 0 ? ", \(hits) from cache" : ""
        let status = run.succeeded ? "ok" : "FAILED"
        print("\(run.notebook.path): \(status): \(ok)/\(run.results.count) cells ran in \(seconds(run.seconds))\(cached) → \(run.outputPath)")
        for failure in run.failures {
            if case .failed(_, let message) = failure.status {
                Output.message("\(failure.cell.title) failed:\n\(message)")
            }
        }
    }

    static func seconds(_ s: Double) -> String {
        s < 60 ? "\(Double(Int(s * 10)) / 10) s" : "\(Int(s) / 60) min \(Int(s) % 60) s"
    }
}

/// The one-line progress display of a notebook run on a TTY: `02-emovo-baseline: cell 4/9 [train-emovo]
/// epoch 37/200 …`, rewritten in place; nothing at all when stderr is not a terminal.
final class ProgressLine: @unchecked Sendable {
    private let enabled = isatty(2) == 1
    private var prefix = ""
    private var shown = ""

    func handle(_ event: RunEvent) {
        guard enabled else { return }
        switch event {
        case .cellStarted(let notebook, let cell, let number, let total):
            let name = notebook.split(separator: "/").last.map { String($0.hasSuffix(".md") ? $0.dropLast(3) : $0) } ?? notebook
            let label = cell.label.map { " [\($0)]" } ?? ""
            prefix = "\(name): cell \(number)/\(total)\(label)"
            show(prefix + " …")
        case .detail(let text):
            show(text.isEmpty ? prefix + " …" : prefix + " " + text)
        case .cellFinished:
            show("")
        }
    }

    private func show(_ text: String) {
        guard text != shown else { return }
        shown = text
        var columns = 100
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 10 { columns = Int(size.ws_col) - 1 }
        let clipped = text.count > columns ? String(text.prefix(columns - 1)) + "…" : text
        Output.standardError("\r\u{1B}[K" + clipped)
    }
}
