import Audio
import Support

/// How `ser run` runs notebooks.
public struct RunOptions: Sendable {
    /// `--param name=value` overrides, as typed (checked against each notebook's declarations).
    public var overrides: [ParameterOverride] = []
    /// `--from CELL`: cells before this one (label or number) are skipped.
    public var from: String?
    /// `--only CELL`: only this cell runs.
    public var only: String?
    /// `--keep-going`: a failing cell does not stop the run.
    public var keepGoing = false
    /// false with `--no-cache`: no cell reads or writes the value cache.
    public var useCache = true
    /// Where executed notebooks are written (default `build/notebooks`).
    public var outputFolder = "build/notebooks"
    /// When true, a notebook that declares a `figures` parameter which `--param` does not set writes its
    /// figures beside its executed notebook, to `<outputFolder>/<name>/`, instead of the declared default
    /// (`ser run`, so that a parameterised run never overwrites the committed `figures/`).
    public var figuresBesideOutput = false

    public init() {}
}

extension RunOptions {
    /// `<outputFolder>/<name>.md`: where the executed form of `notebook` goes.
    public func outputPath(for notebook: Notebook) -> String {
        (outputFolder.isEmpty ? "." : outputFolder) + "/\(notebook.name).md"
    }

    /// `<outputFolder>/<name>`: the figure folder of `notebook` when ``figuresBesideOutput`` is set.
    public func figureFolder(for notebook: Notebook) -> String {
        (outputFolder.isEmpty ? "." : outputFolder) + "/\(notebook.name)"
    }
}

/// One `--param name=value`.
public struct ParameterOverride: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Parses `name=value` (the value may be empty, may contain `=`).
    public init(parsing text: String) throws(NotebookError) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw NotebookError(.parameter, file: "--param", "expected name=value, got '\(text)'")
        }
        name = String(text[..<equals])
        value = String(text[text.index(after: equals)...])
    }
}

/// What became of one cell.
public struct CellResult: Sendable {
    public enum Status: Sendable, Equatable {
        case ok
        /// The cell failed; `line` is the notebook line of the failing statement, `message` the diagnostic.
        case failed(line: Int, message: String)
        /// Not run on purpose (`--from`, `--only`, `when=`, `unless=`), with the reason.
        case skipped(String)
        /// Not run because an earlier cell failed or the run was cancelled.
        case notRun
        /// Ctrl-C stopped the run during this cell (or just before it): what the cell's statements finished
        /// is kept (training keeps its best weights), the statements after the running one did not run.
        case cancelled
    }

    public var cell: Cell
    public var status: Status
    public var output: CellOutput
    /// Wall time of the cell in seconds (0 when it did not run), its replay included.
    public var seconds: Double
    /// Earlier statements replayed first because the cell needed their values (`--from`, `--only`, `:cell`).
    public var replay: [ReplayedStatement] = []
}

/// A notebook after a run: the values its parameters had and what each cell did.
public struct ExecutedNotebook: Sendable {
    public var notebook: Notebook
    /// Each declared parameter with the value used and whether `--param` set it.
    public var parameters: [(declaration: ParameterDeclaration, value: ParameterValue, overridden: Bool)]
    public var results: [CellResult]
    /// Where the executed notebook was written.
    public var outputPath: String

    /// The failed cells.
    public var failures: [CellResult] {
        results.filter { if case .failed = $0.status { true } else { false } }
    }

    public var succeeded: Bool { failures.isEmpty && !cancelled }

    /// Whether Ctrl-C stopped this run.
    public var cancelled: Bool { results.contains { $0.status == .cancelled } }

    /// Total wall time of the cells, in seconds.
    public var seconds: Double { results.reduce(0) { $0 + $1.seconds } }
}

/// Something that happened during a run, for progress display.
public enum RunEvent: Sendable {
    /// A cell starts: its 1-based number among the cells that run, and how many run.
    case cellStarted(notebook: String, cell: Cell, number: Int, total: Int)
    /// A progress line of a long statement of the running cell.
    case detail(String)
    /// A cell ended (ran, failed or was skipped).
    case cellFinished(notebook: String, result: CellResult)
}

/// Runs notebooks cell by cell in one session each and writes the executed notebooks.
public struct NotebookRunner {
    /// Makes a fresh session for each notebook.
    public var makeSession: () throws -> any NotebookSession
    /// Receives run events (the command prints them on a TTY).
    public var onEvent: @Sendable (RunEvent) -> Void

