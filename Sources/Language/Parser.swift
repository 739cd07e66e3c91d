/// Parses tokens into statements.
///
/// ```
/// program    := (statement? separator)* end
/// statement  := [name "="] expression argument*
/// argument   := name "=" expression | "to" expression | expression
/// expression := ["-"] primary postfix*
/// primary    := number | string | name | name "(" arguments ")" | "[" [expression ("," expression)* [","]] "]"
/// postfix    := "." name | "[" expression "]"          (written without a space before "." or "[")
/// ```
///
/// Arguments are separated by spaces, list items by commas. `to PATH` is the same as `to=PATH`
/// (`plot mel x to "mel.png"`).
public struct Parser {
    let source: SourceFile
    let tokens: [Token]
    private var p = 0
    /// Nesting limit for every recursive construct (lists, calls, indexes, member-access chains), so hostile
    /// input cannot exhaust the parser's or the interpreter's stack.
    static let maxDepth = 64

    public init(source: SourceFile, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    /// Lexes and parses a whole source.
    public static func parse(_ source: SourceFile) throws(Diagnostic) -> [Statement] {
        var parser = Parser(source: source, tokens: try Lexer.tokenize(source))
        return try parser.program()
    }

    private var current: Token { tokens[p] }
    private func peek(_ k: Int) -> Token { tokens[min(p + k, tokens.count - 1)] }

    private mutating func advance() -> Token {
        let t = tokens[p]
        if p < tokens.count - 1 { p += 1 }
        return t
    }

    private func error(_ message: String, _ range: SourceRange, notes: [String] = []) -> Diagnostic {
        Diagnostic(message, at: range, in: source, notes: notes)
    }

    private func text(_ t: Token) -> String { source.text(t.range) }

    /// "found …" for a token: its text for punctuation and names, its kind otherwise.
    private func found(_ t: Token) -> String {
        switch t.kind {
        case .identifier: "'\(text(t))'"
        case .number, .string: "\(t.kind.spelling) \(text(t))"
        default: t.kind.spelling
        }
    }

    public mutating func program() throws(Diagnostic) -> [Statement] {
        var statements: [Statement] = []
        while true {
            switch current.kind {
            case .end: return statements
            case .separator: _ = advance()
            default:
                statements.append(try statement())
                switch current.kind {
                case .separator, .end: break
                default: throw error("unexpected \(found(current))", current.range)
                }
            }
        }
    }

    mutating func statement() throws(Diagnostic) -> Statement {
        let first = current
        var target: Identifier?
        if first.kind == .identifier, peek(1).kind == .equals {
            target = Identifier(text(first), first.range)
            _ = advance()
            let eq = advance()
            if isStatementEnd(current.kind) {
                throw error("expected a command or a value after '='", SourceRange(eq.range.end, eq.range.end + 1))
            }
        } else if first.kind == .equals {
            throw error("expected a name before '='", first.range)
        }
        let head = try expression(depth: 0)
        var arguments: [CallArgument] = []
        while !isStatementEnd(current.kind) {
            arguments.append(try argument(depth: 0, inCall: false))
        }
        let end = arguments.last?.range.end ?? head.range.end
        return Statement(target: target, head: head, arguments: arguments,
                         range: SourceRange(target?.range.start ?? head.range.start, end))
    }

    private func isStatementEnd(_ kind: TokenKind) -> Bool {
        kind == .separator || kind == .end
    }

    mutating func argument(depth: Int, inCall: Bool) throws(Diagnostic) -> CallArgument {
        let t = current
        switch t.kind {
        case .identifier where peek(1).kind == .equals:
            let label = Identifier(text(t), t.range)
            _ = advance()
            let eq = advance()
            switch current.kind {
            case .separator, .end, .comma, .rightParen, .rightBracket, .equals:
                throw error("expected a value after '\(label.name)='", SourceRange(eq.range.end, eq.range.end + 1))
            default:
                return CallArgument(label: label, value: try expression(depth: depth))
            }
        case .identifier where !inCall && text(t) == "to" && startsExpression(peek(1).kind):
            _ = advance()
            return CallArgument(label: Identifier("to", t.range), value: try expression(depth: depth))
        case .equals:
            throw error("unexpected '='; only a name can be given a value, as in epochs=200", t.range)
        case .comma where !inCall:
            throw error("unexpected ','; arguments are separated by spaces (commas separate list items)", t.range)
        default:
            let value = try expression(depth: depth)
            if current.kind == .equals {
                throw error("only a name can be given a value with '=', not \(value.kind.spelling)", current.range)
            }
            return CallArgument(value: value)
        }
    }

    private func startsExpression(_ kind: TokenKind) -> Bool {
        switch kind {
        case .identifier, .number, .string, .leftBracket, .minus: true
        default: false
        }
    }

    mutating func expression(depth: Int) throws(Diagnostic) -> Expression {
        if depth > Parser.maxDepth {
            throw error("expression nested too deeply (more than \(Parser.maxDepth) levels)", current.range)
        }
        var base = try primary(depth: depth)
        // Postfix: only when glued to what precedes it (`s.test`, `c["x"]`), so that `show a [1, 2]` is two arguments.
        // Each member access or index nests the tree one level deeper (`a.b.c` is `member(member(a, b), c)`),
        // and the interpreter recurses through it: chains count against the same limit as brackets.
        var links = 0
        while true {
            let t = current
            guard t.range.start == base.range.end else { return base }
            if t.kind == .dot || t.kind == .leftBracket {
                links += 1
                if depth + links > Parser.maxDepth {
                    throw error("expression nested too deeply (more than \(Parser.maxDepth) member accesses, indexes and brackets)", t.range)
                }
            }
            switch t.kind {
            case .dot:
                _ = advance()
                let m = current
                guard m.kind == .identifier, m.range.start == t.range.end else {
                    throw error("expected a member name after '.', found \(found(m))", m.kind == .end || m.kind == .separator ? SourceRange(t.range.end, t.range.end + 1) : m.range)
                }
                _ = advance()
                base = Expression(.member(base, Identifier(text(m), m.range)), base.range.union(m.range))
            case .leftBracket:
                let open = advance()
                if current.kind == .rightBracket {
                    throw error("expected an index inside '[]'", current.range)
                }
                let index = try expression(depth: depth + links)
                guard current.kind == .rightBracket else {
                    throw error("expected ']' to close the index, found \(found(current))", current.range,
                                notes: ["the index opened at column \(source.location(of: open.range.start).column)"])
                }
                let close = advance()
                base = Expression(.index(base, index), base.range.union(close.range))
            default:
                return base
            }
        }
    }

    mutating func primary(depth: Int) throws(Diagnostic) -> Expression {
        let t = current
        switch t.kind {
        case .number(let v, let unit):
            _ = advance()
            return Expression(.number(v, unit), t.range)
        case .string(let s):
            _ = advance()
            return Expression(.string(s), t.range)
        case .minus:
            _ = advance()
            let n = current
            guard case .number(let v, let unit) = n.kind, n.range.start == t.range.end else {
                throw error("expected a number after '-', found \(found(n))", n.kind == .end || n.kind == .separator ? t.range : n.range)
            }
            _ = advance()
            return Expression(.number(-v, unit), t.range.union(n.range))
        case .identifier:
            _ = advance()
            let name = Identifier(text(t), t.range)
            if current.kind == .leftParen, current.range.start == t.range.end {
                return try call(name, depth: depth + 1)
            }
            return Expression(.name(name.name), t.range)
        case .leftBracket:
            return try list(depth: depth + 1)
        case .rightBracket, .rightParen:
            throw error("unexpected \(found(t)) with nothing open", t.range)
        case .leftParen:
            throw error("expected a value, found '('; verbs do not nest: name the inner result first (x = verb …)", t.range)
        default:
            throw error("expected a value, found \(found(t))", t.range)
        }
    }

    private mutating func list(depth: Int) throws(Diagnostic) -> Expression {
        if depth > Parser.maxDepth {
            throw error("expression nested too deeply (more than \(Parser.maxDepth) levels)", current.range)
        }
        let open = advance()
        var items: [Expression] = []
        while true {
            if current.kind == .rightBracket {
                let close = advance()
                return Expression(.list(items), open.range.union(close.range))
            }
            if isStatementEnd(current.kind) {
                throw error("unterminated list: expected ']'", open.range)
            }
            items.append(try expression(depth: depth))
            switch current.kind {
            case .comma: _ = advance()
            case .rightBracket: continue
            case .end, .separator: throw error("unterminated list: expected ']'", open.range)
            default:
                throw error("expected ',' or ']' in list, found \(found(current))", current.range)
            }
        }
    }

    private mutating func call(_ name: Identifier, depth: Int) throws(Diagnostic) -> Expression {
        if depth > Parser.maxDepth {
            throw error("expression nested too deeply (more than \(Parser.maxDepth) levels)", current.range)
        }
        let open = advance()
        var args: [CallArgument] = []
        while true {
            if current.kind == .rightParen {
                let close = advance()
                return Expression(.call(name, args), name.range.union(close.range))
            }
            if isStatementEnd(current.kind) {
                throw error("unterminated call: expected ')'", open.range)
            }
            args.append(try argument(depth: depth, inCall: true))
            switch current.kind {
            case .comma: _ = advance()
            case .rightParen: continue
            case .end, .separator: throw error("unterminated call: expected ')'", open.range)
            default:
                throw error("expected ',' or ')' in '\(name.name)(…)', found \(found(current))", current.range)
            }
        }
    }
}

extension Expression.Kind {
    /// How a kind of expression is named in messages.
    var spelling: String {
        switch self {
        case .number: "a number"
        case .string: "a string"
        case .name: "a name"
        case .list: "a list"
        case .member: "a member access"
        case .index: "an index"
        case .call: "a call"
        }
    }
}
