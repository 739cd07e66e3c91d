import Language

/// One notebook being run in one session, a cell at a time: what `ser run` does from the first cell to the last,
/// and what the prompt's `:next` and `:cell` do one cell at a time.
///
/// A cell that runs first replays, through the value cache, the earlier statements whose values it needs and the
/// session is missing (`ser run --only test-emovo`, `:cell 7` right after `:open`): only the statements that bind
/// those values, those they need in turn, and the settings before them (`seed`), without their output.
public final class NotebookStepper {
    public let notebook: Notebook
    /// Each declared parameter with its value and whether it was given (`--param`, `:open … name=value`).
    public let parameters: [(declaration: ParameterDeclaration, value: ParameterValue, overridden: Bool)]
    public let session: any NotebookSession
    /// false with `--no-cache`: nothing reads or writes the value cache.
    public var useCache: Bool
    /// Called before each earlier statement a cell replays (its cell's number and its text), so that a front-end
    /// can say why work it did not ask for is running before that work's own progress lines.
    public var willReplay: ((_ cell: Int, _ statement: String) -> Void)?
    /// What became of each cell so far, by index − 1; nil while a cell has not run.
    public private(set) var results: [CellResult?]

    private let values: [String: ParameterValue]
    /// The statements of each cell with their dependencies (nil when the session cannot tell, or on a syntax error).
    private var statements: [[StatementDependencies]?] = []
    /// For each name a notebook statement bound: which statement (cell index, statement index) and the value's
    /// hash at that moment.
    private var produced: [String: (cell: Int, statement: Int, hash: String)] = [:]

    /// Binds the parameters in `session`.
    public init(notebook: Notebook,
                parameters: [(declaration: ParameterDeclaration, value: ParameterValue, overridden: Bool)],
                session: any NotebookSession, useCache: Bool = true) throws {
        self.notebook = notebook
        self.parameters = parameters
        self.session = session
        self.useCache = useCache
        values = Dictionary(uniqueKeysWithValues: parameters.map { ($0.declaration.name, $0.value) })
        results = Array(repeating: nil, count: notebook.cells.count)
        for (declaration, value, _) in parameters {
            try session.bind(parameter: declaration.name, to: value)
        }
        statements = notebook.cells.map { cell in
            session.dependencies(of: substitute(cell.source, values: values), file: notebook.path, firstLine: cell.firstLine)
        }
    }

    /// Whether the session tells what statements need, so that cells can replay what they miss.
    public var canReplay: Bool { statements.contains { $0 != nil } }

    /// The cell's source with its parameters substituted, as it runs.
    public func source(of cell: Cell) -> String {
        substitute(cell.source, values: values)
    }

    /// Why `when=`/`unless=` keeps the cell from running, or nil when it runs.
    public func skipReason(_ cell: Cell) -> String? {
        if let name = cell.options.when, values[name]?.isSet != true {
            return "when=\(name): parameter '\(name)' is not set"
        }
        if let name = cell.options.unless, values[name]?.isSet == true {
            return "unless=\(name): parameter '\(name)' is set"
        }
        return nil
    }

    /// Records a cell as not run on purpose (`--from`, `--only`, `when=`, `unless=`).
    public func skip(_ cell: Cell, reason: String) -> CellResult {
        let result = CellResult(cell: cell, status: .skipped(reason), output: CellOutput(), seconds: 0)
        results[cell.index - 1] = result
        return result
    }

    /// Replaces what is recorded for a cell (the runner adds notes to failures).
    public func amend(_ result: CellResult) {
        results[result.cell.index - 1] = result
    }

    /// Records a cell as cancelled before it started (Ctrl-C between two cells).
    @discardableResult
    public func markCancelled(_ cell: Cell) -> CellResult {
        let result = CellResult(cell: cell, status: .cancelled, output: CellOutput(), seconds: 0)
        results[cell.index - 1] = result
        return result
    }

    /// Records a cell as not run because an earlier one failed.
    public func markNotRun(_ cell: Cell) {
        results[cell.index - 1] = CellResult(cell: cell, status: .notRun, output: CellOutput(), seconds: 0)
    }

