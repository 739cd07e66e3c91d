import Support

/// An error from the Evaluate module: a code and a sentence a user can act on.
public typealias EvaluateError = CodedError<EvaluateErrorCode>

/// What kind of failure an `EvaluateError` is:
/// - `lengthMismatch`: arrays that should describe the same rows have different lengths.
/// - `badParameter`: a fraction, fold count or other parameter is out of range.
/// - `tooFew`: too few rows, groups or classes to make the requested split.
/// - `unknownName`: a named group (speaker, phrase) or class does not occur.
///
/// Add a case for a new kind of failure.
public enum EvaluateErrorCode: String, ModuleErrorCode {
    case lengthMismatch, badParameter, tooFew, unknownName
}
