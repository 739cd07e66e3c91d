/// What every module's error offers a front-end: a sentence a user can act on (`message`) and the text to
/// show (`description`: the file, line or value first when the error has one, then the message).
///
/// Each module keeps its own error type with its own extensible codes (`AudioError`, `LearnError`, …);
/// front-ends show any of them through `userMessage(_:)` and never interpolate a raw error.
public protocol ModuleError: Error, Sendable, CustomStringConvertible {
    /// A sentence a user can act on, without the file.
    var message: String { get }
}

/// The text to show a user for any error: a `ModuleError`'s description, or for a foreign error (one from
/// the standard library or a dependency) its description.
public func userMessage(_ error: any Error) -> String {
    if let error = error as? any ModuleError { return error.description }
    return String(describing: error)
}
