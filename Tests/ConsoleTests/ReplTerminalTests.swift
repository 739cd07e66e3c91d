#if canImport(Glibc)
import Glibc
#endif
import Console
import Features
import Foundation
import Testing

/// Drives the built `ser` binary: through a real pseudo-terminal (prompt, completion, history, Ctrl-C during a
/// long command and at the prompt, :quit), and through pipes (`ser < script`, `ser exec`).
@Suite(.serialized) struct ReplTerminalTests {
    /// `.build/debug/ser`, beside the test bundle.
    static var serPath: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var dir = bundle
        // The xctest bundle may be a directory (…/serPackageTests.xctest/…) on some platforms.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("ser").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return bundle.appendingPathComponent("ser").path
    }

    /// A child process on the slave side of a pseudo-terminal, as its controlling terminal.
    final class Terminal {
        let master: Int32
        let pid: pid_t
        var transcript = ""

        init(arguments: [String], environment: [String: String], columns: UInt16 = 120, directory: String? = nil) throws {
            // In another folder: through a shell that changes to it and then becomes the program.
            var arguments = arguments
            if let directory {
                arguments = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + arguments
            }
            // posix_openpt, unlockpt and ptsname need _XOPEN_SOURCE, which Swift's Glibc module lacks: do what
            // they do on Linux (open /dev/ptmx; TIOCSPTLCK 0; TIOCGPTN → /dev/pts/N).
            master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
            var unlock: Int32 = 0, number: UInt32 = 0
            guard master >= 0, ioctl(master, ReplTerminalTests.TIOCSPTLCK, &unlock) == 0,
                  ioctl(master, ReplTerminalTests.TIOCGPTN, &number) == 0 else {
                throw Failure("cannot open a pseudo-terminal")
            }
            var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
            _ = ioctl(master, UInt(TIOCSWINSZ), &size)
            let slave = "/dev/pts/\(number)"
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            // After setsid (below), opening the terminal makes it the child's controlling terminal.
            posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0)
            posix_spawn_file_actions_adddup2(&actions, 0, 1)
            posix_spawn_file_actions_adddup2(&actions, 0, 2)
            posix_spawn_file_actions_addclose(&actions, master)
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            var defaults = sigset_t()
            sigemptyset(&defaults)
            sigaddset(&defaults, SIGINT)
            var empty = sigset_t()
            sigemptyset(&empty)
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setsigmask(&attributes, &empty)
            posix_spawnattr_setflags(&attributes, Int16(ReplTerminalTests.POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
            let argv = arguments.map { strdup($0) } + [nil]
            let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
            var child: pid_t = 0
            let status = posix_spawn(&child, arguments[0], &actions, &attributes, argv, envp)
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
            guard status == 0 else { throw Failure("posix_spawn \(arguments[0]): \(String(cString: strerror(status)))") }
            pid = child
        }

        deinit {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            close(master)
        }

        func send(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
        }

        /// Reads until `text` appears after `from` in the transcript (or the timeout passes); returns the index after it.
        @discardableResult
        func expect(_ text: String, after from: String.Index? = nil, timeout: Double = 30) throws -> String.Index {
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                let start = from ?? transcript.startIndex
                if let r = transcript.range(of: text, range: start..<transcript.endIndex) { return r.upperBound }
                guard Date() < deadline else {
                    throw Failure("timed out waiting for \(text.debugDescription); transcript:\n\(transcript)")
                }
                var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                if poll(&fds, 1, 200) > 0 {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    let n = read(master, &buffer, buffer.count)
                    if n > 0 { transcript += String(decoding: buffer[0..<n], as: UTF8.self) } else if n == 0 || errno != EINTR && errno != EAGAIN {
                        if let r = transcript.range(of: text, range: start..<transcript.endIndex) { return r.upperBound }
                        throw Failure("the terminal closed while waiting for \(text.debugDescription); transcript:\n\(transcript)")
                    }
                }
            }
        }

        /// Waits until libedit has the terminal in its editing mode (canonical input off), so keys reach it.
        func waitUntilEditing(timeout: Double = 30) throws {
            let deadline = Date().addingTimeInterval(timeout)
            var t = termios()
            while Date() < deadline {
                if tcgetattr(master, &t) == 0, t.c_lflag & tcflag_t(ICANON) == 0 { return }
                usleep(10_000)
            }
            throw Failure("the prompt never entered editing mode; transcript:\n\(transcript)")
        }

        /// Waits for the child to exit; returns its exit status.
        func exitStatus(timeout: Double = 30) throws -> Int32 {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { return (status >> 8) & 0xFF }
                var buffer = [UInt8](repeating: 0, count: 4096)
                var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                if poll(&fds, 1, 100) > 0, read(master, &buffer, buffer.count) > 0 {}
            }
            throw Failure("ser did not exit; transcript:\n\(transcript)")
        }
    }

    /// Linux's values (asm-generic/ioctls.h, spawn.h), not imported by Swift's Glibc module.
    static let TIOCSPTLCK: UInt = 0x4004_5431
    static let TIOCGPTN: UInt = 0x8004_5430
    static let POSIX_SPAWN_SETSID: Int32 = 0x80

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

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
        let home = NSTemporaryDirectory() + "ser-repl-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try ReplTerminalTests.writeTable(prefix: home + "/feats")
        let env = ["HOME": home, "TERM": "xterm", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        let term = try Terminal(arguments: [ReplTerminalTests.serPath], environment: env)

        var at = try term.expect("ser> ")
        // Tab completes a verb.
        term.send("se\t")
        // libedit redraws the line after inserting "ed"; the result shows the completion worked.
        term.send(" 5\r")
        at = try term.expect("seed = 5", after: at)
        at = try term.expect("ser> ", after: at)
        // Ctrl-C at the prompt discards the typed line. (Wait until the prompt is idle: libedit draws the prompt
        // a moment before it puts the terminal in its editing mode, and a Ctrl-C typed ahead into that moment is
        // a signal the prompt cannot see.)
        try term.waitUntilEditing()
        term.send("bogus")
        at = try term.expect("bogus", after: at)
        term.send("\u{03}")
        at = try term.expect("ser> ", after: at)
        term.send("seed\r")
        at = try term.expect("seed = 5", after: at)
        // Multi-line input with a trailing backslash.
        term.send("x = \\\r")
        at = try term.expect("...> ", after: at)
        term.send("3\r")
        at = try term.expect("x = 3", after: at)
        // An error keeps the session.
        term.send("show y\r")
        at = try term.expect("<repl>:1:6: error: unknown name 'y'", after: at)
        // Ctrl-C during a long command: training stops at the next batch and keeps its best weights.
        term.send("f = load features \"\(home)/feats\"\r")
        at = try term.expect("f = feature table 60 × 160", after: at)
        term.send("s = split f naive\r")
        at = try term.expect("s = split naive", after: at)
        term.send("net = model cnn1d classes=2 filters=[4] kernels=[3] dense=[8]\r")
        at = try term.expect("net = model", after: at)
        term.send("fit = train net s epochs=100000 patience=0\r")
        at = try term.expect("train epoch 2/100000", after: at)
        term.send("\u{03}")
        at = try term.expect("cancelled (Ctrl-C): kept the best weights", after: at)
        at = try term.expect("ser> ", after: at)
        term.send(":vars\r")
        at = try term.expect("fit   training run", after: at)
        term.send(":quit\r")
        #expect(try term.exitStatus() == 0)
        let history = History()
        try history.load(from: home + "/.ser_history")
        #expect(history.entries.contains("seed 5"))
        #expect(history.entries.contains("x = \\\n3"))
        #expect(history.entries.last == ":quit")
        #expect(!history.entries.contains { $0.contains("bogus") })
    }

    @Test func ctrlDLeavesAndHistoryIsReloaded() throws {
        let home = NSTemporaryDirectory() + "ser-repl-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let env = ["HOME": home, "TERM": "xterm", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        do {
            let term = try Terminal(arguments: [ReplTerminalTests.serPath, "repl"], environment: env)
            var at = try term.expect("ser> ")
            term.send("seed 77\r")
            at = try term.expect("seed = 77", after: at)
            try term.expect("ser> ", after: at)
            try term.waitUntilEditing()   // an idle prompt (see the Ctrl-C test)
            term.send("\u{04}")
            #expect(try term.exitStatus() == 0)
        }
        // The next session finds the line with the up arrow.
        let term = try Terminal(arguments: [ReplTerminalTests.serPath], environment: env)
        var at = try term.expect("ser> ")
        term.send("\u{1B}[A\r")
        at = try term.expect("seed = 77", after: at)
        term.send(":quit\r")
        #expect(try term.exitStatus() == 0)
    }

    @Test func metaCommands() throws {
        let home = NSTemporaryDirectory() + "ser-repl-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try "a = 41\nb = [a, 2]\n".write(toFile: home + "/script.ser", atomically: true, encoding: .utf8)
        try "# Notebook\n\n```ser\nc = 3\n```\n\n```ser\nshow d\n```\n".write(toFile: home + "/nb.md", atomically: true, encoding: .utf8)
        let env = ["HOME": home, "TERM": "xterm", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        let term = try Terminal(arguments: [ReplTerminalTests.serPath], environment: env)
        var at = try term.expect("ser> ")
        term.send(":run \(home)/script.ser\r")
        at = try term.expect("b = list of 2", after: at)
        term.send(":run \(home)/nb.md\r")
        at = try term.expect("c = 3", after: at)
        at = try term.expect("nb.md:8:6: error: unknown name 'd'", after: at)
        term.send(":time\r")
        at = try term.expect("timing on", after: at)
        term.send("a\r")
        at = try term.expect("time: ", after: at)
        term.send(":vars\r")
        at = try term.expect("c     number  3", after: at)
        term.send(":reset\r")
        at = try term.expect("session cleared", after: at)
        term.send(":vars\r")
        at = try term.expect("no values yet", after: at)
        term.send(":tiem\r")
        at = try term.expect("unknown command ':tiem'; did you mean ':time'?", after: at)
        term.send(":q\r")
        #expect(try term.exitStatus() == 0)
    }

    /// Runs ser with `arguments`, feeding `input` on a pipe; returns status, stdout, stderr.
    func run(_ arguments: [String], input: String = "") throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ReplTerminalTests.serPath)
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
