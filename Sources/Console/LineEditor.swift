#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CEdit

/// Line editing through libedit: emacs keys, history navigation, a prompt, and Tab bound to a
/// completion function.
public final class LineEditor {
    /// What one `readLine` got.
    public enum Input: Equatable {
        case line(String)
        /// Ctrl-C at the prompt: the line was discarded.
        case interrupted
        /// Ctrl-D on an empty line, or the end of input.
        case end
    }

    private let editLine: OpaquePointer
    private let input: UnsafeMutablePointer<FILE>
    private let output: UnsafeMutablePointer<FILE>
    public let history: History
    private var promptText: UnsafeMutablePointer<CChar>?
    /// Set by the Ctrl-C key binding while a line is edited.
    private var interrupted = false
    /// Called on Tab with the text left of the cursor; returns the partial word and its candidates.
    public var complete: (String) -> Completer.Result

    /// Wraps `el_init` on stdin/stdout/stderr, `el_set(EL_EDITOR, "emacs")`, `el_set(EL_HIST)`,
    /// `el_set(EL_PROMPT)`, binds Tab and Ctrl-C (`el_set(EL_ADDFN)`, `el_set(EL_BIND)`) and turns off
    /// ISIG while editing (`el_set(EL_SETTY)`).
    public init(program: String, history: History, complete: @escaping (String) -> Completer.Result) {
        self.history = history
        self.complete = complete
        input = fdopen(0, "r")
        output = fdopen(1, "w")
        editLine = el_init(program, input, output, fdopen(2, "w"))
        ser_el_set_editor(editLine, "emacs")
        ser_el_set_history(editLine, history.handle)
        ser_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        ser_el_set_prompt(editLine) { e in
            guard let e, let data = ser_el_get_clientdata(e) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().promptText
        }
        ser_el_add_function(editLine, "ser-complete", "complete a verb, option, name or path") { e, _ in
            guard let e, let data = ser_el_get_clientdata(e) else { return SER_CC_ERROR }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().completeAtCursor()
        }
        ser_el_bind(editLine, "^I", "ser-complete")
        // Ctrl-C while editing: a key that ends el_gets with the line marked as discarded (no SIGINT race).
        ser_el_set_edit_noisig(editLine)
        ser_el_add_function(editLine, "ser-interrupt", "discard the line") { e, _ in
            guard let e, let data = ser_el_get_clientdata(e) else { return SER_CC_ERROR }
            Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().interrupted = true
            return SER_CC_NEWLINE
        }
        ser_el_bind(editLine, "^C", "ser-interrupt")
    }

    deinit {
        el_end(editLine)
        free(promptText)
    }

    /// Reads one line (`el_gets`), without its newline.
    public func readLine(prompt: String) -> Input {
        free(promptText)
        promptText = strdup(prompt)
        var count: Int32 = 0
        interrupted = false
        let raw = el_gets(editLine, &count)
        if interrupted {
            interrupted = false
            return .interrupted
        }
        guard let raw else {
            return count < 0 && errno == EINTR ? .interrupted : .end
        }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// The Tab handler: inserts the candidates' common prefix; lists them when several remain.
    private func completeAtCursor() -> UInt8 {
        guard let info = el_line(editLine) else { return SER_CC_ERROR }
        let left = info.pointee.cursor - info.pointee.buffer
        let bytes = UnsafeRawBufferPointer(start: info.pointee.buffer, count: max(0, left))
        let text = String(decoding: bytes, as: UTF8.self)
        let result = complete(text)
        guard !result.candidates.isEmpty else { return SER_CC_ERROR }
        let prefix = result.commonPrefix
        if prefix.count > result.word.count, prefix.hasPrefix(result.word) {
            el_insertstr(editLine, String(prefix.dropFirst(result.word.count)))
            if result.candidates.count == 1 { return SER_CC_REFRESH }
        }
        if result.candidates.count == 1 { return SER_CC_REFRESH }
        // Several: list them under the line, then redraw the prompt and line.
        let width = (result.candidates.map(\.count).max() ?? 0) + 2
        let perLine = max(1, 80 / width)
        var listing = "\n"
        for (i, c) in result.candidates.enumerated() {
            listing += c.padding(width)
            if (i + 1) % perLine == 0 || i == result.candidates.count - 1 { listing += "\n" }
        }
        fputs(listing, output)
        fflush(output)
        return SER_CC_REDISPLAY
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
