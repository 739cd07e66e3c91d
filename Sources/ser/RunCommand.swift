import ArgumentParser
import Language
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
        notebook goes to build/notebooks/<name>.md (with --to ipynb / html also <name>.ipynb / .html, \
        figures embedded) and its figures to build/notebooks/<name>/ (--param figures=DIR to choose). A \
        failing cell stops the run with file:line and the cell named, the partial output is written and \
        marked, and the exit status is 1. Ctrl-C stops at the next batch, keeps what finished, writes the \
        executed notebook with the cell marked cancelled and exits with status 130 (a second Ctrl-C ends \
        ser at once). When stdout is not a terminal, one line is printed as each cell starts and ends, and \
        during long statements every 10 % or 30 s (--progress).

        Examples:
          ser run notebooks/02-emovo-baseline.md
          ser run notebooks/*.md --param data=~/corpora
          ser run notebooks/02-emovo-baseline.md --param size=small --only emovo-only
          ser run notebooks/01-features.md --param size=small --to ipynb --to html
          ser run notebooks/02-emovo-baseline.md --list-params
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

    @Option(name: .customLong("to"), help: ArgumentHelp(
        "Also write the executed notebook as ipynb (Jupyter, VS Code, GitHub) or html (a self-contained report); repeatable.",
        valueName: "format"))
    var formats: [ExportFormat] = []

    @Option(help: ArgumentHelp("Progress: auto (a line in place on a terminal, plain lines otherwise), plain or none.",
                               valueName: "mode"))
    var progress: ProgressMode = .auto

    @Flag(help: "Print each notebook's parameters (name, type, default, meaning) and exit.")
    var listParams = false

    func run() throws {
        if listParams {
            try NotebookRun.listParameters(paths: notebooks)
            return
        }
        var options = RunOptions()
        options.from = from
        options.only = only
        options.keepGoing = keepGoing
        options.useCache = !noCache
        options.outputFolder = out
        options.figuresBesideOutput = true
        var job = NotebookJob(paths: notebooks, parameters: parameters, options: options)
        job.cacheFolder = cacheFolder
        job.formats = formats
        let executed = try NotebookRun.run(job, progress: progress)
        if executed.contains(where: \.cancelled) { throw ExitCode(130) }
        if executed.contains(where: { !$0.succeeded }) { throw ExitCode(1) }
    }
}

/// `--progress auto|plain|none`.
enum ProgressMode: String, ExpressibleByArgument, CaseIterable {
    case auto, plain, none
}

extension ExportFormat: ExpressibleByArgument {}

/// What `ser run` and `ser figures` share: Notebook's `NotebookJob` runs the notebooks; this prints progress
/// (in place on a TTY), a line per notebook on stdout, failures and cache warnings on stderr.
enum NotebookRun {
    /// Runs `job`; throws `ExitCode(1)` after printing a clear error when a notebook cannot be read, a
    /// parameter does not type-check or an export fails.
    static func run(_ job: NotebookJob, quiet: Bool = false, progress mode: ProgressMode = .auto) throws -> [ExecutedNotebook] {
        let onEvent: @Sendable (RunEvent) -> Void
        switch mode {
        case .none: onEvent = { _ in }
        case .plain: onEvent = plainProgress()
        case .auto:
            if isatty(1) == 1 {
                let line = ProgressLine()
                onEvent = { line.handle($0) }
            } else {
                onEvent = plainProgress()
            }
        }
        let outcomes: [NotebookJob.Outcome]
        do {
            outcomes = try job.run(onEvent: onEvent, onCacheWarning: { Output.message($0) })
        } catch let error as NotebookError {
            Output.message(error.description)
            throw ExitCode(1)
        }
        for outcome in outcomes {
            if !quiet || !outcome.executed.succeeded { report(outcome.executed) }
            if !quiet { for path in outcome.exported { print("  → \(path)") } }
            for failure in outcome.exportFailures { Output.message(failure) }
        }
        if outcomes.contains(where: { !$0.exportFailures.isEmpty }) { throw ExitCode(1) }
        return outcomes.map(\.executed)
    }

    /// Plain progress lines on stdout (a log, a pipe, CI).
    static func plainProgress() -> @Sendable (RunEvent) -> Void {
        let printer = PlainRunProgress { line in writeStandardOutput(line) }
        return { printer.handle($0) }
    }

    /// `--list-params`: each notebook's parameters with type, default and meaning.
    static func listParameters(paths: [String]) throws {
        do throws(NotebookError) {
            print(try NotebookJob.parameterListings(paths: paths).joined(separator: "\n"), terminator: "")
        } catch {
            Output.message(error.description)
            throw ExitCode(1)
        }
    }

    /// One line per notebook on stdout; each failure in full on stderr.
    static func report(_ run: ExecutedNotebook) {
        let ok = run.results.filter { $0.status == .ok }.count
        let hits = run.results.reduce(0) { $0 + $1.output.cacheHits }
        let cached = hits > 0 ? ", \(hits) from cache" : ""
        let status = run.cancelled ? "CANCELLED (Ctrl-C)" : run.succeeded ? "ok" : "FAILED"
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

/// Writes to stdout at once, in order with `print` (stdout is line-buffered: see `SER.main`).
func writeStandardOutput(_ text: String) {
    fflush(nil)
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if n < 0 { if errno == EINTR { continue }; return }
        bytes = bytes.dropFirst(n)
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
        Output.progress(clipped)
    }
}
