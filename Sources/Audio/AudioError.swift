import Support

/// An error from the Audio module: what went wrong and with which file.
public typealias AudioError = CodedError<AudioErrorCode>

/// What kind of failure an `AudioError` is:
/// - `tooLong`: longer than ser holds in memory (`SoundFile.maxSamples`) or than a command accepts.
/// - `notFinite`: samples that are NaN or infinite.
///
/// The other codes say what they name. Add a case for a new kind of failure.
public enum AudioErrorCode: String, ModuleErrorCode {
    case cannotOpen, notAudio, empty, corrupt, cannotWrite, badParameter, resampleFailed, tooLong, notFinite
}
