import Support
/// An error from the Audio module: what went wrong and with which file.
public struct AudioError: ModuleError, Equatable {
    /// What kind of failure this is; extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public static let cannotOpen = Code(name: "cannotOpen")
        public static let notAudio = Code(name: "notAudio")
        public static let empty = Code(name: "empty")
        public static let corrupt = Code(name: "corrupt")
        public static let cannotWrite = Code(name: "cannotWrite")
        public static let badParameter = Code(name: "badParameter")
        public static let resampleFailed = Code(name: "resampleFailed")
        /// Longer than ser holds in memory (`SoundFile.maxSamples`) or than a command accepts.
        public static let tooLong = Code(name: "tooLong")
        /// Samples that are NaN or infinite.
        public static let notFinite = Code(name: "notFinite")
        public var description: String { name }
    }

    public var code: Code
    /// The file involved, if any.
    public var path: String?
    /// A sentence a user can act on.
    public var message: String

    public init(_ code: Code, path: String? = nil, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
