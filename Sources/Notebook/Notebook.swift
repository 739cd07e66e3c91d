import Language
import Support

/// A ser notebook: Markdown prose with `ser` cells, read from a file.
///
/// Fenced code blocks whose info string starts with the word `ser` are cells; everything else is prose and
/// is kept verbatim. A cell may carry a label and options in braces:
///
/// ````
/// ```ser {#train-emovo cache=false}
/// fit = train net s epochs=epochs
/// ```
/// ````
///
/// A block opened with ```` ```ser parameters ```` before any cell declares the notebook's typed
/// parameters with defaults (see ``ParameterDeclaration``). Parameters become session values of the same
/// name, and cells may splice them into their text: `{{name}}` is the value as text,
/// `{{name ? "a" : "b"}}` is `a` when the parameter is set and `b` otherwise (for words, paths and titles
/// the language cannot compute). Cell options `when=name` / `unless=name` run a cell only when a parameter is
/// set / not set (e.g. the real corpora when `data` is given, demo corpora otherwise).
public struct Notebook: Sendable {
    /// One piece of the notebook, in file order.
    public enum Block: Sendable {
        /// Markdown text, verbatim, including its line breaks.
        case prose(String)
        /// The parameters block, verbatim (fences included).
        case parameters(String)
        /// A cell.
        case cell(Cell)
    }

    /// The path the notebook was read from, as given.
    public var path: String
    /// The file name without folder and without `.md`: `02-emovo-baseline`.
    public var name: String
    public var blocks: [Block]
    /// The declared parameters, in declaration order.
    public var parameters: [ParameterDeclaration]

    /// The cells, in order (the parameters block is not a cell).
    public var cells: [Cell] {
        blocks.compactMap { if case .cell(let cell) = $0 { cell } else { nil } }
    }

    /// Parses notebook text. `path` names the file in error messages and in ``name``.
    public init(text: String, path: String) throws(NotebookError) {
        self.path = path
        let base = path.split(separator: "/").last.map(String.init) ?? path
        name = base.hasSuffix(".md") ? String(base.dropLast(3)) : base
        (blocks, parameters) = try NotebookParser(text: text, file: path).parse()
    }

    /// Reads and parses a notebook file.
    public init(contentsOf path: String) throws(NotebookError) {
        let text: String
        do { text = try ScriptFile.read(path) } catch {
            // ScriptFile's sentence starts with the path; NotebookError adds it again.
            let message = error.description.hasPrefix(path + ":") ? String(error.description.dropFirst(path.count + 1)).drop { $0 == " " } : Substring(error.description)
            throw NotebookError(.io, file: path, String(message))
        }
        try self.init(text: text, path: path)
    }

    /// The cell named by `reference`: its label, or its 1-based number among the cells.
    public func cell(named reference: String) -> Cell? {
        let cells = cells
        if let label = cells.first(where: { $0.label == reference }) { return label }
        if let number = Int(reference), number >= 1, number <= cells.count { return cells[number - 1] }
        return nil
    }
}

/// One `ser` cell of a notebook.
public struct Cell: Sendable, Equatable {
    /// 1-based position among the notebook's cells.
    public var index: Int
    /// The label given with `{#label}`, if any.
    public var label: String?
    public var options: CellOptions
    /// The statements, without the fences; lines joined by `\n`, ending in `\n` unless empty.
    public var source: String
    /// The line of the opening fence (1-based).
    public var fenceLine: Int
    /// The opening and closing fence lines, verbatim.
    public var openingFence: String
    public var closingFence: String

    /// The line of the cell's first statement line (1-based).
    public var firstLine: Int { fenceLine + 1 }

    /// `cell 4 [train-emovo]` or `cell 4`.
    public var title: String {
        label.map { "cell \(index) [\($0)]" } ?? "cell \(index)"
    }
}

/// A cell's options, from the braces of its info string.
public struct CellOptions: Sendable, Equatable {
    /// `cache=false` runs the cell without the value cache (default true).
    public var cache: Bool = true
    /// `when=param` runs the cell only when the parameter is set (true, non-empty, nonzero).
    public var when: String?
    /// `unless=param` runs the cell only when the parameter is not set.
    public var unless: String?

    public init(cache: Bool = true, when: String? = nil, unless: String? = nil) {
        self.cache = cache
        self.when = when
        self.unless = unless
    }

    /// Every option name a cell accepts.
    public static let names = ["cache", "when", "unless"]
}

/// Splits Markdown into prose, parameters and cells, following CommonMark's fenced code blocks: an opening
/// fence of three or more backticks or tildes indented at most three spaces, closed by a fence of the same
/// character at least as long.
struct NotebookParser {
    let lines: [String]
    let file: String

