/// A piece of source text the lexer reads: a whole script, one notebook cell, or one REPL line.
///
/// Tokens and AST nodes carry byte ranges into `bytes`; line and column are computed only when a
/// diagnostic is reported (`location(of:)`), as in WasmKit's WAT lexer.
public struct SourceFile: Sendable {
    /// Name shown in diagnostics: a file path, or `<repl>`, `<exec>`, `<stdin>`.
    public let name: String
    /// The text as UTF-8 bytes.
    public let bytes: [UInt8]
    /// Line number of the first line of `bytes` in `name` (1 for a whole file; a notebook cell's first
    /// line otherwise), so diagnostics point into the notebook.
    public let firstLine: Int

    public init(name: String, text: String, firstLine: Int = 1) {
        self.name = name
        self.bytes = Array(text.utf8)
        self.firstLine = firstLine
    }

    /// The text of `range` (clamped to the source).
    public func text(_ range: SourceRange) -> String {
        let lo = min(max(range.start, 0), bytes.count), hi = min(max(range.end, lo), bytes.count)
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }

    /// Line (counting from `firstLine`) and column (1-based, in characters) of a byte offset, plus the
    /// text of that line without its newline.
    public func location(of offset: Int) -> (line: Int, column: Int, lineText: String, lineStart: Int) {
        let offset = min(max(offset, 0), bytes.count)
        var line = firstLine
        var lineStart = 0
        var i = 0
        while i < offset {
            if bytes[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        var lineEnd = lineStart
        while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        var text = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1
        return (line, column, text, lineStart)
    }
}

/// A half-open byte range `start..<end` in a `SourceFile`.
public struct SourceRange: Sendable, Hashable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(min(start, other.start), max(end, other.end))
    }

    public var description: String { "\(start)..<\(end)" }
}
