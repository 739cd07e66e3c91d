/// What every module's error offers a front-end: a sentence a user can act on (`message`) and the text to
/// show (`description`: the file and line first when the error has them, then the message).
///
/// The description, `path` and `line` have default implementations: an error type holds only what it knows.
/// Most modules' errors are `CodedError`s with their own code enum (`AudioError`, `LearnError`, …); front-ends
/// show any of them through `userMessage(_:)` and never interpolate a raw error.
public protocol ModuleError: Error, Sendable, CustomStringConvertible {
    /// A sentence a user can act on, without the file.
    var message: String { get }
    /// The file involved, if any (default: none).
    var path: String? { get }
    /// The 1-based line in `path`, for text files (default: none).
    var line: Int? { get }
}

extension ModuleError {
    public var path: String? { nil }
    public var line: Int? { nil }

    /// `path:line: message`, `path: message` or `message`.
    public var description: String {
        switch (path, line) {
        case let (path?, line?): "\(path):\(line): \(message)"
        case let (path?, nil): "\(path): \(message)"
        default: message
        }
    }
}

/// The kinds of failure one module's errors can have: an enum of plain cases whose raw value is the case name
/// (`enum AudioErrorCode: String, ModuleErrorCode { case cannotOpen, … }`).
public protocol ModuleErrorCode: Hashable, Sendable, CustomStringConvertible {}

extension ModuleErrorCode where Self: RawRepresentable, RawValue == String {
    public var description: String { rawValue }
}

/// An error of one module: what kind of failure (`code`), the file and line involved if any, and a sentence a
/// user can act on. Each module names its own: `public typealias AudioError = CodedError<AudioErrorCode>`, so
/// a `catch let error as AudioError` still tells the modules apart.
public struct CodedError<Kind: ModuleErrorCode>: ModuleError, Equatable {
    /// The module's code enum (`AudioError.Code` is `AudioErrorCode`).
    public typealias Code = Kind

    public var code: Code
    /// The file (or source name) involved, if any.
    public var path: String?
    /// The 1-based line in `path`, for text files.
    public var line: Int?
    /// A sentence a user can act on.
    public var message: String

    public init(_ code: Code, path: String? = nil, line: Int? = nil, _ message: String) {
        self.code = code
        self.path = path
        self.line = line
        self.message = message
    }
}

/// The text to show a user for any error: a `ModuleError`'s description, or for a foreign error (one from
/// the standard library or a dependency) its description.
public func userMessage(_ error: any Error) -> String {
    if let error = error as? any ModuleError { return error.description }
    return String(describing: error)
}
