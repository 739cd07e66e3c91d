import Foundation
import Language
import Notebook
import Support

/// The interactive prompt: `ser` (on a terminal) or `ser repl`.
///
/// Statements run as soon as a line is complete (a trailing `\\` or an open bracket asks for more with
/// `...> `). Meta-commands start with `:`; `:open` steps through a notebook in this session. Ctrl-C during a
/// command cancels it and returns to the prompt; at the prompt it discards the line; Ctrl-D on an empty line
/// exits. History persists in `~/.ser_history`.
public final class Repl {
    public let session: Session
    private let editor: LineEditor
    private let historyPath: String
    private let display: Display
    private var timing = false
    /// The notebook `:open` opened, if any.
    private var notebook: NotebookAtPrompt?
    /// Where `:save` writes executed notebooks (as `ser run`).
    public var notebookFolder = "build/notebooks"

    /// `session` should have the project's cache (`.ser-cache`) unless the user opted out; the prompt turns on
    /// `(cached)` marks and default figure paths (`build/figures/`).
    public init(session: Session, historyPath: String = Repl.defaultHistoryPath, display: Display = Display()) {
        self.session = session
        self.historyPath = historyPath
        self.display = display
        session.showsCacheHits = true
        if session.figureFolder == nil { session.figureFolder = "build/figures" }
        let history = History()
        try? history.load(from: historyPath)
        let completer = Completer(session: session)
        editor = LineEditor(program: "ser", history: history) { completer.complete($0) }
    }

