#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Language

/// Runs statements line by line without a prompt: `ser < script.ser`, `ser exec -f script.ser`,
/// `ser exec "…"`. Each complete statement group (lines joined by a trailing `\` or open brackets) runs
/// as soon as it is read; output goes to stdout, the first error to stderr and stops the run.
public struct ScriptRunner {
    public let session: Session
    /// Name used in diagnostics.
    public let file: String
    /// How output is shown: Markdown rendered when stdout is a terminal, as is in pipes.
    public let display: Display

    public init(session: Session, file: String, display: Display = Display()) {
        self.session = session
        self.file = file
        self.display = display
    }

    /// Runs every line `next()` returns until it returns `nil`. Returns `false` after the first error, and
    /// after Ctrl-C: the running statement stops at its next unit of work (training keeps its best weights),
    /// its output is shown and nothing after it runs (`session.cancellation.isRequested` tells it apart).
    public func run(lines next: () -> String?) -> Bool {
        session.cancellation.clear()
        var pending = ""
        var firstLine = 1
        var lineNumber = 0
        while let line = next() {
            lineNumber += 1
            if pending.isEmpty { firstLine = lineNumber }
            pending += pending.isEmpty ? line : "\n" + line
            if needsMoreInput(pending) { continue }
            defer { pending = "" }
            if !execute(pending, firstLine: firstLine) { return false }
        }
        return pending.isEmpty || execute(pending, firstLine: firstLine)
    }

    /// Runs a whole text (`ser exec "a = …; show a"`).
    public func run(text: String) -> Bool {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[...]
        return run { lines.popFirst() }
    }

    private func execute(_ text: String, firstLine: Int) -> Bool {
        let (out, error) = session.executePartial(text, file: file, firstLine: firstLine)
        display.show(out.text, figures: out.figures)
        if let error {
            display.error(error.description)
            return false
        }
        if session.cancellation.isRequested {
            Terminal.writeError("\(file):\(firstLine): cancelled (Ctrl-C): the statements after this line did not run\n")
            return false
        }
        return true
    }
}

/// Reads lines from a file descriptor (stdin for `ser < script.ser`), without the newline.
public final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var eof = false

    public init(fd: Int32) { self.fd = fd }

    public func next() -> String? {
        while true {
            if let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self)
                buffer.removeSubrange(...nl)
                return line
            }
            if eof {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { eof = true } else { buffer.append(contentsOf: chunk[0..<n]) }
        }
    }
}
