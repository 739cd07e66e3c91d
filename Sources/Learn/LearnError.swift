import Support
/// An error from the Learn module: what went wrong, with a sentence a user can act on.
public struct LearnError: ModuleError, Equatable {
    /// What kind of failure this is; extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// A layer stack that cannot be built (bad sizes, softmax not last, shapes that shrink to nothing).
        public static let badArchitecture = Code(name: "badArchitecture")
        /// Data that does not fit the model (wrong row width, label out of range, empty set).
        public static let badData = Code(name: "badData")
        /// A bad option value (epochs, batch size, learning rate, selector).
        public static let badParameter = Code(name: "badParameter")
        /// A checkpoint that cannot be read: missing, truncated, corrupt or inconsistent.
        public static let badCheckpoint = Code(name: "badCheckpoint")
        /// A checkpoint that cannot be written.
        public static let cannotWrite = Code(name: "cannotWrite")
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