    /// `~/.ser_history`.
    public static var defaultHistoryPath: String {
        (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.ser_history"
    }

    /// Runs until `:quit` or Ctrl-D.
    public func run() {
        Cancellation.installInterruptHandler()
        Terminal.writeOut(display.wrapped("ser \(serVersion) — type 'help' for the verbs, ':help' for the prompt's commands, "
            + "Ctrl-D to leave.") + "\n")
        var pending = ""
        while true {
            session.cancellation.clear()
            switch editor.readLine(prompt: pending.isEmpty ? "ser> " : "...> ") {
            case .end:
                Terminal.writeOut("\n")
                return
            case .interrupted:
                pending = ""
                Terminal.writeOut("\n")
                continue
            case .line(let line):
                pending += pending.isEmpty ? line : "\n" + line
                if needsMoreInput(pending) { continue }
                let text = pending
                pending = ""
                guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                editor.history.add(text)
                try? editor.history.save(to: historyPath)
                if text.trimmingCharacters(in: .whitespaces).hasPrefix(":") {
                    if !meta(text.trimmingCharacters(in: .whitespaces)) { return }
                } else {
                    execute(text, file: "<repl>")
                }
            }
        }
    }

    private func execute(_ text: String, file: String, firstLine: Int = 1) {
        session.cancellation.clear()
        let start = DispatchTime.now().uptimeNanoseconds
        let (out, error) = session.executePartial(text, file: file, firstLine: firstLine)
        display.show(out.text, figures: out.figures)
        if let error { display.error(error.description) }
        if timing {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            Terminal.writeOut("time: \(formatNumber(seconds, digits: 3)) s\n")
        }
    }

    /// Runs a meta-command; returns `false` for `:quit`.
    private func meta(_ text: String) -> Bool {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        let command = parts[0]
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        session.cancellation.clear()
        switch command {
        case ":quit", ":q", ":exit":
            return false
        case ":help":
            Terminal.writeOut(display.markdownText(Repl.metaHelp) + "\n")
        case ":vars":
            Terminal.writeOut(display.markdownText(Repl.vars(session)) + "\n")
        case ":reset":
            reset()
        case ":time":
            timing.toggle()
            Terminal.writeOut("timing \(timing ? "on" : "off")\n")
        case ":history":
            Terminal.writeOut(editor.history.entries.suffix(50).joined(separator: "\n") + "\n")
        case ":run":
            guard !argument.isEmpty else {
                display.error(":run needs a file: :run notebooks/00-tour.md [name=value …]")
                break
            }
            run(arguments: words(argument))
        case ":open":
            guard !argument.isEmpty else {
                display.error(":open needs a notebook: :open notebooks/02-emovo-baseline.md [name=value …]")
                break
            }
            open(arguments: words(argument))
        case ":next", ":n":
            guard let notebook = openNotebook(command) else { break }
            notebook.stepNext()
        case ":cells":
            guard let notebook = openNotebook(command) else { break }
            Terminal.writeOut(display.markdownText(notebook.listing()) + "\n")
        case ":cell":
            guard let notebook = openNotebook(command) else { break }
            guard !argument.isEmpty else {
                display.error(":cell needs a label or a number: :cell train-emovo, :cell 4")
                break
            }
            notebook.runCell(argument)
        case ":prose":
            guard let notebook = openNotebook(command) else { break }
            notebook.repeatProse()
        case ":save":
            guard let notebook = openNotebook(command) else { break }
            do {
                let path = try notebook.save(folder: argument.isEmpty ? notebookFolder : argument)
                Terminal.writeOut("wrote \(path)\n")
            } catch {
                display.error("\(error)")
            }
        case ":figures":
            figures(argument)
        case ":inline":
            switch argument {
            case "on": display.figures.inline = true
            case "off": display.figures.inline = false
            case "": break
            default:
                display.error(":inline takes on or off")
                return true
            }
            let how = display.figures.linksOnly
                ? (display.figures.inline ? "on, but this terminal shows no images: figures are links" : "off: figures are links")
                : "on (\(display.figures.method.rawValue))"
            Terminal.writeOut("inline figures \(how)\n")
        default:
            let s = didYouMean(command, among: Completer.metaCommands).map { "; did you mean '\($0)'?" } ?? ""
            display.error("unknown command '\(command)'\(s) (:help lists them)")
        }
        return true
    }

    /// Words of a meta-command's argument; double quotes keep spaces (`:open "my notes.md" title="a b"`).
    private func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        for c in text {
            if c == "\"" { quoted.toggle(); continue }
            if c == " ", !quoted {
                if !current.isEmpty { words.append(current); current = "" }
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    private func openNotebook(_ command: String) -> NotebookAtPrompt? {
        if let notebook { return notebook }
        display.error("\(command): no notebook is open; :open notebooks/02-emovo-baseline.md opens one")
        return nil
    }

    /// `:open NOTEBOOK [name=value …]`.
    private func open(arguments: [String]) {
        do {
            let opened = try NotebookAtPrompt(path: arguments[0], arguments: Array(arguments.dropFirst()), session: session,
                                              display: display, outputFolder: notebookFolder)
            notebook = opened
            Terminal.writeOut(display.markdownText(opened.header()) + "\n")
        } catch {
            display.error(error.description)
        }
    }

    /// `:run FILE [name=value …]`: a notebook's cells (parameters, `{{…}}`, when=/unless= as `ser run`), or a
    /// script's statements, into this session; stops at the first error.
    private func run(arguments: [String]) {
        let file = arguments[0]
        let path = Files.expandingTilde(file)
        if path.hasSuffix(".md") {
            do {
                let opened = try NotebookAtPrompt(path: file, arguments: Array(arguments.dropFirst()), session: session,
                                                  display: display, outputFolder: notebookFolder, command: ":run")
                notebook = opened
                _ = opened.runAll()
            } catch {
                display.error(error.description)
            }
            return
        }
        guard arguments.count == 1 else {
            display.error(":run \(file): name=value parameters are for notebooks (.md)")
            return
        }
        let text: String
        do { text = try ScriptFile.read(path) } catch {
            display.error(error.description)
            return
        }
        _ = ScriptRunner(session: session, file: file, display: display).run(text: text)
    }

    /// `:reset`: asks first when the session holds trained models, which can take minutes to make again.
    private func reset() {
        let trained = session.order.filter { name in
            guard let type = session.values[name]?.type else { return false }
            return type == .model || type == .run
        }
        if !trained.isEmpty {
            let names = trained.map { "'\($0)'" }.joined(separator: ", ")
            let question = "forget all \(session.order.count) values, trained models \(names) among them? [y/N] "
            guard case .line(let answer) = editor.readLine(prompt: question),
                  ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased()) else {
                Terminal.writeOut("kept the session\n")
                return
            }
        }
        session.reset()
        notebook = nil
        Terminal.writeOut("session cleared\n")
    }

    /// `:figures` lists the session's figures; `:figures N` shows one again.
    private func figures(_ argument: String) {
        let shown = display.figures.shown
        guard !shown.isEmpty else {
            Terminal.writeOut("no figures yet (a plot statement without to= writes one under build/figures/)\n")
            return
        }
        if let n = Int(argument), n >= 1, n <= shown.count {
            Terminal.writeOut(display.figures.render(shown[n - 1]))
            return
        }
        if !argument.isEmpty {
            display.error(":figures takes a number from 1 to \(shown.count)")
            return
        }
        for (i, path) in shown.enumerated() {
            Terminal.writeOut("\(i + 1)  \(FigureViewer.hyperlink(path))\n")
        }
    }

    /// The `:vars` table: every session value with its type, size and content hash; values the cache served
    /// say so.
    public static func vars(_ session: Session) -> String {
        guard !session.order.isEmpty else { return "no values yet" }
        let rows = session.order.map { name -> [String] in
            let v = session.values[name]!
            return [name, v.type.rawValue, v.summary + (session.cachedNames.contains(name) ? " (cached)" : ""), v.hash.short]
        }
        return Table(columns: ["name", "type", "value", "hash"], rows: rows, alignments: [.left, .left, .left, .left]).markdown()
    }

    /// `:help`: Markdown, so that a terminal lays it out for its width as it does `help`.
    static let metaHelp = """
    Statements: `[name =] verb arguments` (`help` lists the verbs, `help VERB` shows one; `_` is the last unnamed result).

    | meta-command | what it does |
    | --- | --- |
    | `:help` | this list |
    | `:vars` | every session value with its type, size and hash; (cached) marks values from the cache |
    | `:run FILE [p=v …]` | run a notebook's cells (.md, with its parameters) or a script into this session |
    | `:open NOTEBOOK [p=v …]` | step through a notebook: shows its title, parameters and cells |
    | `:next`, `:n` | the prose up to the next cell, the cell, its output |
    | `:cells` | the notebook's cells and their state (ran, from cache, not run, replayed, failed, skipped, cancelled) |
    | `:cell LABEL\\|N` | run one cell, replaying through the cache the earlier cells it needs |
    | `:prose` | the prose before the current cell again |
    | `:save [FOLDER]` | write the executed notebook as ser run does (build/notebooks/NAME.md) |
    | `:figures [N]` | the session's figures; N shows one again |
    | `:inline on\\|off` | draw figures in the terminal (kitty, iTerm2, sixel) or link to them |
    | `:reset` | forget every value (asks first when models were trained) |
    | `:time` | toggle timing of each statement |
    | `:history` | the last 50 lines of history |
    | `:quit` | leave (also Ctrl-D) |

    Keys: Tab completes verbs, options, names and paths in strings; Ctrl-C cancels a running command or discards \
    the line; a line ending in `\\` continues on the next.
    """
}