    /// Runs a cell (cells skipped by `when=`/`unless=` are recorded as skipped): first the replay of what it
    /// needs, then its statements. A cell during which Ctrl-C came is recorded as cancelled.
    @discardableResult
    public func run(_ cell: Cell) -> CellResult {
        if let reason = skipReason(cell) { return skip(cell, reason: reason) }
        let clock = ContinuousClock()
        let start = clock.now
        var result: CellResult
        var replay: [ReplayedStatement] = []
        do {
            replay = try replayNeeds(of: cell)
            let output = try session.execute(source(of: cell), file: notebook.path, firstLine: cell.firstLine,
                                             useCache: useCache && cell.options.cache)
            result = CellResult(cell: cell, status: .ok, output: output, seconds: seconds(clock.now - start), replay: replay)
            record(cell)
        } catch let failure as ReplayFailure {
            result = CellResult(cell: cell, status: .failed(line: failure.line, message: failure.message),
                                output: CellOutput(), seconds: seconds(clock.now - start), replay: failure.replayed)
        } catch {
            let line = (error as? CellError)?.line ?? cell.firstLine
            var message = String(describing: error)
            if !message.hasPrefix(notebook.path + ":") { message = "\(notebook.path):\(line): error: \(message)" }
            result = CellResult(cell: cell, status: .failed(line: line, message: message),
                                output: (error as? CellError)?.output ?? CellOutput(), seconds: seconds(clock.now - start),
                                replay: replay)
            record(cell)
        }
        // Ctrl-C while the cell ran: it stopped early (training keeps its best weights, other verbs stop), whatever
        // it printed or threw.
        if session.isCancelled { result.status = .cancelled }
        results[cell.index - 1] = result
        return result
    }

    /// The executed notebook so far, as `ser run` writes it; cells not run yet are marked as such, and cells that
    /// `when=`/`unless=` keep from running say why, even before a step passed them.
    public func executed(outputFolder: String) -> ExecutedNotebook {
        let folder = outputFolder.isEmpty ? "." : outputFolder
        let all = notebook.cells.map { cell in
            results[cell.index - 1] ?? CellResult(cell: cell, status: .skipped(skipReason(cell) ?? "not run yet"),
                                                  output: CellOutput(), seconds: 0)
        }
        return ExecutedNotebook(notebook: notebook, parameters: parameters, results: all,
                                outputPath: folder + "/\(notebook.name).md")
    }

    // MARK: Replay

    /// A needed value that could not be replayed.
    struct ReplayFailure: Error {
        var line: Int
        var message: String
        var replayed: [ReplayedStatement]
    }

    /// Remembers the hash of every name the cell's statements bound.
    private func record(_ cell: Cell) {
        guard let list = statements[cell.index - 1] else { return }
        for (i, statement) in list.enumerated() {
            guard let name = statement.defines, let hash = session.valueHash(name) else { continue }
            produced[name] = (cell.index, i, hash)
        }
    }

