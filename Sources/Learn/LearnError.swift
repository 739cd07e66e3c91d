import Support

/// An error from the Learn module: what went wrong, with which file if any, and a sentence a user can act on.
public typealias LearnError = CodedError<LearnErrorCode>

/// What kind of failure a `LearnError` is:
/// - `badArchitecture`: a layer stack that cannot be built (bad sizes, softmax not last, shapes that shrink to nothing).
/// - `badData`: data that does not fit the model (wrong row width, label out of range, empty set).
/// - `badParameter`: a bad option value (epochs, batch size, learning rate, selector).
/// - `badCheckpoint`: a checkpoint that cannot be read: missing, truncated, corrupt or inconsistent.
/// - `cannotWrite`: a checkpoint that cannot be written.
///
/// Add a case for a new kind of failure.
public enum LearnErrorCode: String, ModuleErrorCode {
    case badArchitecture, badData, badParameter, badCheckpoint, cannotWrite
}
