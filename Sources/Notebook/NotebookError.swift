import Support
/// A notebook that cannot be read, parameters that do not type-check, or options that name no cell.
///
/// The message is complete: it names the file and line (`notebooks/02.md:14: …`) whenever there is one.
public struct NotebookError: ModuleError, Equatable {
    /// What kind of mistake this is.
    public enum Code: String, Sendable {
        /// The notebook file cannot be read or written.
        case io
        /// The Markdown is malformed for ser: unclosed cell, bad cell options, duplicate labels.
        case syntax
        /// A parameter declaration or a `--param` override is malformed or has the wrong type.
        case parameter
        /// `--from` or `--only` names a cell the notebook does not have.
        case unknownCell
    }

    public var code: Code
    /// The file the mistake is in (a notebook path, or `--param` for a command-line override).
    public var file: String
    /// The 1-based line in `file`, or nil when the mistake has no line (command-line input, I/O).
    public var line: Int?
    /// The human message, without the location.
    public var message: String

    public init(_ code: Code, file: String, line: Int? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: error: message`, the form compilers use.
    public var description: String {
        if let line { return "\(file):\(line): error: \(message)" }
        return "\(file): error: \(message)"
    }
}
