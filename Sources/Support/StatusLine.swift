#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one line of progress drawn in place on stderr (`\r`, erase, text), and every other stderr line written
/// around it. A message (a warning, a note, an error) printed while progress is shown would otherwise land in
/// the middle of the progress text; through `message` it erases the progress line, takes a line of its own and
/// the progress is drawn again below it. Thread-safe: warnings come from worker threads.
public final class StatusLine: @unchecked Sendable {
    /// The process's stderr; draws progress only when stderr is a terminal.
    public static let standardError = StatusLine(drawsProgress: isatty(2) == 1) { text in
        _ = Array(text.utf8).withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// Whether `show` draws anything (stderr is a terminal); messages are written either way.
    public let drawsProgress: Bool
    private let output: (String) -> Void
    private let lock = Lock()
    private var shown = ""

    public init(drawsProgress: Bool, output: @escaping (String) -> Void) {
        self.drawsProgress = drawsProgress
        self.output = output
    }

    /// Replaces the progress line by `text`; an empty text clears it (the cursor back at the line's start).
    public func show(_ text: String) {
        guard drawsProgress else { return }
        lock.withLock {
            guard text != shown else { return }
            shown = text
            output("\r\u{1B}[K" + text)
        }
    }

    /// Clears the progress line.
    public func clear() { show("") }

    /// Writes `text` (a newline added when it lacks one) on lines of its own: the progress line, if one is
    /// shown, is erased first and drawn again after it.
    public func message(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        lock.withLock {
            output(shown.isEmpty ? line : "\r\u{1B}[K" + line + shown)
        }
    }
}