    init(text: String, file: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
        self.file = file
    }

    func parse() throws(NotebookError) -> ([Notebook.Block], [ParameterDeclaration]) {
        var blocks: [Notebook.Block] = []
        var parameters: [ParameterDeclaration] = []
        var sawParameters = false
        var prose: [String] = []
        var labels: [String: Int] = [:]
        var cellCount = 0
        var i = 0
        func flushProse() {
            if !prose.isEmpty { blocks.append(.prose(prose.joined(separator: "\n") + "\n")) }
            prose = []
        }
        while i < lines.count {
            guard let fence = Fence(opening: lines[i]) else {
                prose.append(lines[i])
                i += 1
                continue
            }
            // Find the closing fence.
            var j = i + 1
            while j < lines.count, !fence.isClosed(by: lines[j]) { j += 1 }
            let fenceLine = i + 1
            guard fence.info.isSerInfo else {
                // An ordinary code block: prose, verbatim, even if it contains ```ser lines.
                prose.append(contentsOf: lines[i..<min(j + 1, lines.count)])
                i = j + 1
                continue
            }
            guard j < lines.count else {
                throw NotebookError(.syntax, file: file, line: fenceLine,
                                    "cell is never closed; end it with a line '\(String(repeating: fence.character, count: fence.count))'")
            }
            let body = Array(lines[(i + 1)..<j])
            let header = try CellHeader(info: fence.info, file: file, line: fenceLine)
            flushProse()
            if header.isParameters {
                guard !sawParameters else {
                    throw NotebookError(.syntax, file: file, line: fenceLine, "a notebook has one parameters block; this is a second one")
                }
                guard cellCount == 0 else {
                    throw NotebookError(.syntax, file: file, line: fenceLine,
                                        "the parameters block must come before the first cell")
                }
                sawParameters = true
                parameters = try parseParameters(body, file: file, firstLine: fenceLine + 1)
                blocks.append(.parameters(lines[i...j].joined(separator: "\n") + "\n"))
            } else {
                cellCount += 1
                if let label = header.label {
                    if let previous = labels[label] {
                        throw NotebookError(.syntax, file: file, line: fenceLine,
                                            "cell label '#\(label)' is already used by the cell at line \(previous)")
                    }
                    labels[label] = fenceLine
                }
                let source = body.isEmpty ? "" : body.joined(separator: "\n") + "\n"
                blocks.append(.cell(Cell(index: cellCount, label: header.label, options: header.options, source: source,
                                         fenceLine: fenceLine, openingFence: lines[i], closingFence: lines[j])))
            }
            i = j + 1
        }
        flushProse()
        // Cell options and `{{name}}` substitutions must name declared parameters.
        let names = parameters.map(\.name)
        for case .cell(let cell) in blocks {
            for (offset, line) in cell.source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for found in substitutions(in: String(line)) {
                    switch found {
                    case .failure(let error):
                        throw NotebookError(.syntax, file: file, line: cell.firstLine + offset, error.message)
                    case .success(let substitution) where !names.contains(substitution.name):
                        throw NotebookError(.syntax, file: file, line: cell.firstLine + offset,
                                            "'{{\(substitution.name)}}' names no parameter of this notebook"
                                                + suggestion(substitution.name, among: names))
                    case .success: break
                    }
                }
            }
            for reference in [cell.options.when, cell.options.unless].compactMap({ $0 }) where !names.contains(reference) {
                throw NotebookError(.syntax, file: file, line: cell.fenceLine,
                                    "cell option names parameter '\(reference)', which the parameters block does not declare"
                                        + suggestion(reference, among: names))
            }
        }
        return (blocks, parameters)
    }
}

/// An opening code fence: its character, its length and its info string.
struct Fence {
    var character: Character
    var count: Int
    var info: String

    init?(opening line: String) {
        var rest = Substring(line)
        var indent = 0
        while rest.first == " ", indent < 4 { rest.removeFirst(); indent += 1 }
        guard indent <= 3, let c = rest.first, c == "`" || c == "~" else { return nil }
        let run = rest.prefix { $0 == c }
        guard run.count >= 3 else { return nil }
        let info = rest.dropFirst(run.count)
        if c == "`", info.contains("`") { return nil }
        character = c
        count = run.count
        self.info = info.trimmingSpaces
    }

    func isClosed(by line: String) -> Bool {
        var rest = Substring(line)
        var indent = 0
        while rest.first == " ", indent < 4 { rest.removeFirst(); indent += 1 }
        guard indent <= 3 else { return false }
        let run = rest.prefix { $0 == character }
        return run.count >= count && rest.dropFirst(run.count).trimmingSpaces.isEmpty
    }
}

