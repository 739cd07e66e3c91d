import Support

/// An error from the Corpus module: what went wrong, with which folder or file, and a sentence to act on.
public typealias CorpusError = CodedError<CorpusErrorCode>

/// What kind of failure a `CorpusError` is:
/// - `missingFolder`: the corpus folder does not exist or is not a folder.
/// - `empty`: the folder holds no audio file that belongs to the corpus.
/// - `unknownLayout`: no known layout fits the folder.
/// - `badParameter`: a parameter (layout name, size, …) is not valid.
/// - `toolFailed`: a helper program (espeak-ng) is missing or failed.
/// - `cannotWrite`: writing a file failed.
///
/// Add a case for a new kind of failure.
public enum CorpusErrorCode: String, ModuleErrorCode {
    case missingFolder, empty, unknownLayout, badParameter, toolFailed, cannotWrite
}
