import Support
/// The type of a notebook parameter, as declared in the notebook's parameters block.
public enum NotebookParameterType: Sendable, Equatable, CustomStringConvertible {
    /// A whole number (`epochs: int = 200`).
    case int
    /// A real number (`lr: number = 1e-3`); `70%` means 0.7.
    case number
    /// Free text (`title: string = "EMOVO"`).
    case string
    /// A file or folder; a leading `~/` expands to the home folder (`data: path = ""`).
    case path
    /// `true` or `false` (also `yes`/`no`, `1`/`0` on the command line).
    case bool
    /// One word out of a fixed list (`size: small | medium | full = small`).
    case choice([String])
    /// A list of whole numbers (`seeds: [int] = [1, 2, 3]`; `1,2,3` on the command line).
    case intList

    public var description: String {
        switch self {
        case .int: "int"
        case .number: "number"
        case .string: "string"
        case .path: "path"
        case .bool: "bool"
        case .choice(let words): words.joined(separator: " | ")
        case .intList: "[int]"
        }
    }
}

/// A parameter's value, already checked against its type.
public enum ParameterValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case number(Double)
    case string(String)
    case path(String)
    case bool(Bool)
    case choice(String)
    case intList([Int])

    /// The value as a user writes it (strings and paths quoted).
    public var description: String {
        switch self {
        case .int(let v): String(v)
        case .number(let v): v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
        case .string(let v), .path(let v): "\"\(v)\""
        case .bool(let v): v ? "true" : "false"
        case .choice(let v): v
        case .intList(let v): "[" + v.map(String.init).joined(separator: ", ") + "]"
        }
    }

    /// The value as bare text, for `{{name}}` substitution: strings and paths without quotes.
    public var text: String {
        switch self {
        case .string(let v), .path(let v), .choice(let v): v
        default: description
        }
    }

    /// Whether the value counts as "set" for a cell's `when=`/`unless=` option: a true bool, a non-empty
    /// string or path, a nonzero number, any choice.
    public var isSet: Bool {
        switch self {
        case .int(let v): v != 0
        case .number(let v): v != 0
        case .string(let v), .path(let v): !v.isEmpty
        case .bool(let v): v
        case .choice: true
        case .intList(let v): !v.isEmpty
        }
    }
}

/// One line of a parameters block: `name: type = default  # what it means`.
public struct ParameterDeclaration: Sendable, Equatable {
    public var name: String
    public var type: NotebookParameterType
    public var defaultValue: ParameterValue
    /// The comment after the declaration, if any.
    public var help: String
    /// The line of the declaration in the notebook (1-based).
    public var line: Int

    public init(name: String, type: NotebookParameterType, defaultValue: ParameterValue, help: String = "", line: Int) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.help = help
        self.line = line
    }
}

extension NotebookParameterType {
    /// Reads a type name as written in a parameters block.
    static func parse(_ text: String) -> NotebookParameterType? {
        let text = text.trimmingSpaces
        switch text {
        case "int": return .int
        case "number", "float", "double": return .number
        case "string", "str": return .string
        case "path": return .path
        case "bool": return .bool
        case "[int]": return .intList
        default:
            let words = text.split(separator: "|").map { String($0).trimmingSpaces }
            guard words.count >= 2, words.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isNameCharacter) }) else {
                return nil
            }
            return .choice(words)
        }
    }

    /// Checks and converts `text` to a value of this type.
    ///
    /// `quoted` says the text came between double quotes (a string literal in the parameters block), which
    /// only strings, paths and choices accept. Returns a reason when the text is not of this type.
    func value(of text: String, quoted: Bool = false) -> Result<ParameterValue, ParameterTypeMismatch> {
        let mismatch = ParameterTypeMismatch(expected: self, given: text)
        switch self {
        case .int:
            guard !quoted, let v = Int(text) else { return .failure(mismatch) }
            return .success(.int(v))
        case .number:
            guard !quoted else { return .failure(mismatch) }
            if text.hasSuffix("%"), let v = Double(text.dropLast()), v.isFinite { return .success(.number(v / 100)) }
            guard let v = Double(text), v.isFinite else { return .failure(mismatch) }
            return .success(.number(v))
        case .string:
            return .success(.string(text))
        case .path:
            return .success(.path(Files.expandingTilde(text)))
        case .bool:
            guard !quoted else { return .failure(mismatch) }
            switch text.lowercased() {
            case "true", "yes", "1": return .success(.bool(true))
            case "false", "no", "0": return .success(.bool(false))
            default: return .failure(mismatch)
            }
        case .choice(let words):
            guard words.contains(text) else { return .failure(mismatch) }
            return .success(.choice(text))
        case .intList:
            guard !quoted else { return .failure(mismatch) }
            var inner = Substring(text.trimmingSpaces)
            if inner.first == "[" {
                guard inner.last == "]" else { return .failure(mismatch) }
                inner = inner.dropFirst().dropLast()
            }
            let items = inner.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
            if items == [""] { return .success(.intList([])) }
            var values: [Int] = []
            for item in items {
                guard let v = Int(item) else { return .failure(mismatch) }
                values.append(v)
            }
            return .success(.intList(values))
        }
    }
}

