import Foundation
import Language
import Notebook
import Support

/// A notebook opened at the prompt (`:open`), stepped through in the prompt's own session: `:next` shows the
/// prose up to the next cell, the cell's source under a `[cell 3/8 · split]` header, runs it and shows its
/// output; `:cell` runs any cell (replaying, through the cache, the earlier statements it needs); `:cells`,
/// `:prose` and `:save` show where the user is and write the executed notebook as `ser run` does.
///
/// Cells run through the same ``NotebookStepper`` as `ser run`: same parameter substitution, same cache keys,
/// same replay, same executed notebook.
final class NotebookAtPrompt {
    let stepper: NotebookStepper
    private let display: Display
    /// Index (0-based) of the cell `:next` runs.
    private(set) var next = 0
    /// Index of the cell shown last, for `:prose`.
    private var current: Int?

    var notebook: Notebook { stepper.notebook }
    private var cells: [Cell] { notebook.cells }

    /// Reads the notebook and checks `name=value` arguments against its parameters, as `ser run --param` does:
    /// unless `figures=` is given, figures go beside the executed notebook (`<outputFolder>/<name>/`), never over
    /// the committed `figures/`.
    init(path: String, arguments: [String], session: Session, display: Display, outputFolder: String,
         command: String = ":open") throws(NotebookError) {
        let notebook = try Notebook(contentsOf: Files.expandingTilde(path))
        var options = RunOptions()
        options.outputFolder = outputFolder
        options.figuresBesideOutput = true
        let parameters: [(declaration: ParameterDeclaration, value: ParameterValue, overridden: Bool)]
        do {
            options.overrides = try arguments.map { text throws(NotebookError) in try ParameterOverride(parsing: text) }
            parameters = try NotebookRunner.resolve([notebook], options: options)[0]
        } catch {
            // At the prompt the parameters are arguments of `:open` or `:run`, not --param options.
            var error = error
            if error.file == "--param" { error.file = command }
            throw error
        }
        do {
            stepper = try NotebookStepper(notebook: notebook, parameters: parameters,
                                          session: LanguageNotebookSession(session: session), useCache: session.cache != nil)
        } catch let error as NotebookError {
            throw error
        } catch {
            throw NotebookError(.parameter, file: path, "\(error)")
        }
        self.display = display
    }

    /// The title (first heading), the parameters and the cell list.
    func header() -> String {
        var out = "**\(notebook.name)**"
        if let title = title { out += " — " + title }
        out += "\n\n"
        if !stepper.parameters.isEmpty {
            out += "parameters: " + stepper.parameters.map { p in
                "`\(p.declaration.name)=\(p.value)`" + (p.overridden ? " (given)" : "")
            }.joined(separator: ", ") + "\n\n"
        }
        out += "\(cells.count) cells: " + cells.map { cell in
            "\(cell.index) \(cell.label ?? "")".trimmingCharacters(in: .whitespaces)
                + (stepper.skipReason(cell) != nil ? " (skipped)" : "")
        }.joined(separator: " · ") + "\n\n"
        out += "`:next` (`:n`) runs the next cell, `:cells` lists them, `:cell LABEL|N` runs one, `:prose` repeats the text, "
            + "`:save` writes the executed notebook."
        return out
    }

