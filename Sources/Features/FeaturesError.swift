import Support

/// An error from the Features module: what went wrong, with which file and, for text files, which line.
public typealias FeaturesError = CodedError<FeaturesErrorCode>

/// What kind of failure a `FeaturesError` is.
/// Add a case for a new kind of failure.
public enum FeaturesErrorCode: String, ModuleErrorCode {
    case cannotOpen, cannotWrite, badFormat, mismatch, notFinite, badParameter
}
