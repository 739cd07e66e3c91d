import Support
/// An error from the Augment module: what went wrong, with which value or file.
public struct AugmentError: ModuleError, Equatable {
    /// What kind of failure this is; extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// A parameter out of its range (a rate ≤ 0, a shift beyond ±24 semitones, a non-finite number…).
        public static let badParameter = Code(name: "badParameter")
        /// An input signal that cannot be augmented (empty, or too short for the requested transform).
        public static let badSignal = Code(name: "badSignal")
        /// A held-out (validation/test) file was about to be augmented into training data.
        public static let leak = Code(name: "leak")
        /// Provenance attributes that cannot be read back.
        public static let badProvenance = Code(name: "badProvenance")
        /// The caller cancelled the work (e.g. Ctrl-C in the REPL).
        public static let cancelled = Code(name: "cancelled")
        /// The STFT or the resampler underneath failed.
        public static let failed = Code(name: "failed")
        public var description: String { name }
    }

    public var code: Code
    /// The file (or source name) involved, if any.
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