    private var title: String? {
        for case .prose(let text) in notebook.blocks {
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("# ") }) {
                return String(line.dropFirst(2))
            }
        }
        return nil
    }

    /// The prose between the cell before `index` and the cell at `index` (or after the last cell, for
    /// `index == cells.count`).
    func prose(before index: Int) -> String {
        var text = ""
        var cellsSeen = 0
        for block in notebook.blocks {
            switch block {
            case .cell:
                cellsSeen += 1
                if cellsSeen > index { return text }
            case .prose(let p) where cellsSeen == index:
                text += p
            case .parameters, .prose:
                break
            }
        }
        return text
    }

    /// `:next`: prose, header, source, output of the next cell that runs (cells skipped by when=/unless= are
    /// announced and passed).
    func stepNext() {
        guard next < cells.count else {
            Terminal.writeOut("end of \(notebook.name): no cell after this one (`:cells` lists them, `:cell N` runs one again, "
                + "`:save` writes the executed notebook)\n")
            return
        }
        while next < cells.count {
            let cell = cells[next]
            current = next
            showProse(prose(before: next))
            next += 1
            if let reason = stepper.skipReason(cell) {
                _ = stepper.skip(cell, reason: reason)
                Terminal.writeOut(headerLine(cell) + " skipped (\(reason))\n\n")
                continue
            }
            run(cell)
            break
        }
        if next == cells.count {
            let trailing = prose(before: cells.count)
            if !trailing.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { showProse(trailing) }
            Terminal.writeOut("(end of \(notebook.name))\n")
        }
    }

    /// `:cell LABEL|N`.
    func runCell(_ reference: String) {
        guard let cell = notebook.cell(named: reference) else {
            let labels = cells.compactMap(\.label)
            display.error("no cell '\(reference)' in \(notebook.name) (a label or a number from 1 to \(cells.count))"
                + (didYouMean(reference, among: labels).map { "; did you mean '\($0)'?" } ?? ""))
            return
        }
        current = cell.index - 1
        next = cell.index
        if let reason = stepper.skipReason(cell) {
            Terminal.writeOut(headerLine(cell) + " skipped (\(reason))\n")
            return
        }
        run(cell)
    }

    /// `:prose`.
    func repeatProse() {
        let index = current ?? next
        let text = prose(before: min(index, cells.count))
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            Terminal.writeOut("(no prose before \(index < cells.count ? cells[index].title : "the end"))\n")
        } else {
            showProse(text)
        }
    }

    /// `:cells`: every cell with its state; `▶` marks the one `:next` runs.
    func listing() -> String {
        var rows: [[String]] = []
        for cell in cells {
            let marker = cell.index - 1 == next ? "▶" : ""
            rows.append([marker, String(cell.index), cell.label ?? "", state(of: cell),
                         firstLine(stepper.source(of: cell))])
        }
        return Table(columns: ["", "cell", "label", "state", "first line"], rows: rows,
                     alignments: [.left, .right, .left, .left, .left]).markdown()
    }

    private func state(of cell: Cell) -> String {
        if let reason = stepper.skipReason(cell) {
            return "skipped (" + (reason.split(separator: ":").first.map(String.init) ?? reason) + ")"
        }
        guard let result = stepper.results[cell.index - 1] else {
            // Statements of it that a later cell replayed for the values it needed.
            let replayed = stepper.results.compactMap { $0 }.flatMap(\.replay).filter { $0.cell == cell.index }
            guard !replayed.isEmpty else { return "not run" }
            return "replayed: " + replayed.map { ($0.defines ?? $0.text) + ($0.cached ? " (cached)" : "") }.joined(separator: ", ")
        }
        switch result.status {
        case .ok:
            let time = String(format: "%.2f s", result.seconds)
            return result.output.cacheHits > 0 ? "from cache · \(time)" : "ran · \(time)"
        case .failed: return "failed"
        case .skipped(let reason): return "skipped (\(reason))"
        case .notRun: return "not run"
        case .cancelled: return "cancelled"
        }
    }

    private func firstLine(_ source: String) -> String {
        let line = source.split(separator: "\n").first.map(String.init) ?? ""
        return line.count > 48 ? String(line.prefix(47)) + "…" : line
    }

    /// `:save`: the executed notebook, where `ser run` writes it.
    func save(folder: String) throws -> String {
        let executed = stepper.executed(outputFolder: folder)
        try NotebookRunner.write(executed)
        return executed.outputPath
    }

    // MARK: Showing

    private func headerLine(_ cell: Cell) -> String {
        let label = cell.label.map { " · \($0)" } ?? ""
        let text = "[cell \(cell.index)/\(cells.count)\(label)]"
        return Terminal.styled(1) ? "\u{1B}[1;34m" + text + "\u{1B}[0m" : text
    }

    private func showProse(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        Terminal.writeOut(display.markdownText(trimmed) + "\n\n")
    }

    /// Runs a cell through the stepper and shows it: header, source, what it replays (as it starts), output, status.
    private func run(_ cell: Cell) {
        var out = headerLine(cell) + "\n"
        let source = stepper.source(of: cell)
        let styled = Terminal.styled(1)
        for line in source.split(separator: "\n", omittingEmptySubsequences: false).dropLast(source.hasSuffix("\n") ? 1 : 0) {
            for piece in display.wrapped("  " + line).split(separator: "\n") {
                out += (styled ? "\u{1B}[36m" : "") + piece + (styled ? "\u{1B}[0m" : "") + "\n"
            }
        }
        Terminal.writeOut(out)
        // Each replayed statement is announced before it runs, ahead of its own progress lines.
        stepper.willReplay = { [cells] index, statement in
            let title = cells[index - 1].label.map { "cell \(index) · \($0)" } ?? "cell \(index)"
            let text = statement.trimmingCharacters(in: .whitespacesAndNewlines)
            Terminal.writeOut("(replaying \(title): \(text.count > 60 ? text.prefix(59) + "…" : text))\n")
        }
        let result = stepper.run(cell)
        stepper.willReplay = nil
        if let replay = result.replaySummary { Terminal.writeOut("(\(replay))\n") }
        display.show(result.output.items)
        switch result.status {
        case .ok:
            let cached = result.output.cacheHits > 0 ? " · \(result.output.cacheHits) from cache" : ""
            Terminal.writeOut("(\(cell.title) · ok · \(String(format: "%.2f", result.seconds)) s\(cached))\n\n")
        case .failed(_, let message):
            display.error(message)
            Terminal.writeOut("(\(cell.title) failed; fix the cause and `:cell \(cell.label ?? String(cell.index))` runs it again)\n\n")
        case .skipped(let reason):
            Terminal.writeOut("(\(cell.title) skipped: \(reason))\n\n")
        case .notRun:
            break
        case .cancelled:
            Terminal.writeOut("(\(cell.title) cancelled (Ctrl-C) after \(String(format: "%.2f", result.seconds)) s; "
                + "`:cell \(cell.label ?? String(cell.index))` runs it again)\n\n")
        }
    }

    /// `:run NOTEBOOK`: every remaining cell in order, headers and outputs without the prose; stops at a failure
    /// and at Ctrl-C (the running cell is marked cancelled).
    func runAll() -> Bool {
        while next < cells.count {
            let cell = cells[next]
            current = next
            next += 1
            if let reason = stepper.skipReason(cell) {
                _ = stepper.skip(cell, reason: reason)
                continue
            }
            if stepper.session.isCancelled {
                // Ctrl-C between two cells: this one does not start.
                stepper.markCancelled(cell)
                Terminal.writeOut("(\(cell.title) cancelled (Ctrl-C) before it started)\n\n")
                return false
            }
            run(cell)
            switch stepper.results[cell.index - 1]?.status {
            case .failed, .cancelled: return false
            default: continue
            }
        }
        return true
    }
}