/// A value that does not fit its parameter's type.
struct ParameterTypeMismatch: Error {
    var expected: NotebookParameterType
    var given: String

    var message: String {
        switch expected {
        case .choice(let words):
            "expected one of \(words.map { "'\($0)'" }.joined(separator: ", ")), got '\(given)'"
                + suggestion(given, among: words)
        default:
            "expected \(expected.article) \(expected), got '\(given)'"
        }
    }
}

extension NotebookParameterType {
    var article: String {
        switch self {
        case .int: "an"
        case .intList: "a list of ints like"
        default: "a"
        }
    }
}

/// Parses the lines of a parameters block.
///
/// Each non-blank line not starting with `#` is `name: type = default`, optionally followed by `# help`.
/// Defaults are literals: numbers, `true`/`false`, words, or double-quoted strings.
func parseParameters(_ lines: [String], file: String, firstLine: Int) throws(NotebookError) -> [ParameterDeclaration] {
    var declarations: [ParameterDeclaration] = []
    for (offset, raw) in lines.enumerated() {
        let line = firstLine + offset
        let (code, help) = splitComment(raw)
        if code.isEmpty { continue }
        func fail(_ message: String) -> NotebookError { NotebookError(.parameter, file: file, line: line, message) }
        guard let colon = code.firstIndex(of: ":") else {
            throw fail("expected 'name: type = default', got '\(code)'")
        }
        let name = String(code[..<colon]).trimmingSpaces
        guard isValidName(name) else {
            throw fail("'\(name)' is not a valid parameter name (letters, digits and '_', not starting with a digit)")
        }
        guard !declarations.contains(where: { $0.name == name }) else {
            throw fail("parameter '\(name)' is declared twice")
        }
        let rest = code[code.index(after: colon)...]
        guard let equals = rest.firstIndex(of: "=") else {
            throw fail("parameter '\(name)' has no default value; write '\(name): \(rest.trimmingSpaces) = …'")
        }
        let typeText = String(rest[..<equals]).trimmingSpaces
        guard let type = NotebookParameterType.parse(typeText) else {
            throw fail("unknown parameter type '\(typeText)' for '\(name)'; expected int, number, string, path, "
                + "bool, [int], or a choice like 'small | medium | full'")
        }
        var literal = String(rest[rest.index(after: equals)...]).trimmingSpaces
        var quoted = false
        if literal.hasPrefix("\"") {
            guard literal.count >= 2, literal.hasSuffix("\"") else {
                throw fail("unterminated string in the default of '\(name)'")
            }
            literal = String(literal.dropFirst().dropLast())
            quoted = true
        } else if literal.isEmpty {
            throw fail("parameter '\(name)' has an empty default; write \"\" for an empty string")
        }
        switch type.value(of: literal, quoted: quoted) {
        case .success(let value):
            declarations.append(ParameterDeclaration(name: name, type: type, defaultValue: value, help: help, line: line))
        case .failure(let mismatch):
            throw fail("default of '\(name)': \(mismatch.message)")
        }
    }
    return declarations
}

/// Splits `code  # comment` (a `#` inside double quotes does not start a comment).
private func splitComment(_ line: String) -> (code: String, comment: String) {
    var inString = false
    for index in line.indices {
        let c = line[index]
        if c == "\"" { inString.toggle() }
        if c == "#", !inString {
            let comment = String(line[line.index(after: index)...]).trimmingSpaces
            return (String(line[..<index]).trimmingSpaces, comment)
        }
    }
    return (line.trimmingSpaces, "")
}

func isNameCharacter(_ c: Character) -> Bool {
    c == "_" || c == "-" || c == "." || (c.isASCII && (c.isLetter || c.isNumber))
}

func isValidName(_ name: String) -> Bool {
    guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
    return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let c = slice.first, c == " " || c == "\t" || c == "\r" { slice.removeFirst() }
        while let c = slice.last, c == " " || c == "\t" || c == "\r" { slice.removeLast() }
        return String(slice)
    }
}
