import Foundation
import Language
import Support

/// The interactive prompt: `ser` (on a terminal) or `ser repl`.
///
/// Statements run as soon as a line is complete (a trailing `\` or an open bracket asks for more with
/// `...> `). Meta-commands start with `:`. Ctrl-C during a command cancels it and returns to the
/// prompt; at the prompt it discards the line; Ctrl-D on an empty line exits. History persists in
/// `~/.ser_history`.
public final class Repl {
    public let session: Session
    private let editor: LineEditor
    private let historyPath: String
    private var timing = false

    public init(session: Session, historyPath: String = Repl.defaultHistoryPath) {
        self.session = session
        self.historyPath = historyPath
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
        Terminal.writeOut("ser \(serVersion) — type 'help' for the verbs, ':help' for the prompt's commands, Ctrl-D to leave.\n")
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
        if !out.text.isEmpty { Terminal.writeOut(Terminal.block(out.text)) }
        if let error { Terminal.writeError(error.description + "\n") }
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
        switch command {
        case ":quit", ":q", ":exit":
            return false
        case ":help":
            Terminal.writeOut(Repl.metaHelp + "\n")
        case ":vars":
            Terminal.writeOut(Repl.vars(session) + "\n")
        case ":reset":
            session.reset()
            Terminal.writeOut("session cleared\n")
        case ":time":
            timing.toggle()
            Terminal.writeOut("timing \(timing ? "on" : "off")\n")
        case ":history":
            Terminal.writeOut(editor.history.entries.suffix(50).joined(separator: "\n") + "\n")
        case ":run":
            guard !argument.isEmpty else {
                Terminal.writeError(":run needs a file: :run notebooks/00-tour.md\n")
                break
            }
            run(file: argument)
        default:
            let s = suggestion(command, among: Completer.metaCommands)
            Terminal.writeError("unknown command '\(command)'\(s) (:help lists them)\n")
        }
        return true
    }

    /// `:run FILE`: a notebook's `ser` cells, or a script's statements, into this session; stops at the
    /// first error.
    private func run(file: String) {
        let path = Files.expandingTilde(file)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            Terminal.writeError("\(file): cannot read\n")
            return
        }
        let chunks = path.hasSuffix(".md") ? Repl.cells(of: text) : [(1, text)]
        for (firstLine, source) in chunks {
            if source.contains("{{") {
                Terminal.writeError("\(file):\(firstLine): this cell uses the notebook's parameters ({{…}}); run the notebook with `ser run \(file)`\n")
                return
            }
            session.cancellation.clear()
            let (out, error) = session.executePartial(source, file: file, firstLine: firstLine)
            if !out.text.isEmpty { Terminal.writeOut(Terminal.block(out.text)) }
            if let error {
                Terminal.writeError(error.description + "\n")
                return
            }
        }
    }

    /// The `ser` cells of a Markdown notebook: the first line number of each cell's body and its text.
    public static func cells(of markdown: String) -> [(Int, String)] {
        var cells: [(Int, String)] = []
        var current: [String]?
        var start = 0
        for (i, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed.hasPrefix("```ser") {
                let rest = trimmed.dropFirst(6)
                if rest.isEmpty || rest.first == " " || rest.first == "{" {
                    current = []
                    start = i + 2
                }
            } else if current != nil, trimmed.hasPrefix("```") {
                cells.append((start, current!.joined(separator: "\n")))
                current = nil
            } else if current != nil {
                current!.append(String(line))
            }
        }
        return cells
    }

    /// The `:vars` table: every session value with its type, size and content hash.
    public static func vars(_ session: Session) -> String {
        guard !session.order.isEmpty else { return "no values yet" }
        let rows = session.order.map { name -> [String] in
            let v = session.values[name]!
            return [name, v.type.rawValue, v.summary, v.hash.short]
        }
        return Table(columns: ["name", "type", "value", "hash"], rows: rows, alignments: [.left, .left, .left, .left]).markdown()
    }

    static let metaHelp = """
    Statements: [name =] verb arguments     (help lists the verbs, help VERB shows one)
    Meta-commands:
      :help          this list
      :vars          every session value with its type, size and hash
      :run FILE      run a notebook's ser cells (.md) or a script into this session
      :reset         forget every value
      :time          toggle timing of each statement
      :history       the last 50 lines of history
      :quit          leave (also Ctrl-D)
    Keys: Tab completes verbs, options, names and paths in strings; Ctrl-C cancels a running command
    or discards the line; a line ending in \\ continues on the next.
    """
}
