import Support
/// An error from the Features module: what went wrong, with which file and, for text files, which line.
public struct FeaturesError: ModuleError, Equatable {
    /// What kind of failure this is; extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public static let cannotOpen = Code(name: "cannotOpen")
        public static let cannotWrite = Code(name: "cannotWrite")
        public static let badFormat = Code(name: "badFormat")
        public static let mismatch = Code(name: "mismatch")
        public static let notFinite = Code(name: "notFinite")
        public static let badParameter = Code(name: "badParameter")
        public var description: String { name }
    }

    public var code: Code
    /// The file involved, if any.
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

    public var description: String {
        switch (path, line) {
        case let (path?, line?): "\(path):\(line): \(message)"
        case let (path?, nil): "\(path): \(message)"
        default: message
        }
    }
}