extension String {
    /// Whether a fence info string opens a ser cell: its first word is `ser` (`ser`, `ser {…}`, `ser parameters`).
    var isSerInfo: Bool {
        guard hasPrefix("ser") else { return false }
        let after = dropFirst(3)
        return after.isEmpty || after.first == " " || after.first == "\t" || after.first == "{"
    }
}

/// The part of a cell's info string after `ser`: `parameters`, and/or `{#label key=value …}`.
struct CellHeader {
    var isParameters = false
    var label: String?
    var options = CellOptions()

    init(info: String, file: String, line: Int) throws(NotebookError) {
        func fail(_ message: String) -> NotebookError { NotebookError(.syntax, file: file, line: line, message) }
        var rest = Substring(info.dropFirst(3)).trimmingSpaces[...]
        var braces: Substring?
        if let open = rest.firstIndex(of: "{") {
            guard rest.last == "}" else { throw fail("cell options start with '{' but do not end with '}'") }
            braces = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
            rest = rest[..<open]
        }
        for word in rest.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            guard word == "parameters" else {
                throw fail("unexpected '\(word)' after 'ser'; a cell is '```ser' or '```ser {#label option=value}', "
                    + "the parameters block '```ser parameters'" + suggestion(String(word), among: ["parameters"]))
            }
            isParameters = true
        }
        guard let braces else { return }
        for token in try Self.tokens(braces, fail: fail) {
            if token.hasPrefix("#") {
                let label = String(token.dropFirst())
                guard !label.isEmpty, label.allSatisfy(isNameCharacter) else {
                    throw fail("'\(token)' is not a valid cell label (letters, digits, '-', '_', '.')")
                }
                guard self.label == nil else { throw fail("a cell has one label; '\(token)' is a second one") }
                self.label = label
                continue
            }
            guard let equals = token.firstIndex(of: "=") else {
                throw fail("expected '#label' or 'option=value' in the cell options, got '\(token)'")
            }
            let key = String(token[..<equals])
            var value = String(token[token.index(after: equals)...])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            switch key {
            case "cache":
                guard let flag = ["true": true, "false": false][value] else {
                    throw fail("cell option 'cache' is true or false, got '\(value)'")
                }
                options.cache = flag
            case "when": options.when = value
            case "unless": options.unless = value
            default:
                throw fail("unknown cell option '\(key)'" + suggestion(key, among: CellOptions.names)
                    + " (options: \(CellOptions.names.joined(separator: ", ")))")
            }
        }
        if isParameters, label != nil || options != CellOptions() {
            throw fail("the parameters block takes no label or options")
        }
    }

    /// Splits `#a key=value key="x y"` at spaces outside double quotes.
    static func tokens(_ text: Substring, fail: (String) -> NotebookError) throws(NotebookError) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inString = false
        for c in text {
            if c == "\"" { inString.toggle() }
            if (c == " " || c == "\t"), !inString {
                if !current.isEmpty { tokens.append(current); current = "" }
            } else {
                current.append(c)
            }
        }
        guard !inString else { throw fail("unterminated string in the cell options") }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}

/// A `{{…}}` substitution in a cell: `{{name}}` is the parameter's value as text; `{{name ? "a" : "b"}}` is
/// `a` when the parameter is set (true, non-empty, nonzero) and `b` otherwise.
struct Substitution: Equatable {
    var name: String
    var choices: (ifSet: String, ifUnset: String)?

    static func == (a: Substitution, b: Substitution) -> Bool {
        a.name == b.name && a.choices?.ifSet == b.choices?.ifSet && a.choices?.ifUnset == b.choices?.ifUnset
    }

    /// Parses the text between `{{` and `}}`; nil when it is neither form.
    init?(_ inner: Substring) {
        let text = inner.trimmingSpaces
        guard let question = text.firstIndex(of: "?") else {
            guard isValidName(text) else { return nil }
            name = text
            return
        }
        name = String(text[..<question]).trimmingSpaces
        guard isValidName(name) else { return nil }
        // "a" : "b"
        var rest = Substring(String(text[text.index(after: question)...]).trimmingSpaces)
        func quoted() -> String? {
            guard rest.first == "\"" else { return nil }
            rest.removeFirst()
            guard let end = rest.firstIndex(of: "\"") else { return nil }
            let value = String(rest[..<end])
            rest = Substring(String(rest[rest.index(after: end)...]).trimmingSpaces)
            return value
        }
        guard let ifSet = quoted(), rest.first == ":" else { return nil }
        rest = Substring(String(rest.dropFirst()).trimmingSpaces)
        guard let ifUnset = quoted(), rest.isEmpty else { return nil }
        choices = (ifSet, ifUnset)
    }

