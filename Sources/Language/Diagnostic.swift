/// An error in a statement, reported compiler-style:
///
/// ```
/// notebooks/02.md:14:19: error: unknown option 'patiense' for 'train'; did you mean 'patience'?
/// fit = train net s patiense=20
///                   ^~~~~~~~
/// ```
///
/// Every error the language raises (lexing, parsing, argument checking, a verb failing at run time) is a
/// `Diagnostic`; the session is left as it was before the failing statement.
public struct Diagnostic: Error, Sendable, CustomStringConvertible, Equatable {
    /// File name (or `<repl>`, `<exec>`, …).
    public var file: String
    /// 1-based line in `file`.
    public var line: Int
    /// 1-based column (in characters).
    public var column: Int
    /// The message, without the `error:` prefix.
    public var message: String
    /// The source line the error is on.
    public var lineText: String
    /// Number of characters underlined (at least 1).
    public var length: Int
    /// Extra lines printed after the caret, each as `note: …`.
    public var notes: [String]

    public init(file: String, line: Int, column: Int, message: String, lineText: String, length: Int = 1,
                notes: [String] = []) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.lineText = lineText
        self.length = max(1, length)
        self.notes = notes
    }

    /// A diagnostic at `range` of `source`.
    public init(_ message: String, at range: SourceRange, in source: SourceFile, notes: [String] = []) {
        let loc = source.location(of: range.start)
        // Underline up to the end of the range, but not past the end of the line.
        let end = source.location(of: range.end)
        let length = end.line == loc.line ? end.column - loc.column : loc.lineText.count - loc.column + 1
        self.init(file: source.name, line: loc.line, column: loc.column, message: message,
                  lineText: loc.lineText, length: length, notes: notes)
    }

    /// `file:line:col`.
    public var position: String { "\(file):\(line):\(column)" }

    /// The full report: header line, source line, caret line, notes.
    public var description: String {
        var out = "\(position): error: \(message)\n\(lineText)\n"
        var pad = ""
        for (i, ch) in lineText.enumerated() where i < column - 1 {
            pad.append(ch == "\t" ? "\t" : " ")
        }
        if column - 1 > lineText.count { pad += String(repeating: " ", count: column - 1 - lineText.count) }
        out += pad + "^" + String(repeating: "~", count: max(0, length - 1))
        for note in notes { out += "\nnote: \(note)" }
        return out
    }
}
