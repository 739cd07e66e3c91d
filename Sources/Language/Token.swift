/// The unit written after a number literal. Values are normalised when lexed: `500ms` is 0.5 s,
/// `70%` is 0.7, `16kHz` is 16000 Hz.
public enum NumberUnit: String, Sendable, Equatable {
    case none = ""
    /// `s` or `ms`; the value is in seconds.
    case seconds = "s"
    /// `%`; the value is a fraction (70% → 0.7).
    case percent = "%"
    /// `Hz` or `kHz`; the value is in hertz.
    case hertz = "Hz"
}

/// What a token is.
public enum TokenKind: Sendable, Equatable {
    case identifier
    /// A number literal, normalised by its unit.
    case number(Double, NumberUnit)
    /// A string literal with escapes resolved.
    case string(String)
    case equals, comma, dot, minus
    case leftBracket, rightBracket, leftParen, rightParen
    /// End of a statement: a newline outside brackets, or `;`.
    case separator
    case end
}

/// A token and the bytes it came from.
public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var range: SourceRange

    public init(_ kind: TokenKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

extension TokenKind {
    /// How a token is named in "expected …, found …" messages.
    var spelling: String {
        switch self {
        case .identifier: "a name"
        case .number: "a number"
        case .string: "a string"
        case .equals: "'='"
        case .comma: "','"
        case .dot: "'.'"
        case .minus: "'-'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .separator: "end of statement"
        case .end: "end of input"
        }
    }
}
