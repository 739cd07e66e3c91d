import Support
/// An error from the Corpus module: what went wrong, with which folder or file, and a sentence to act on.
public struct CorpusError: ModuleError, Equatable {
    /// What kind of failure this is; extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// The corpus folder does not exist or is not a folder.
        public static let missingFolder = Code(name: "missingFolder")
        /// The folder holds no audio file that belongs to the corpus.
        public static let empty = Code(name: "empty")
        /// No known layout fits the folder.
        public static let unknownLayout = Code(name: "unknownLayout")
        /// A parameter (layout name, size, …) is not valid.
        public static let badParameter = Code(name: "badParameter")
        /// A helper program (espeak-ng) is missing or failed.
        public static let toolFailed = Code(name: "toolFailed")
        /// Writing a file failed.
        public static let cannotWrite = Code(name: "cannotWrite")
        public var description: String { name }
    }

    public var code: Code
    /// The folder or file involved, if any.
    public var path: String?
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
