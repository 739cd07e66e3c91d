#if canImport(Glibc)
import Glibc
#endif
import Console
import Foundation
import Testing

/// Steps through a shipped notebook at the prompt, through a real pseudo-terminal driving the built `ser`; checks
/// figures on terminals that draw images (kitty, sixel) and on those that do not (an OSC 8 link), and that
/// Markdown output fits 80 columns.
@Suite(.serialized) struct SteppingTerminalTests {
    typealias Terminal = ReplTerminalTests.Terminal

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func temporaryFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "ser-stepping-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    static func environment(_ home: String, extra: [String: String] = [:]) -> [String: String] {
        ["HOME": home, "TERM": "xterm", "PATH": "/usr/bin:/bin:/usr/local/bin", "LANG": "C.UTF-8"].merging(extra) { $1 }
    }

    @Test func stepThroughTheEMOVOBaselineNotebook() throws {
        let home = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: home) }
        // A fixed copy of an earlier study notebook (8 cells: seed … test-emovo), so the study notebooks can change.
        let notebook = Self.repository + "/Tests/ConsoleTests/Fixtures/02-emovo-baseline.md"
        let open = ":open \(notebook) size=small epochs=3 figures=\(home)/figures\r"
        do {
            let term = try Terminal(arguments: [ReplTerminalTests.serPath], environment: Self.environment(home), directory: home)
            var at = try term.expect("ser> ")
            term.send(open)
            at = try term.expect("02-emovo-baseline", after: at)
            at = try term.expect("2 · The model, and EMOVO alone", after: at)
            at = try term.expect("size=small\u{1B}[0m (given)", after: at)
            at = try term.expect("8 cells: 1 seed · 2 corpus-demo · 3 corpus-real (skipped)", after: at)
            // :next shows the prose before the cell, the cell's header and source, its output and status.
            term.send(":next\r")
            at = try term.expect("Trained and tested on EMOVO alone", after: at)
            at = try term.expect("[cell 1/8 · seed]", after: at)
            at = try term.expect("  seed 1", after: at)
            at = try term.expect("seed = 1", after: at)
            at = try term.expect("(cell 1 [seed] · ok", after: at)
            term.send(":n\r")
            at = try term.expect("[cell 2/8 · corpus-demo]", after: at)
            at = try term.expect("  emovo = demo emovo size=small seed=1", after: at)
            at = try term.expect("emovo = corpus", after: at)
            at = try term.expect("(cell 2 [corpus-demo] · ok", after: at)
            // The real-corpus cell is passed (when=data), and the next one runs.
            term.send(":next\r")
            at = try term.expect("[cell 3/8 · corpus-real]", after: at)
            at = try term.expect("skipped (when=data: parameter 'data' is not set)", after: at)
            at = try term.expect("[cell 4/8 · features]", after: at)
            at = try term.expect("feats = feature table", after: at)
            at = try term.expect("(cell 4 [features] · ok", after: at)
            term.send(":cells\r")
            at = try term.expect("seed", after: at)
            at = try term.expect("ran", after: at)
            at = try term.expect("skipped (when=data)", after: at)
            at = try term.expect("▶", after: at)
            at = try term.expect("model", after: at)
            at = try term.expect("not run", after: at)
            // :cell runs the last cell, replaying what it needs (the model, the split, the training).
            term.send(":cell test-emovo\r")
            at = try term.expect("[cell 8/8 · test-emovo]", after: at)
            at = try term.expect("(replayed seed 1, net, s, fit from cells 1–7)", after: at)
            at = try term.expect("r = report", after: at)
            at = try term.expect("/figures/fig3-emovo-confusion.png", after: at)
            at = try term.expect("(cell 8 [test-emovo] · ok", after: at)
            term.send(":quit\r")
            #expect(try term.exitStatus() == 0)
        }
        // A new session in the same folder: the cache (.ser-cache) serves the corpus, the features and the training.
        let term = try Terminal(arguments: [ReplTerminalTests.serPath], environment: Self.environment(home), directory: home)
        var at = try term.expect("ser> ")
        term.send(open)
        at = try term.expect("8 cells", after: at)
        term.send(":cell train-emovo\r")
        at = try term.expect("[cell 7/8 · train-emovo]", after: at)
        at = try term.expect("(replayed seed 1, emovo, feats (cached), net, s from cells 1–6)", after: at)
        at = try term.expect("fit = training run", after: at)
        at = try term.expect("(cell 7 [train-emovo] · ok", after: at)
        at = try term.expect("1 from cache)", after: at)
        term.send(":vars\r")
        at = try term.expect("(cached)", after: at)
        // :prose repeats the text before the current cell; :next goes on from there.
        term.send(":cell model\r")
        at = try term.expect("[cell 5/8 · model]", after: at)
        at = try term.expect("(cell 5 [model] · ok", after: at)
        term.send(":prose\r")
        at = try term.expect("The model (Figure 2)", after: at)
        term.send(":next\r")
        at = try term.expect("Training on EMOVO alone (Figure 3)", after: at)
        at = try term.expect("[cell 6/8 · split]", after: at)
        at = try term.expect("(cell 6 [split] · ok", after: at)
        term.send(":save \(home)/executed\r")
        at = try term.expect("wrote \(home)/executed/02-emovo-baseline.md", after: at)
        term.send(":quit\r")
        #expect(try term.exitStatus() == 0)
        let saved = try String(contentsOfFile: home + "/executed/02-emovo-baseline.md", encoding: .utf8)
        #expect(saved.hasPrefix("<!-- ser:run {"))
        #expect(saved.split(separator: "\n")[1].hasPrefix("> **ser run** of `\(notebook)`"))
        #expect(saved.contains("*cell 7 [train-emovo] · ok"))
        #expect(saved.contains("*cell 8 [test-emovo] · skipped (not run yet)*"))
        #expect(saved.contains("| `size` | small \\| full | `small` | set by `--param` |"))
    }

    /// Runs `plot model` at a prompt whose terminal answers the capability query with `reply`; returns what ser
    /// wrote after the query.
    func figureOutput(reply: String, expecting: String) throws -> String {
        let home = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let term = try Terminal(arguments: [ReplTerminalTests.serPath, "repl", "--no-cache"], environment: Self.environment(home),
                                directory: home)
        var at = try term.expect("ser> ")
        term.send("net = model cnn1d classes=2 filters=[4] kernels=[3] dense=[8]\r")
        at = try term.expect("net = model", after: at)
        // No to=: the figure goes to build/figures/ with a readable name.
        term.send("plot model net\r")
        at = try term.expect("\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\\u{1B}[c", after: at)
        term.send(reply)
        at = try term.expect(expecting, after: at)
        at = try term.expect("ser> ", after: at)
        #expect(FileManager.default.fileExists(atPath: home + "/build/figures/model-net.png"))
        term.send(":figures\r")
        at = try term.expect("build/figures/model-net.png", after: at)
        // :reset asks before forgetting a session with a model; "n" keeps it.
        term.send(":reset\r")
        at = try term.expect("forget all 2 values, trained models 'net' among them? [y/N] ", after: at)
        term.send("n\r")
        at = try term.expect("kept the session", after: at)
        term.send(":vars\r")
        at = try term.expect("net", after: at)
        term.send(":reset\r")
        at = try term.expect("[y/N] ", after: at)
        term.send("y\r")
        at = try term.expect("session cleared", after: at)
        term.send(":quit\r")
        #expect(try term.exitStatus() == 0)
        return term.transcript
    }

    @Test func kittyTerminalsGetTheGraphicsProtocol() throws {
        let transcript = try figureOutput(reply: "\u{1B}_Gi=31;OK\u{1B}\\\u{1B}[?62;22c", expecting: "\u{1B}_Ga=T,f=100,q=2,c=")
        #expect(transcript.contains("wrote build/figures/model-net.png"))
        #expect(!transcript.contains("\u{1B}Pq"))
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

    /// Strips escape sequences (CSI, OSC, APC, DCS) to measure what the terminal shows.
    static func visible(_ text: String) -> String {
        var out = ""
        var chars = text.makeIterator()
        while let c = chars.next() {
            guard c == "\u{1B}" else { out.append(c); continue }
            guard let kind = chars.next() else { break }
            if kind == "[" {
                while let d = chars.next(), !(d.isLetter) {}
            } else {
                // OSC/APC/DCS: to ST (ESC \) or BEL.
                var previous: Character = " "
                while let d = chars.next() {
                    if d == "\u{07}" || (previous == "\u{1B}" && d == "\\") { break }
                    previous = d
                }
            }
        }
        return out
    }

    @Test func helpAndWideTablesFitEightyColumns() throws {
        let home = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let term = try Terminal(arguments: [ReplTerminalTests.serPath, "repl", "--no-cache"], environment: Self.environment(home),
                                columns: 80, directory: home)
        var at = try term.expect("ser> ")
        let helpStart = at
        term.send("help\r")
        at = try term.expect("shows a verb's arguments", after: at)
        at = try term.expect("ser> ", after: at)
        term.send("help train\r")
        at = try term.expect("Example", after: at)
        at = try term.expect("ser> ", after: at)
        term.send(":quit\r")
        #expect(try term.exitStatus() == 0)
        let shown = Self.visible(String(term.transcript[helpStart...]))
        let lines = shown.split(separator: "\r\n").map(String.init)
        #expect(lines.count > 20)
        for line in lines {
            #expect(line.count <= 80, "too wide (\(line.count)): \(line)")
        }
        // Two columns: the verb, then its summary; no Markdown syntax left.
        #expect(lines.contains { $0.hasPrefix("train") && $0.contains("Trains") })
        #expect(!shown.contains("**") && !shown.contains("\\|") && !shown.contains("```") && !shown.contains("| ---"))
    }
}