    /// Runs the earlier statements the cell needs whose values the session lacks; throws when one cannot run or
    /// when a needed value is made only by a cell that does not run before this one.
    private func replayNeeds(of cell: Cell) throws -> [ReplayedStatement] {
        guard let own = statements[cell.index - 1] else { return [] }
        // Names the cell reads before binding them itself.
        var needed: [String: Int] = [:]   // name → notebook line that needs it
        var boundHere = Set<String>()
        for statement in own {
            for name in statement.uses where !boundHere.contains(name) && values[name] == nil {
                needed[name] = needed[name] ?? statement.line
            }
            if let name = statement.defines { boundHere.insert(name) }
        }
        // Walk back through the earlier cells that run: take the last statement binding each needed name, unless
        // the session still holds the value that very statement made.
        var chosen: [(cell: Cell, index: Int, statement: StatementDependencies, neededBy: String)] = []
        var settings: [(cell: Cell, index: Int, statement: StatementDependencies)] = []
        var ranAny = false
        for earlier in notebook.cells[..<(cell.index - 1)].reversed() {
            guard skipReason(earlier) == nil, let list = statements[earlier.index - 1] else { continue }
            if let result = results[earlier.index - 1], result.status == .ok { ranAny = true }
            for (i, statement) in list.enumerated().reversed() {
                if statement.changesSettings { settings.append((earlier, i, statement)); continue }
                guard let name = statement.defines, needed[name] != nil else { continue }
                needed[name] = nil
                if let made = produced[name], made.cell == earlier.index, made.statement == i,
                   session.valueHash(name) == made.hash {
                    continue
                }
                chosen.append((earlier, i, statement, name))
                // What it reads in turn (from an earlier statement of its own cell, or from earlier cells).
                for use in statement.uses where values[use] == nil {
                    needed[use] = needed[use] ?? statement.line
                }
            }
        }
        // A needed value no earlier running cell makes: say which cell would, if any.
        for (name, line) in needed.sorted(by: { $0.value < $1.value }) where session.valueHash(name) == nil {
            guard let maker = notebook.cells.first(where: { other in
                other.index != cell.index && (statements[other.index - 1]?.contains { $0.defines == name } ?? false)
            }) else { continue }
            let why: String
            if maker.index > cell.index {
                why = "which only \(maker.title) makes, and that cell comes later"
            } else {
                why = "which only \(maker.title) makes, and that cell does not run (\(skipReason(maker) ?? "skipped"))"
            }
            throw ReplayFailure(line: line, message: "\(notebook.path):\(line): error: \(cell.title) needs '\(name)', \(why)",
                                replayed: [])
        }
        // Settings are replayed with the values they shape, or when no earlier cell ran here (`--from`, `--only`).
        guard !chosen.isEmpty || (!ranAny && !settings.isEmpty) else {
            return []
        }
        // Forward order: settings and chosen statements as they stand in the notebook.
        var plan: [(cell: Cell, index: Int, statement: StatementDependencies, neededBy: String?)] =
            chosen.map { ($0.cell, $0.index, $0.statement, $0.neededBy) } + settings.map { ($0.cell, $0.index, $0.statement, nil) }
        plan.sort { ($0.cell.index, $0.index) < ($1.cell.index, $1.index) }
        var replayed: [ReplayedStatement] = []
        for step in plan {
            willReplay?(step.cell.index, step.statement.text)
            do {
                let output = try session.execute(step.statement.text, file: notebook.path, firstLine: step.statement.line,
                                                 useCache: useCache && step.cell.options.cache)
                replayed.append(ReplayedStatement(cell: step.cell.index, label: step.cell.label, defines: step.statement.defines,
                                                  text: step.statement.text, cached: output.cacheHits > 0))
                if let name = step.statement.defines, let hash = session.valueHash(name) {
                    produced[name] = (step.cell.index, step.index, hash)
                }
            } catch {
                let diagnostic = (error as? CellError)?.message ?? String(describing: error)
                let what = step.neededBy.map { "needs '\($0)', made by \(step.cell.title) at line \(step.statement.line)" }
                    ?? "needs the setting '\(step.statement.text)' of \(step.cell.title)"
                throw ReplayFailure(line: step.statement.line,
                                    message: "\(notebook.path):\(step.statement.line): error: \(cell.title) \(what), "
                                        + "which failed when replayed:\n\(diagnostic)",
                                    replayed: replayed)
            }
        }
        return replayed
    }
}

/// An earlier statement a cell replayed before it ran.
public struct ReplayedStatement: Sendable, Equatable {
    /// The cell it belongs to (1-based) and its label.
    public var cell: Int
    public var label: String?
    /// The name it bound (nil for a setting such as `seed 1`).
    public var defines: String?
    /// The statement as it ran.
    public var text: String
    /// Whether the cache served it.
    public var cached: Bool
}

extension CellResult {
    /// `replayed seed 1, emovo, feats (cached) from cells 1–4`, or nil when nothing was replayed.
    public var replaySummary: String? {
        guard let first = replay.first, let last = replay.last else { return nil }
        let items = replay.map { step in (step.defines ?? step.text) + (step.cached ? " (cached)" : "") }
        let cells = first.cell == last.cell ? "cell \(first.cell)" : "cells \(first.cell)–\(last.cell)"
        return "replayed \(items.joined(separator: ", ")) from \(cells)"
    }
}

func seconds(_ duration: Duration) -> Double {
    let (s, attoseconds) = duration.components
    return Double(s) + Double(attoseconds) * 1e-18
}
