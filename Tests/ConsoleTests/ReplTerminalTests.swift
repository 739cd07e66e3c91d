import Console
import Features
import Foundation
import Testing

/// Drives the built `ser` binary: through a real pseudo-terminal (prompt, completion, history, Ctrl-C during a
/// long command and at the prompt, :quit), and through pipes (`ser < script`, `ser exec`).
@Suite(.serialized) struct ReplTerminalTests {
    /// A small labelled feature table: training on it for many epochs is a long command.
    static func writeTable(prefix: String) throws {
        var t = FeatureTable(width: 160)
        for i in 0..<60 {
            let emotion = ["ang", "sad"][i % 2]
            t.append((0..<160).map { Float(($0 * 7 + i * 13) % 17) / 17 + (i % 2 == 0 ? 1 : 0) },
                     FeatureRow(file: "s\(i % 3)/f\(i).wav", window: 0, start: 0, end: 2, attributes: ["emotion": emotion]))
        }
        try t.write(prefix: prefix)
    }

    @Test func promptCompletionHistoryCtrlCAndQuit() throws {
        let home = try ScratchHome()
        try ReplTerminalTests.writeTable(prefix: home.path + "/feats")
        let term = try home.ser()
        // Tab completes a verb: libedit redraws the line after inserting "ed"; the result shows the completion worked.
        term.send("se\t")
        try term.type(" 5", expecting: "seed = 5", "ser> ")
        // Ctrl-C at the prompt discards the typed line. (Wait until the prompt is idle: libedit draws the prompt
        // a moment before it puts the terminal in its editing mode, and a Ctrl-C typed ahead into that moment is
        // a signal the prompt cannot see.)
        try term.waitUntilEditing()
        term.send("bogus")
        try term.expect("bogus")
        term.send("\u{03}")
        try term.expect("ser> ")
        try term.type("seed", expecting: "seed = 5")
        // Multi-line input with a trailing backslash.
        try term.type("x = \\", expecting: "...> ")
        try term.type("3", expecting: "x = 3")
        // An error keeps the session.
        try term.type("show y", expecting: "<repl>:1:6: error: unknown name 'y'")
        // Ctrl-C during a long command: training stops at the next batch and keeps its best weights.
        try term.type("f = load features \"\(home.path)/feats\"", expecting: "f = feature table 60 × 160")
        try term.type("s = split f naive", expecting: "s = split naive")
        try term.type("net = model cnn1d classes=2 filters=[4] kernels=[3] dense=[8]", expecting: "net = model")
        try term.type("fit = train net s epochs=100000 patience=0", expecting: "train epoch 2/100000")
        term.send("\u{03}")
        try term.expect("cancelled (Ctrl-C): kept the best weights")
        try term.expect("ser> ")
        try term.type(":vars", expecting: "fit   training run")
        // What Ctrl-C cut short is kept in the session but not cached: the same statement trains again (a cache
        // hit would print no epoch).
        try term.type("fit2 = train net s epochs=100000 patience=0", expecting: "train epoch 2/100000")
        term.send("\u{03}")
        try term.expect("cancelled (Ctrl-C): kept the best weights")
        try term.quit()
        let history = History()
        try history.load(from: home.path + "/.ser_history")
        #expect(history.entries.contains("seed 5"))
        #expect(history.entries.contains("x = \\\n3"))
        #expect(history.entries.last == ":quit")
        #expect(!history.entries.contains { $0.contains("bogus") })
    }

    @Test func ctrlDLeavesAndHistoryIsReloaded() throws {
        let home = try ScratchHome()
        do {
            let term = try home.ser(["repl"])
            try term.type("seed 77", expecting: "seed = 77", "ser> ")
            try term.waitUntilEditing()   // an idle prompt (see the Ctrl-C test)
            term.send("\u{04}")
            #expect(try term.exitStatus() == 0)
        }
        // The next session finds the line with the up arrow.
        let term = try home.ser()
        try term.type("\u{1B}[A", expecting: "seed = 77")
        try term.quit()
    }

    @Test func metaCommands() throws {
        let home = try ScratchHome()
        try "a = 41\nb = [a, 2]\n".write(toFile: home.path + "/script.ser", atomically: true, encoding: .utf8)
        try "# Notebook\n\n```ser\nc = 3\n```\n\n```ser\nshow d\n```\n".write(toFile: home.path + "/nb.md", atomically: true, encoding: .utf8)
        let term = try home.ser()
        try term.type(":run \(home.path)/script.ser", expecting: "b = list of 2")
        try term.type(":run \(home.path)/nb.md", expecting: "c = 3", "nb.md:8:6: error: unknown name 'd'")
        try term.type(":time", expecting: "timing on")
        try term.type("a", expecting: "time: ")
        try term.type(":vars", expecting: "c     number  3")
        try term.type(":reset", expecting: "session cleared")
        try term.type(":vars", expecting: "no values yet")
        try term.type(":tiem", expecting: "unknown command ':tiem'; did you mean ':time'?")
        term.send(":q\r")
        #expect(try term.exitStatus() == 0)
    }

    /// Runs ser with `arguments`, feeding `input` on a pipe; returns status, stdout, stderr.
    func run(_ arguments: [String], input: String = "") throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PseudoTerminal.serPath)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test func scriptsFromPipesAndExec() throws {
        var (status, out, err) = try run([], input: "seed 3\nx = [1,\n 2]\nx.count\n")
        #expect(status == 0 && err.isEmpty)
        #expect(out == "seed = 3\nx = list of 2\n2\n")
        (status, out, err) = try run([], input: "seed 3\nseed trois\nseed 4\n")
        #expect(status == 1)
        #expect(out == "seed = 3\n")
        #expect(err.hasPrefix("<stdin>:2:6: error: 'value' of 'seed' expects a whole number in 0…4294967295, given the word 'trois'"))
        (status, out, err) = try run(["exec", "a = 2; a; sed 1"])
        #expect(status == 1)
        #expect(out == "a = 2\n\n2\n")
        #expect(err == "<exec>:1:11: error: unknown verb 'sed'; did you mean 'seed'?\na = 2; a; sed 1\n          ^~~\n")
        let script = NSTemporaryDirectory() + "ser-script-\(UUID().uuidString).ser"
        try "# a script\nseed 9\n\nhelp seed\n".write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        (status, out, err) = try run(["exec", "-f", script])
        #expect(status == 0 && out.hasPrefix("seed = 9\n`seed [VALUE]`"))
        (status, out, _) = try run(["exec", "--reference"])
        #expect(status == 0 && out.contains("#### `train`") && out.contains("#### `plot mel`"))
    }
}
