import Support
/// An error from the Evaluate module: a code and a sentence a user can act on.
public struct EvaluateError: ModuleError, Equatable {
    /// What kind of failure this is; extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// Arrays that should describe the same rows have different lengths.
        public static let lengthMismatch = Code(name: "lengthMismatch")
        /// A fraction, fold count or other parameter is out of range.
        public static let badParameter = Code(name: "badParameter")
        /// Too few rows, groups or classes to make the requested split.
        public static let tooFew = Code(name: "tooFew")
        /// A named group (speaker, phrase) or class does not occur.
        public static let unknownName = Code(name: "unknownName")
        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
