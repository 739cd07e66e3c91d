import Support

/// An error from the Augment module: what went wrong, with which value or file (or source name).
public typealias AugmentError = CodedError<AugmentErrorCode>

/// What kind of failure an `AugmentError` is:
/// - `badParameter`: a parameter out of its range (a rate ≤ 0, a shift beyond ±24 semitones, a non-finite number…).
/// - `badSignal`: an input signal that cannot be augmented (empty, or too short for the requested transform).
/// - `leak`: a held-out (validation/test) file was about to be augmented into training data.
/// - `badProvenance`: provenance attributes that cannot be read back.
/// - `cancelled`: the caller cancelled the work (e.g. Ctrl-C in the REPL).
/// - `failed`: the STFT or the resampler underneath failed.
///
/// Add a case for a new kind of failure.
public enum AugmentErrorCode: String, ModuleErrorCode {
    case badParameter, badSignal, leak, badProvenance, cancelled, failed
}