    public init(makeSession: @escaping () throws -> any NotebookSession,
                onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }) {
        self.makeSession = makeSession
        self.onEvent = onEvent
    }

    /// Checks every override and `--from`/`--only` against the notebooks before anything runs, and returns
    /// each notebook's parameter values (defaults, then overrides).
    ///
    /// An override must name a parameter that at least one notebook declares; its value must have the type
    /// of every declaration of that name.
    public static func resolve(_ notebooks: [Notebook], options: RunOptions) throws(NotebookError)
        -> [[(declaration: ParameterDeclaration, value: ParameterValue, overridden: Bool)]]
    {
        var seen: [String: ParameterOverride] = [:]
        for override in options.overrides {
            if seen[override.name] != nil {
                throw NotebookError(.parameter, file: "--param", "parameter '\(override.name)' is given twice")
            }
            seen[override.name] = override
            let declared = notebooks.flatMap(\.parameters).map(\.name)
            guard declared.contains(override.name) else {
                let list = Array(Set(declared)).sorted()
                throw NotebookError(.parameter, file: "--param",
                                    "no notebook declares a parameter '\(override.name)'" + suggestion(override.name, among: list)
                                        + (list.isEmpty ? " (the notebooks declare no parameters)"
                                            : " (declared: \(list.joined(separator: ", ")))"))
            }
        }
        for reference in [options.from, options.only].compactMap({ $0 }) {
            for notebook in notebooks where notebook.cell(named: reference) == nil {
                let labels = notebook.cells.compactMap(\.label)
                throw NotebookError(.unknownCell, file: notebook.path,
                                    "no cell '\(reference)' (a label or a number from 1 to \(notebook.cells.count))"
                                        + suggestion(reference, among: labels))
            }
        }
        if options.from != nil, options.only != nil {
            throw NotebookError(.unknownCell, file: "--only", "--from and --only cannot be combined")
        }
        var all: [[(declaration: ParameterDeclaration, value: ParameterValue, overridden: Bool)]] = []
        for notebook in notebooks {
            var values: [(declaration: ParameterDeclaration, value: ParameterValue, overridden: Bool)] = []
            for declaration in notebook.parameters {
                guard let override = seen[declaration.name] else {
                    if options.figuresBesideOutput, declaration.name == "figures", declaration.type == .path {
                        values.append((declaration, .path(options.figureFolder(for: notebook)), false))
                    } else {
                        values.append((declaration, declaration.defaultValue, false))
                    }
                    continue
                }
                switch declaration.type.value(of: override.value) {
                case .success(let value): values.append((declaration, value, true))
                case .failure(let mismatch):
                    throw NotebookError(.parameter, file: "--param",
                                        "\(override.name)=\(override.value): \(mismatch.message) (declared at \(notebook.path):\(declaration.line))")
                }
            }
            all.append(values)
        }
        return all
    }

    /// Runs notebooks one after another, each in its own session; every notebook is read and every
    /// parameter checked before the first cell runs. Returns each executed notebook (also written to disk).
    public func run(_ notebooks: [Notebook], options: RunOptions) throws -> [ExecutedNotebook] {
        let values = try Self.resolve(notebooks, options: options)
        var executed: [ExecutedNotebook] = []
        for (notebook, parameters) in zip(notebooks, values) {
            let run = try run(notebook, parameters: parameters, options: options)
            executed.append(run)
            if run.cancelled { break }
        }
        return executed
    }

    /// Runs one notebook with resolved parameters and writes its executed form atomically to
    /// `<outputFolder>/<name>.md`.
    func run(_ notebook: Notebook,
             parameters: [(declaration: ParameterDeclaration, value: ParameterValue, overridden: Bool)],
             options: RunOptions) throws -> ExecutedNotebook {
        let outputPath = options.outputPath(for: notebook)
        let stepper = try NotebookStepper(notebook: notebook, parameters: parameters, session: try makeSession(),
                                          useCache: options.useCache)
        let cells = notebook.cells
        let fromIndex = options.from.flatMap { notebook.cell(named: $0)?.index } ?? 1
        let onlyIndex = options.only.flatMap { notebook.cell(named: $0)?.index }

        // Decide which cells run before running any, so progress can say "cell 3/7".
        var plan: [String?] = []
        for cell in cells {
            if let onlyIndex, cell.index != onlyIndex {
                plan.append("--only \(options.only!)")
            } else if cell.index < fromIndex {
                plan.append("--from \(options.from!)")
            } else {
                plan.append(stepper.skipReason(cell))
            }
        }
        let total = plan.filter { $0 == nil }.count
        var number = 0
        var stopped = false
        let onEvent = onEvent
        stepper.session.setProgressHandler { line in onEvent(.detail(line)) }
        defer { stepper.session.setProgressHandler(nil) }

        for (cell, planned) in zip(cells, plan) {
            if let planned {
                onEvent(.cellFinished(notebook: notebook.path, result: stepper.skip(cell, reason: planned)))
                continue
            }
            if stopped {
                stepper.markNotRun(cell)
                continue
            }
            if stepper.session.isCancelled {
                // Ctrl-C between two cells: this one is marked cancelled, the rest do not run.
                let result = stepper.markCancelled(cell)
                onEvent(.cellFinished(notebook: notebook.path, result: result))
                stopped = true
                continue
            }
            number += 1
            onEvent(.cellStarted(notebook: notebook.path, cell: cell, number: number, total: total))
            var result = stepper.run(cell)
            if case .failed(let line, var message) = result.status {
                stopped = !options.keepGoing
                if !stepper.canReplay, plan[..<(cell.index - 1)].contains(where: { $0?.hasPrefix("--") == true }) {
                    message += "\nnote: cells before this one were skipped (\(options.only != nil ? "--only" : "--from")); "
                        + "values they make are missing"
                    result.status = .failed(line: line, message: message)
                    stepper.amend(result)
                }
            }
            if result.status == .cancelled { stopped = true }
            onEvent(.cellFinished(notebook: notebook.path, result: result))
        }
        var executed = stepper.executed(outputFolder: options.outputFolder)
        executed.outputPath = outputPath
        try Self.write(executed)
        return executed
    }

    /// Writes an executed notebook atomically to its `outputPath`, creating the folder.
    public static func write(_ executed: ExecutedNotebook) throws {
        do { try Files.makeParentDirectories(of: executed.outputPath) } catch {
            throw NotebookError(.io, file: error.path ?? executed.outputPath, "cannot create the output folder: \(error.message)")
        }
        let text = ExecutedNotebookRenderer(executed).render()
        do {
            try AtomicFile.write(Array(text.utf8), to: executed.outputPath)
        } catch {
            throw NotebookError(.io, file: executed.outputPath, error.message)
        }
    }
}
