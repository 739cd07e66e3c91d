import Console
import Foundation
import Notebook
import Testing

/// Steps through a shipped notebook at the prompt, through a real pseudo-terminal driving the built `ser`; checks
/// figures on terminals that draw images (kitty, sixel) and on those that do not (an OSC 8 link), and that
/// Markdown output fits 80 columns.
@Suite(.serialized) struct SteppingTerminalTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The shipped notebook 02, as the test expects to see it: its cells and prose come from the file, so that the
    /// notebook's text can change; the test holds to its structure (parameters, a real-corpus cell skipped without
    /// `data`, a training cell, a last cell that needs earlier ones).
    struct Shipped {
        let path = SteppingTerminalTests.repository + "/notebooks/02-emovo-baseline.md"
        let notebook: Notebook
        var cells: [Cell] { notebook.cells }

        init() throws { notebook = try Notebook(contentsOf: path) }

        /// `size=small`, and few epochs and one seed when the notebook takes them: a fast run.
        func parameters(epochs: Int, patience: Int? = nil) -> String {
            let declared = Set(notebook.parameters.map(\.name))
            var words = ["size=small"]
            if declared.contains("epochs") { words.append("epochs=\(epochs)") }
            if declared.contains("seeds") { words.append("seeds=[1]") }
            if let patience, declared.contains("patience") { words.append("patience=\(patience)") }
            return words.joined(separator: " ")
        }

        /// `[cell 3/7 · features]`.
        func header(_ cell: Cell) -> String {
            "[cell \(cell.index)/\(cells.count)" + (cell.label.map { " · \($0)" } ?? "") + "]"
        }

        /// A reference `:cell` understands: the label, or the number.
        func reference(_ cell: Cell) -> String { cell.label ?? String(cell.index) }

        /// Six words in a row from the prose just before the cell at `index` (0-based) that rendering leaves as
        /// they are (no Markdown marks), or nil.
        func proseWords(before index: Int) -> String? {
            var seen = 0, text = ""
            for block in notebook.blocks {
                switch block {
                case .cell: seen += 1
                case .prose(let p) where seen == index: text += p
                default: break
                }
                if seen > index { break }
            }
            let plain = text.split(whereSeparator: \.isWhitespace).map { word in
                word.contains { "*`_[]()<>|\\#{}".contains($0) } ? nil : String(word)
            }
            var run: [String] = []
            for word in plain {
                guard let word else { run = []; continue }
                run.append(word)
                if run.count == 6 { return run.joined(separator: " ") }
            }
            return nil
        }

        /// The first line of a cell as the prompt echoes it (`size` substituted), when it has no other `{{…}}`.
        func echoedFirstLine(_ cell: Cell) -> String? {
            let line = (cell.source.split(separator: "\n").first.map(String.init) ?? "").replacingOccurrences(of: "{{size}}", with: "small")
            return line.contains("{{") || line.count > 100 ? nil : "  " + line
        }
    }

    /// `:next` until `cell` has run, checking each cell it passes or runs: header, source, output, status.
    func next(through cell: Cell, from first: Int, in shipped: Shipped, on term: PseudoTerminal) throws {
        var index = first
        while index < cell.index {
            term.send(":next\r")
            while let skipped = shipped.cells.dropFirst(index).first, skipped.options.when != nil {
                try term.expect(shipped.header(skipped))
                try term.expect(" skipped (when=\(skipped.options.when!): parameter")
                index += 1
            }
            let running = shipped.cells[index]
            try term.expect(shipped.header(running))
            if let line = shipped.echoedFirstLine(running) {
                try term.expect(line)
                // The output of an assignment starts with the name it binds.
                if let name = line.split(separator: "=").first.map({ $0.trimmingCharacters(in: .whitespaces) }),
                   line.contains(" = "), !name.contains(" ") {
                    try term.expect("\(name) = ", timeout: 300)
                }
            }
            try term.expect("(\(running.title) · ok", timeout: 300)
            index += 1
        }
    }

    @Test func stepThroughTheShippedEMOVOBaselineNotebook() throws {
        let shipped = try Shipped()
        let cells = shipped.cells
        let skipped = try #require(cells.first { $0.options.when == "data" }, "a cell for the real corpus, when=data")
        let training = try #require(cells.last { $0.source.contains("repeat ") || $0.source.contains("train ") }, "a training cell")
        let last = try #require(cells.last)
        #expect(skipped.index < training.index && training.index < last.index)
        let home = try ScratchHome()
        let environment = ["SER_IMAGES": "none"]
        let open = ":open \(shipped.path) \(shipped.parameters(epochs: 2))"
        do {
            let term = try home.ser(environment: environment)
            // :open shows the name, the title, the parameters (given ones marked) and the cells.
            try term.type(open, expecting: shipped.notebook.name, "size=small", "(given)", "\(cells.count) cells: 1 ")
            try term.expect("\(skipped.index) \(skipped.label ?? "") (skipped)")
            // :next shows the prose before the cell, the cell's header and source, its output and status; the
            // real-corpus cell is passed (when=data) and the one after it runs.
            var start = term.cursor
            try next(through: cells[skipped.index], from: 0, in: shipped, on: term)
            let firstProse = try #require(shipped.proseWords(before: 0))
            #expect(term.shownText(from: start).contains(firstProse), "the prose before cell 1: \(firstProse)")
            // :cells: every cell with its state; ▶ marks the one :next runs.
            start = term.cursor
            try term.type(":cells", expecting: "first line", "ser> ")
            let rows = PseudoTerminal.visible(String(term.transcript[start..<term.cursor])).components(separatedBy: "\r\n")
            for cell in cells {
                let row = rows.first { line in
                    let words = line.split(separator: " ").drop { $0 == "▶" }
                    return words.first == Substring(String(cell.index)) && words.dropFirst().first == Substring(cell.label ?? "")
                }
                let state = cell.index <= skipped.index + 1
                    ? (cell.index == skipped.index ? "skipped (when=data)" : "ran · ") : "not run"
                #expect(row?.contains(state) == true, "cell \(cell.index): \(row ?? "no row")")
                #expect(row?.hasPrefix("▶") == (cell.index == skipped.index + 2), "cell \(cell.index): \(row ?? "no row")")
            }
            // :cell runs the last cell, replaying (through the cache) what it needs from the cells not run yet;
            // its figure goes beside the executed notebook, not over the committed figures/.
            // Each replayed statement is announced before it runs (ahead of its progress lines), then summed up.
            try term.type(":cell \(shipped.reference(last))", expecting: shipped.header(last), "(replaying cell ", "(replayed ",
                          timeout: 300)
            try term.expect("(\(last.title) · ok", timeout: 300)
            if last.source.contains("plot ") {
                #expect(term.shownText(from: start).contains("wrote build/notebooks/\(shipped.notebook.name)/"))
            }
            // :cells says which statements of the cells not run were replayed.
            start = term.cursor
            try term.type(":cells", expecting: "first line", "ser> ")
            let trainingRow = PseudoTerminal.visible(String(term.transcript[start..<term.cursor])).components(separatedBy: "\r\n")
                .first { $0.contains(" \(training.label ?? "") ") }
            #expect(trainingRow?.contains("replayed: ") == true, "\(trainingRow ?? "no row")")
            try term.quit()
        }
        #expect(!FileManager.default.fileExists(atPath: home.path + "/figures"))

        // A new session in the same folder: the cache (.ser-cache) serves the corpus, the features and the training.
        let term = try home.ser(environment: environment)
        try term.type(open, expecting: "\(cells.count) cells")
        try term.type(":cell \(shipped.reference(training))", expecting: shipped.header(training), "(replayed ", "(cached)",
                      "(\(training.title) · ok", "from cache)", timeout: 300)
        try term.type(":vars", expecting: "(cached)", "ser> ")
        // :prose repeats the text before the current cell; :next goes on from there.
        let stop = try #require(cells.first { $0.index > skipped.index + 1 && $0.index < training.index
                && shipped.proseWords(before: $0.index - 1) != nil }, "a cell with prose before it, before the training")
        try term.type(":cell \(shipped.reference(stop))", expecting: shipped.header(stop), "(\(stop.title) · ok", "ser> ",
                      timeout: 300)
        var start = term.cursor
        try term.type(":prose", expecting: "ser> ")
        #expect(term.shownText(from: start).contains(shipped.proseWords(before: stop.index - 1)!))
        try term.type(":next", expecting: shipped.header(cells[stop.index]), "(\(cells[stop.index].title) · ok", timeout: 300)
        try term.type(":save \(home.path)/executed", expecting: "wrote \(home.path)/executed/\(shipped.notebook.name).md")
        let saved = try String(contentsOfFile: home.path + "/executed/\(shipped.notebook.name).md", encoding: .utf8)
        #expect(saved.hasPrefix("<!-- ser:run {"))
        #expect(saved.split(separator: "\n")[1].hasPrefix("> **ser run** of `\(shipped.path)`"))
        #expect(saved.contains("*\(training.title) · ok"))
        #expect(saved.contains("*\(last.title) · skipped (not run yet)*"))
        #expect(saved.contains("*\(skipped.title) · skipped (when=data: parameter 'data' is not set)*"))
        #expect(saved.contains("| `size` |") && saved.contains("| `small` | set by `--param` |"))

        // Ctrl-C during :next: the training cell is marked cancelled, the session goes on.
        let long = ":open \(shipped.path) \(shipped.parameters(epochs: 100000, patience: 0))"
        try term.type(long, expecting: "epochs=100000", "\(cells.count) cells")
        let before = cells[training.index - 2]
        try term.type(":cell \(shipped.reference(before))", expecting: "(\(before.title) · ok", "ser> ", timeout: 300)
        try term.type(":next", expecting: shipped.header(training), "/100000 loss", timeout: 300)
        term.send("\u{03}")
        try term.expect("(\(training.title) cancelled (Ctrl-C) after ")
        try term.expect("ser> ")
        start = term.cursor
        try term.type(":cells", expecting: "ser> ")
        let row = PseudoTerminal.visible(String(term.transcript[start..<term.cursor])).components(separatedBy: "\r\n")
            .first { $0.contains(" \(training.label ?? "") ") }
        #expect(row?.contains("cancelled") == true, "\(row ?? "no row")")
        try term.type("x = 41", expecting: "x = 41")
        // Ctrl-C during :run: the running cell is cancelled and the cells after it do not start.
        start = term.cursor
        try term.type(":run \(shipped.path) \(shipped.parameters(epochs: 100000, patience: 0))", expecting: shipped.header(training),
                      "/100000 loss", timeout: 300)
        term.send("\u{03}")
        try term.expect("(\(training.title) cancelled (Ctrl-C) after ")
        try term.expect("ser> ")
        #expect(!term.shownText(from: start).contains(shipped.header(cells[training.index])))
        try term.type(":save \(home.path)/cancelled", expecting: "wrote ")
        try term.type(":vars", expecting: "x ", "41")
        try term.quit()
        let cancelled = try String(contentsOfFile: home.path + "/cancelled/\(shipped.notebook.name).md", encoding: .utf8)
        #expect(cancelled.contains("Partial run: cancelled (Ctrl-C) during \(training.title)"))
        #expect(cancelled.contains("*\(training.title) · **cancelled** (Ctrl-C)"))
    }

    /// Runs `plot model` at a prompt whose terminal answers the capability query with `reply`; returns what ser
    /// wrote.
    func figureOutput(reply: String, expecting: String) throws -> String {
        let home = try ScratchHome()
        let term = try home.ser(["repl", "--no-cache"])
        try term.type("net = model cnn1d classes=2 filters=[4] kernels=[3] dense=[8]", expecting: "net = model")
        // No to=: the figure goes to build/figures/ with a readable name.
        try term.type("plot model net", expecting: "\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\\u{1B}[c")
        term.send(reply)
        try term.expect(expecting)
        try term.expect("ser> ")
        #expect(FileManager.default.fileExists(atPath: home.path + "/build/figures/model-net.png"))
        try term.type(":figures", expecting: "build/figures/model-net.png")
        // `_` is the figure: typed alone, it is shown again.
        try term.type("_", expecting: "figure model → build/figures/model-net.png", "ser> ")
        // :reset asks before forgetting a session with a model; "n" keeps it.
        try term.type(":reset", expecting: "forget all 2 values, trained models 'net' among them? [y/N] ")
        try term.type("n", expecting: "kept the session")
        try term.type(":vars", expecting: "net")
        try term.type(":reset", expecting: "[y/N] ")
        try term.type("y", expecting: "session cleared")
        try term.quit()
        return term.transcript
    }

    @Test func kittyTerminalsGetTheGraphicsProtocol() throws {
        let transcript = try figureOutput(reply: "\u{1B}_Gi=31;OK\u{1B}\\\u{1B}[?62;22c", expecting: "\u{1B}_Ga=T,f=100,q=2,c=")
        #expect(transcript.contains("wrote build/figures/model-net.png"))
        #expect(!transcript.contains("\u{1B}Pq"))
        #expect(transcript.components(separatedBy: "\u{1B}_Ga=T,f=100,q=2,c=").count == 3, "drawn by plot, then by `_`")
    }

    @Test func sixelTerminalsGetSixels() throws {
        let transcript = try figureOutput(reply: "\u{1B}[?62;4;22c", expecting: "\u{1B}Pq\"1;1;")
        #expect(!transcript.contains("\u{1B}_Ga=T"))
    }

    @Test func otherTerminalsGetAHyperlink() throws {
        let transcript = try figureOutput(reply: "\u{1B}[?62;22c", expecting: "wrote \u{1B}]8;;file://")
        #expect(transcript.contains("/build/figures/model-net.png\u{1B}\\build/figures/model-net.png\u{1B}]8;;\u{1B}\\"))
        #expect(!transcript.contains("\u{1B}_Ga=T") && !transcript.contains("\u{1B}Pq"))
    }

    @Test func helpMetaHelpAndWideTablesFitEightyColumns() throws {
        let home = try ScratchHome()
        let term = try home.ser(["repl", "--no-cache"], columns: 80)
        try term.type("help", expecting: "shows a verb's arguments", "ser> ")
        try term.type("help train", expecting: "Example", "ser> ")
        try term.type(":help", expecting: "leave (also Ctrl-D)", "Keys:", "ser> ")
        // A notebook's header and cell list (nothing runs).
        let shipped = try Shipped()
        try term.type(":open \(shipped.path) size=small", expecting: "\(shipped.cells.count) cells", "ser> ")
        try term.type(":cells", expecting: "first line", "ser> ")
        // Errors are red (the message and the caret).
        try term.type("show nothing", expecting: "\u{1B}[31m<repl>:1:6: error: unknown name 'nothing'\u{1B}[0m", "\u{1B}[31m     ^~~~~~~")
        try term.expect("ser> ")
        // From the banner on.
        let shown = PseudoTerminal.visible(String(term.transcript[..<term.cursor]))
        // A bad parameter is refused, naming it and :open (not --param).
        try term.type(":open \(shipped.path) size=medium", expecting: ":open: error: size=medium: ", "ser> ")
        try term.quit()
        let lines = shown.split(separator: "\r\n").map(String.init)
        #expect(lines.count > 20)
        for line in lines {
            #expect(line.count <= 80, "too wide (\(line.count)): \(line)")
        }
        // Two columns: the verb, then its summary; no Markdown syntax left.
        #expect(lines.contains { $0.hasPrefix("train") && $0.contains("Trains") })
        #expect(lines.contains { $0.hasPrefix(":vars") && $0.contains("every session value") })
        #expect(!shown.contains("**") && !shown.contains("\\|") && !shown.contains("```") && !shown.contains("| ---"))
    }
}