    func text(for value: ParameterValue) -> String {
        guard let choices else { return value.text }
        return value.isSet ? choices.ifSet : choices.ifUnset
    }
}

/// The `{{…}}` substitutions of a line, in order: each parsed one, or the raw text of a malformed one.
func substitutions(in line: String) -> [Result<Substitution, NotebookError>] {
    var found: [Result<Substitution, NotebookError>] = []
    var rest = Substring(line)
    while let open = rest.firstRange(of: "{{") {
        let after = rest[open.upperBound...]
        guard let close = after.firstRange(of: "}}") else { break }
        let inner = after[..<close.lowerBound]
        if let substitution = Substitution(inner) {
            found.append(.success(substitution))
        } else {
            found.append(.failure(NotebookError(.syntax, file: "", "'{{\(inner)}}' is not a substitution; write "
                + "'{{name}}' or '{{name ? \"if set\" : \"if not set\"}}'")))
        }
        rest = after[close.upperBound...]
    }
    return found
}

/// `source` with every `{{name}}` replaced by the parameter's value and every `{{name ? "a" : "b"}}` by `a` or
/// `b`, so a cell can build a path or a title from parameters:
/// `plot confusion r to "{{figures}}/fig3.png" title="EMOVO{{data ? "" : " (demo)"}}"`.
///
/// A parameter is a value, never code: where the substitution stands decides how its value is written, so that
/// no value can end a string or add a statement (`--param 'name=a"; export x to "../elsewhere.wav'`).
/// - Inside a string literal, the value's text with `\`, the string's quote, newlines and tabs escaped.
/// - In code, a literal of the value's type: a number as written (`window={{window}}s` → `2s`), `true`/`false`,
///   a choice as its word (choices are names the notebook declares), `[1, 2]` for a list, and a string or a
///   path as a quoted, escaped string literal.
/// - In a comment, the text with line breaks turned into spaces.
/// The `"a" : "b"` texts come from the notebook itself and are inserted as written.
func substitute(_ source: String, values: [String: ParameterValue]) -> String {
    guard source.contains("{{") else { return source }
    var scanner = LexicalState()
    var out = ""
    func emit<S: StringProtocol>(_ text: S) {
        for c in text { scanner.advance(c) }
        out += text
    }
    var rest = Substring(source)
    while let open = rest.firstRange(of: "{{") {
        let after = rest[open.upperBound...]
        guard let close = after.firstRange(of: "}}") else { break }
        emit(rest[..<open.lowerBound])
        if let substitution = Substitution(after[..<close.lowerBound]), let value = values[substitution.name] {
            if substitution.choices != nil {
                emit(substitution.text(for: value))
            } else {
                emit(scanner.literal(for: value))
            }
        } else {
            emit(rest[open.lowerBound..<close.upperBound])
        }
        rest = after[close.upperBound...]
    }
    emit(rest)
    return out
}

/// Where the ser lexer would be at some point of a cell's text: in code, in a string (and which quote), or in a
/// comment; follows the lexer's rules (strings end on their line, `\` escapes inside them, `#` to the line's end).
struct LexicalState {
    enum Place: Equatable { case code, string(Character), comment }
    var place = Place.code
    private var escaped = false

    mutating func advance(_ c: Character) {
        switch place {
        case .code:
            if c == "\"" || c == "'" { place = .string(c) } else if c == "#" { place = .comment }
        case .string(let quote):
            if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == quote || c == "\n" { place = .code }
        case .comment:
            if c == "\n" { place = .code }
        }
    }

    /// The text that stands for `value` here.
    func literal(for value: ParameterValue) -> String {
        switch place {
        case .string(let quote): return Self.escaped(value.text, quote: quote)
        case .comment: return value.text.map { $0 == "\n" || $0 == "\r" ? " " : String($0) }.joined()
        case .code:
            switch value {
            case .int(let v): return String(v)
            case .number: return value.description
            case .bool(let v): return v ? "true" : "false"
            case .intList(let v): return "[" + v.map(String.init).joined(separator: ", ") + "]"
            case .choice(let word) where !word.isEmpty && word.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }):
                return word
            case .string(let text), .path(let text), .choice(let text):
                return "\"" + Self.escaped(text, quote: "\"") + "\""
            }
        }
    }

    /// `text` as the inside of a string literal opened with `quote`.
    static func escaped(_ text: String, quote: Character) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\": out += "\\\\"
            case quote: out += "\\" + String(quote)
            case "\n", "\r\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out
    }
}
