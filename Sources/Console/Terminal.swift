#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Notebook

/// Unbuffered writes to stdout and stderr, so output and diagnostics interleave in order, and what the
/// terminal is: its width, and whether output goes to one.
public enum Terminal {
    public static func writeOut(_ text: String) { writeAll(1, text) }
    public static func writeError(_ text: String) { writeAll(2, text) }

    static func writeAll(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return }
            bytes = bytes.dropFirst(n)
        }
    }

    public static var stdinIsTerminal: Bool { isatty(0) == 1 }

    /// Columns and rows of the terminal on `fd` (`TIOCGWINSZ`), with its pixel size when it reports one;
    /// nil when `fd` is not a terminal.
    public static func size(_ fd: Int32 = 1) -> (columns: Int, rows: Int, pixelWidth: Int, pixelHeight: Int)? {
        var size = winsize()
        guard isatty(fd) == 1, ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row), Int(size.ws_xpixel), Int(size.ws_ypixel))
    }

    /// Whether escape sequences for style are welcome on `fd`: a terminal, `TERM` not `dumb`, `NO_COLOR` unset.
    public static func styled(_ fd: Int32) -> Bool {
        let env = ProcessInfo.processInfo.environment
        return isatty(fd) == 1 && env["TERM"] != "dumb" && env["NO_COLOR"] == nil
    }

    /// Output of one statement group, ending in a newline; a blank line follows tables so the next output
    /// does not run into them.
    public static func block(_ text: String) -> String {
        let hasTable = text.hasPrefix("|") || text.hasPrefix("**") || text.contains("\n|")
        return text + (hasTable ? "\n\n" : "\n")
    }
}

/// How the prompt and `ser exec` show what statements produced: on a terminal, Markdown rendered for its width
/// (``TerminalMarkdown``), figures inline or as links (``FigureViewer``), errors in red; elsewhere (pipes,
/// files) the plain text as the statements made it.
public final class Display {
    /// Whether stdout is a terminal (then Markdown is rendered).
    public let rendersMarkdown: Bool
    public let figures: FigureViewer

    public init(rendersMarkdown: Bool = isatty(1) == 1, figures: FigureViewer = FigureViewer()) {
        self.rendersMarkdown = rendersMarkdown
        self.figures = figures
    }

    private var markdown: TerminalMarkdown {
        TerminalMarkdown(width: (Terminal.size(1)?.columns ?? 80) - 1, styled: Terminal.styled(1))
    }

    /// Plain text with lines longer than the terminal broken at spaces (as is off a terminal).
    public func wrapped(_ text: String) -> String {
        rendersMarkdown ? markdown.wrapPlain(text) : text
    }

    /// Markdown text (prose, a table), rendered on a terminal.
    public func markdownText(_ text: String) -> String {
        rendersMarkdown ? markdown.render(text) : text
    }

    /// Writes what statements printed and the figures they wrote.
    public func show(_ text: String, figures paths: [String]) {
        guard rendersMarkdown else {
            if !text.isEmpty { Terminal.writeOut(Terminal.block(text)) }
            return
        }
        show(LanguageNotebookSession.items(text: text) + paths.map { .figure($0) })
    }

    /// Writes a cell's (or statements') output items: text as is, Markdown rendered, figures shown.
    public func show(_ items: [CellOutput.Item]) {
        let figurePaths = Set(items.compactMap { item -> String? in if case .figure(let p) = item { p } else { nil } })
        var out = ""
        for item in items {
            switch item {
            case .text(let text):
                // "wrote PATH" of a figure: the path becomes a link (or the figure follows inline).
                out += markdown.wrapPlain(text).split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                    if line.hasPrefix("wrote "), figurePaths.contains(String(line.dropFirst(6))), figures.linksOnly {
                        return "wrote " + FigureViewer.hyperlink(String(line.dropFirst(6)))
                    }
                    return String(line)
                }.joined(separator: "\n") + "\n"
            case .markdown(let text):
                out += markdownText(text) + "\n\n"
            case .figure(let path):
                figures.remember(path)
                if !figures.linksOnly {
                    Terminal.writeOut(out)
                    out = ""
                    Terminal.writeOut(figures.render(path))
                }
            }
        }
        Terminal.writeOut(out)
    }

    /// A diagnostic on stderr: its first line (and caret line) in red on a terminal.
    public func error(_ text: String) {
        let message = text.hasSuffix("\n") ? text : text + "\n"
        guard Terminal.styled(2) else { return Terminal.writeError(message) }
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
        let colored = lines.enumerated().map { i, line -> String in
            let isCaret = !line.isEmpty && line.allSatisfy { $0 == " " || $0 == "^" || $0 == "~" }
            return (i == 0 || isCaret) && !line.isEmpty ? "\u{1B}[31m" + line + "\u{1B}[0m" : String(line)
        }
        Terminal.writeError(colored.joined(separator: "\n"))
    }
}
