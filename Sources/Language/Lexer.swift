/// Splits source text into tokens.
///
/// - Names: `[A-Za-z_][A-Za-z0-9_]*`.
/// - Numbers: `12`, `0.5`, `1e-3`, with an optional unit glued on: `2s`, `500ms`, `70%`, `16kHz`, `440Hz`.
/// - Strings: `"…"` or `'…'` with the escapes `\"` `\'` `\\` `\n` `\t`; they end on the same line.
/// - `#` starts a comment to the end of the line; `\` at the end of a line continues the statement;
///   newlines inside `[…]` and `(…)` are ignored; `;` separates statements on one line.
public struct Lexer {
    let source: SourceFile
    private var i = 0
    private var depth = 0
    private var tokens: [Token] = []

    public init(_ source: SourceFile) { self.source = source }

    /// All tokens, ending with `.end`. Throws the first lexical error.
    public static func tokenize(_ source: SourceFile) throws(Diagnostic) -> [Token] {
        var lexer = Lexer(source)
        return try lexer.run()
    }

    private func error(_ message: String, _ start: Int, _ end: Int) -> Diagnostic {
        Diagnostic(message, at: SourceRange(start, end), in: source)
    }

    private var bytes: [UInt8] { source.bytes }

    private func peek(_ k: Int = 0) -> UInt8? {
        i + k < bytes.count ? bytes[i + k] : nil
    }

    private mutating func run() throws(Diagnostic) -> [Token] {
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            let start = i
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                i += 1
            case UInt8(ascii: "\n"):
                i += 1
                if depth == 0 { emitSeparator(start, i) }
            case UInt8(ascii: ";"):
                i += 1
                if depth > 0 { throw error("';' inside brackets; close them before ending the statement", start, i) }
                emitSeparator(start, i)
            case UInt8(ascii: "#"):
                while i < n, bytes[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "\\"):
                i += 1
                var j = i
                while j < n, bytes[j] == UInt8(ascii: " ") || bytes[j] == UInt8(ascii: "\t") || bytes[j] == UInt8(ascii: "\r") { j += 1 }
                if j < n, bytes[j] == UInt8(ascii: "#") {
                    while j < n, bytes[j] != UInt8(ascii: "\n") { j += 1 }
                }
                if j < n, bytes[j] != UInt8(ascii: "\n") {
                    throw error("'\\' continues a statement and must end its line", start, start + 1)
                }
                i = min(j + 1, n)
            case UInt8(ascii: "="): single(.equals)
            case UInt8(ascii: ","): single(.comma)
            case UInt8(ascii: "."): single(.dot)
            case UInt8(ascii: "-"): single(.minus)
            case UInt8(ascii: "["): depth += 1; single(.leftBracket)
            case UInt8(ascii: "("): depth += 1; single(.leftParen)
            case UInt8(ascii: "]"), UInt8(ascii: ")"):
                depth = max(0, depth - 1)
                single(c == UInt8(ascii: "]") ? .rightBracket : .rightParen)
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                try string(quote: c)
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                try number()
            default:
                if Lexer.isNameStart(c) {
                    while i < n, Lexer.isNameContinue(bytes[i]) { i += 1 }
                    tokens.append(Token(.identifier, SourceRange(start, i)))
                } else {
                    // One whole Unicode scalar, for the message.
                    var end = i + 1
                    while end < n, bytes[end] & 0xC0 == 0x80 { end += 1 }
                    let text = String(decoding: bytes[i..<end], as: UTF8.self)
                    let hint = text == "“" || text == "”" ? "; use straight quotes \"…\"" : ""
                    throw error("unexpected character '\(text)'\(hint)", start, end)
                }
            }
        }
        if tokens.last.map({ $0.kind != .separator }) ?? false { emitSeparator(n, n) }
        tokens.append(Token(.end, SourceRange(n, n)))
        return tokens
    }

    static func isNameStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_")
    }

    static func isNameContinue(_ c: UInt8) -> Bool {
        isNameStart(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    private mutating func single(_ kind: TokenKind) {
        tokens.append(Token(kind, SourceRange(i, i + 1)))
        i += 1
    }

    /// Separators collapse: blank lines and `;;` make no empty statements.
    private mutating func emitSeparator(_ start: Int, _ end: Int) {
        if let last = tokens.last, last.kind != .separator {
            tokens.append(Token(.separator, SourceRange(start, end)))
        }
    }

    private mutating func string(quote: UInt8) throws(Diagnostic) {
        let start = i
        i += 1
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw error("unterminated string", start, start + 1) }
            if c == UInt8(ascii: "\n") { throw error("unterminated string (strings end on the line they start)", start, start + 1) }
            if c == quote { i += 1; break }
            if c == UInt8(ascii: "\\") {
                guard let e = peek(1), e != UInt8(ascii: "\n") else {
                    throw error("unterminated string", start, start + 1)
                }
                switch e {
                case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): out.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): out.append(e)
                default:
                    var end = i + 2
                    while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
                    let text = String(decoding: bytes[(i + 1)..<end], as: UTF8.self)
                    throw error("unknown escape '\\\(text)' in string; use \\\\ for a backslash", i, end)
                }
                i += 2
                continue
            }
            out.append(c)
            i += 1
        }
        tokens.append(Token(.string(String(decoding: out, as: UTF8.self)), SourceRange(start, i)))
    }

    private mutating func number() throws(Diagnostic) {
        let start = i
        let n = bytes.count
        func digits() { while i < n, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 } }
        digits()
        if i + 1 < n, bytes[i] == UInt8(ascii: "."), bytes[i + 1] >= UInt8(ascii: "0"), bytes[i + 1] <= UInt8(ascii: "9") {
            i += 1
            digits()
        }
        if i < n, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            var j = i + 1
            if j < n, bytes[j] == UInt8(ascii: "-") || bytes[j] == UInt8(ascii: "+") { j += 1 }
            if j < n, bytes[j] >= UInt8(ascii: "0"), bytes[j] <= UInt8(ascii: "9") {
                i = j
                digits()
            } else {
                throw error("malformed number: exponent needs digits, as in 1e-3", start, j)
            }
        }
        let literal = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let value = Double(literal), value.isFinite else {
            throw error("number '\(literal)' is out of range", start, i)
        }
        var unit = NumberUnit.none
        var divisor = 1.0, scale = 1.0
        if i < n, bytes[i] == UInt8(ascii: "%") {
            i += 1
            unit = .percent
            divisor = 100
        } else if i < n, Lexer.isNameStart(bytes[i]) {
            let u0 = i
            while i < n, Lexer.isNameContinue(bytes[i]) { i += 1 }
            let suffix = String(decoding: bytes[u0..<i], as: UTF8.self)
            switch suffix {
            case "s": unit = .seconds
            case "ms": unit = .seconds; divisor = 1000
            case "Hz", "hz": unit = .hertz
            case "kHz", "khz": unit = .hertz; scale = 1000
            default:
                throw error("unknown unit '\(suffix)' after number (units: s, ms, %, Hz, kHz)", u0, i)
            }
        } else if i < n, bytes[i] == UInt8(ascii: ".") , i + 1 < n, bytes[i + 1] >= UInt8(ascii: "0"), bytes[i + 1] <= UInt8(ascii: "9") {
            throw error("malformed number", start, i + 1)
        }
        tokens.append(Token(.number(value * scale / divisor, unit), SourceRange(start, i)))
    }
}
