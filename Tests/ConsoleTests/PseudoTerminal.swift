#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The built `ser` on the slave side of a real pseudo-terminal, as its controlling terminal: what the prompt
/// tests type and what they read back. `type(_:expecting:)` sends a line and waits for each expected text in
/// order; a cursor remembers where the last text was found, so each step reads only what came after it.
final class PseudoTerminal {
    let master: Int32
    let pid: pid_t
    /// Everything ser wrote so far, escape sequences included.
    private(set) var transcript = ""
    /// Where the next `expect` starts looking: just after the text found last.
    private(set) var cursor: String.Index

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

    /// Starts `arguments` (a program and its arguments) in `directory`, on a terminal `columns` wide.
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
        guard master >= 0, ioctl(master, Self.TIOCSPTLCK, &unlock) == 0, ioctl(master, Self.TIOCGPTN, &number) == 0 else {
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
        posix_spawnattr_setflags(&attributes, Int16(Self.POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, arguments[0], &actions, &attributes, argv, envp)
        posix_spawn_file_actions_destroy(&actions)
        posix_spawnattr_destroy(&attributes)
        guard status == 0 else { throw Failure("posix_spawn \(arguments[0]): \(String(cString: strerror(status)))") }
        pid = child
        cursor = transcript.startIndex
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Sends keys as typed (`"\r"` is Enter, `"\u{03}"` Ctrl-C).
    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
    }

    /// Types `line` and Enter, then waits for each of `texts` in order.
    func type(_ line: String, expecting texts: String..., timeout: Double = 30) throws {
        send(line + "\r")
        for text in texts { try expect(text, timeout: timeout) }
    }

    /// Waits until `text` appears after the cursor (or the timeout passes) and moves the cursor after it.
    func expect(_ text: String, timeout: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let r = transcript.range(of: text, range: cursor..<transcript.endIndex) {
                cursor = r.upperBound
                return
            }
            guard Date() < deadline else {
                throw Failure("timed out waiting for \(text.debugDescription); transcript:\n\(transcript)")
            }
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, 200) > 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = read(master, &buffer, buffer.count)
                if n > 0 {
                    transcript += String(decoding: buffer[0..<n], as: UTF8.self)
                } else if n == 0 || errno != EINTR && errno != EAGAIN {
                    if let r = transcript.range(of: text, range: cursor..<transcript.endIndex) {
                        cursor = r.upperBound
                        return
                    }
                    throw Failure("the terminal closed while waiting for \(text.debugDescription); transcript:\n\(transcript)")
                }
            }
        }
    }

    /// What the terminal shows from `start` to the cursor: escape sequences removed, lines joined by single
    /// spaces (so that text the terminal wrapped can be found whole).
    func shownText(from start: String.Index) -> String {
        Self.visible(String(transcript[start..<cursor])).split(whereSeparator: \.isWhitespace).joined(separator: " ")
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

    /// Types `:quit` and checks that ser leaves with status 0.
    func quit(sourceLocation: SourceLocation = #_sourceLocation) throws {
        send(":quit\r")
        #expect(try exitStatus() == 0, sourceLocation: sourceLocation)
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

    /// Linux's values (asm-generic/ioctls.h, spawn.h), not imported by Swift's Glibc module.
    static let TIOCSPTLCK: UInt = 0x4004_5431
    static let TIOCGPTN: UInt = 0x8004_5430
    static let POSIX_SPAWN_SETSID: Int32 = 0x80

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}

/// A scratch folder for one prompt test: the HOME (history) and working folder (`.ser-cache`, `build/`) of the
/// `ser` it starts; removed when the test ends.
final class ScratchHome {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "ser-console-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A plain terminal's environment, with `extra` added.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["HOME": path, "TERM": "xterm", "PATH": "/usr/bin:/bin:/usr/local/bin", "LANG": "C.UTF-8"].merging(extra) { $1 }
    }

    /// `ser ARGUMENTS` in this folder, on a terminal `columns` wide, after its first prompt.
    func ser(_ arguments: [String] = [], columns: UInt16 = 120, environment extra: [String: String] = [:]) throws -> PseudoTerminal {
        let term = try PseudoTerminal(arguments: [PseudoTerminal.serPath] + arguments, environment: environment(extra),
                                      columns: columns, directory: path)
        try term.expect("ser> ")
        return term
    }
}
