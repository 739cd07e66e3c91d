import Foundation

import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The interpreter: runs one statement against the session.
extension Session {
    func run(_ statement: Statement, in source: SourceFile, into out: inout Execution) throws(Diagnostic) {
        func fail(_ message: String, _ range: SourceRange, notes: [String] = []) -> Diagnostic {
            Diagnostic(message, at: range, in: source, notes: notes)
        }
        if let target = statement.target, registry.isVerb(target.name) {
            throw fail("'\(target.name)' is a verb and cannot name a value", target.range)
        }
        let result: Value?
        lastCallWasCached = false
        let verb: String? = if case .name(let head) = statement.head.kind, registry.isVerb(head) { head } else { nil }
        if let verb {
            result = try call(verb, headRange: statement.head.range, statement.arguments, source: source, into: &out)
        } else {
            if case .name(let head) = statement.head.kind, values[head] == nil, !statement.arguments.isEmpty {
                let s = suggestion(head, among: registry.families)
                throw fail("unknown verb '\(head)'\(s)", statement.head.range,
                           notes: s.isEmpty ? ["'help' lists the verbs"] : [])
            }
            if let first = statement.arguments.first {
                throw fail("unexpected argument after a value; a statement is [name =] verb arguments", first.range)
            }
            result = try evaluate(statement.head, in: source)
        }
        guard let value = result else { return }
        let cached = lastCallWasCached
        if let target = statement.target {
            bind(target.name, value)
            if cached { cachedNames.insert(target.name) }
            out.bound.append(target.name)
            out.append("\(target.name) = \(value.summary)" + (cached && showsCacheHits ? " (cached)" : ""))
            return
        }
        // An unnamed result is `_` (as in IPython), so it can be named or used afterwards: `r = _`.
        bind("_", value)
        if cached { cachedNames.insert("_") }
        if case .figure(let figure) = value.payload {
            // A plot verb already said where it wrote the figure; a name (`_`, `fig`) shows it again.
            if verb == nil {
                out.append(value.summary)
                out.figures.append(figure.path)
            }
        } else if value.type == .number || value.type == .string {
            out.append(value.summary)
        } else {
            out.append(value.describe().markdown() + (cached && showsCacheHits ? "\n\n(cached)" : ""))
        }
    }

    // MARK: Verbs

    /// Resolves the verb (and its kind), binds and checks the arguments, runs the body through the cache.
    private func call(_ family: String, headRange: SourceRange, _ arguments: [CallArgument], source: SourceFile,
                      into out: inout Execution) throws(Diagnostic) -> Value? {
        var arguments = arguments
        var verbRange = headRange
        let verb: Verb
        if let plain = registry.verb(family) {
            verb = plain
        } else {
            let kinds = registry.kinds(of: family)
            guard let first = arguments.first, first.label == nil, case .name(let kind) = first.value.kind else {
                let at = arguments.first?.range ?? SourceRange(headRange.end, headRange.end + 1)
                throw Diagnostic("'\(family)' needs a kind first: one of \(kinds.joined(separator: ", "))", at: at, in: source)
            }
            guard let v = registry.verb("\(family) \(kind)") else {
                throw Diagnostic("unknown kind '\(kind)' for '\(family)'\(suggestion(kind, among: kinds)) (kinds: \(kinds.joined(separator: ", ")))",
                                 at: first.range, in: source)
            }
            verb = v
            verbRange = headRange.union(first.range)
            arguments.removeFirst()
        }
        let (bound, ranges) = try bind(arguments, to: verb, verbRange: verbRange, source: source)

        // The recipe: what the result's hash (and cache key) is made of.
        var recipe = "ser \(serVersion)\nverb=\(verb.name)\n"
        for p in verb.parameters {
            guard let b = bound[p.name] else { continue }
            var line = b.canonical
            if p.type == .path, case .text(let path) = b { line += fileStamp(path) }
            recipe += "\(p.name)=\(line)\n"
        }
        if verb.seeded, ranges["seed"] == nil { recipe += "seed=\(seed)\n" }
        let key = CacheKey(verb: verb.name, recipe: recipe)
        let invocation = Call(verb: verb, session: self, arguments: bound, given: Set(ranges.keys), resultHash: key.hash)

        if verb.cached, let cache {
            do {
                if let bytes = try cache.lookup(key) {
                    do {
                        let value = try ValueCoder.decode(bytes)
                        countCache(hit: true)
                        lastCallWasCached = true
                        return value
                    } catch {
                        out.append("warning: the cached result of '\(verb.name)' cannot be decoded (\(userMessage(error))); recomputed and replaced")
                    }
                }
            } catch {
                out.append("warning: \(userMessage(error))")
            }
        }
        let outcome: Outcome
        do {
            outcome = try verb.body(invocation)
        } catch let error as Diagnostic {
            throw error
        } catch let error as VerbFailure {
            let at = error.argument.flatMap { ranges[$0] } ?? verbRange
            throw Diagnostic(error.message, at: at, in: source)
        } catch is Cancelled {
            progressSink(nil)
            throw Diagnostic("'\(verb.name)' cancelled (Ctrl-C)", at: verbRange, in: source)
        } catch {
            progressSink(nil)
            throw Diagnostic("\(verb.name): \(userMessage(error))", at: verbRange, in: source)
        }
        progressSink(nil)
        for line in invocation.text { out.append(line) }
        out.figures += invocation.figures
        guard case .value(let value) = outcome else { return nil }
        // A result cut short by Ctrl-C (training keeps its best weights so far) is not what the recipe makes.
        if verb.cached, let cache, !cancellation.isRequested {
            countCache(hit: false)
            do { try cache.store(try ValueCoder.encode(value), for: key) } catch {
                out.append("warning: could not cache the result of '\(verb.name)': \(userMessage(error))")
            }
        }
        return value
    }

    /// `build/figures/mel-x.png` for `plot mel x`: the folder, the kind, and the first argument as written
    /// (reduced to letters, digits, `-` and `_`).
    private func defaultFigurePath(verb: Verb, arguments: [CallArgument], folder: String, source: SourceFile) -> String {
        let kind = verb.name.split(separator: " ").last.map(String.init) ?? verb.name
        var name = kind
        if let first = arguments.first(where: { $0.label == nil }) {
            var subject = ""
            for c in source.text(first.value.range) {
                if c.isLetter || c.isNumber || c == "-" || c == "_" { subject.append(c) } else if subject.last != "-" { subject.append("-") }
            }
            subject = String(subject.trimmingCharacters(in: CharacterSet(charactersIn: "-")).prefix(60))
            if !subject.isEmpty { name += "-" + subject }
        }
        return (folder.hasSuffix("/") ? folder : folder + "/") + name + ".png"
    }

    /// Size and modification time of a file, so a cache key changes when the file does.
    private func fileStamp(_ path: String) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return "" }
        return "@\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
    }

    /// Matches arguments to parameters: positional in order, then by name; checks types; fills defaults.
    private func bind(_ arguments: [CallArgument], to verb: Verb, verbRange: SourceRange,
                      source: SourceFile) throws(Diagnostic) -> ([String: Bound], [String: SourceRange]) {
        var bound: [String: Bound] = [:]
        var ranges: [String: SourceRange] = [:]
        let positional = verb.parameters.filter(\.positional)
        var nextPositional = 0
        for arg in arguments {
            let parameter: Parameter
            if let label = arg.label {
                guard let p = verb.parameters.first(where: { $0.name == label.name }) else {
                    let names = verb.parameters.map(\.name)
                    throw Diagnostic("unknown option '\(label.name)' for '\(verb.name)'\(suggestion(label.name, among: names))",
                                     at: label.range, in: source,
                                     notes: ["'\(verb.name)' takes: \(names.isEmpty ? "no arguments" : names.joined(separator: ", "))"])
                }
                parameter = p
            } else {
                while nextPositional < positional.count, ranges[positional[nextPositional].name] != nil { nextPositional += 1 }
                guard nextPositional < positional.count else {
                    let hint = positional.isEmpty ? "'\(verb.name)' takes no positional arguments" :
                        "'\(verb.name)' takes \(positional.count) positional: \(positional.map(\.name).joined(separator: ", "))"
                    throw Diagnostic("too many arguments for '\(verb.name)'", at: arg.range, in: source,
                                     notes: [hint, "usage: \(verb.usage)"])
                }
                parameter = positional[nextPositional]
                nextPositional += 1
            }
            if ranges[parameter.name] != nil {
                throw Diagnostic("'\(parameter.name)' is given twice", at: arg.range, in: source)
            }
            bound[parameter.name] = try coerce(arg.value, to: parameter.type, for: parameter, verb: verb, source: source)
            ranges[parameter.name] = arg.range
        }
        for p in verb.parameters where bound[p.name] == nil {
            if let d = p.defaultValue {
                bound[p.name] = d
            } else if p.name == "to", p.type == .path, verb.result == .figure, let folder = figureFolder {
                bound[p.name] = .text(defaultFigurePath(verb: verb, arguments: arguments, folder: folder, source: source))
            } else if p.isRequired {
                let at = arguments.last.map { SourceRange($0.range.end, $0.range.end + 1) } ?? SourceRange(verbRange.end, verbRange.end + 1)
                throw Diagnostic("missing argument '\(p.name)' for '\(verb.name)': expected \(p.type.spelling)",
                                 at: at, in: source, notes: ["usage: \(verb.usage)"])
            }
        }
        return (bound, ranges)
    }

    /// Checks an expression against a parameter type.
    private func coerce(_ expr: Expression, to type: ParameterType, for parameter: Parameter, verb: Verb,
                        source: SourceFile) throws(Diagnostic) -> Bound {
        func mismatch(_ given: String) -> Diagnostic {
            Diagnostic("'\(parameter.name)' of '\(verb.name)' expects \(type.spelling), given \(given)", at: expr.range, in: source)
        }
        func emptyList() -> Diagnostic {
            Diagnostic("'\(parameter.name)' of '\(verb.name)' needs at least one item, given an empty list", at: expr.range, in: source)
        }
        switch type {
        case .word(let words):
            let word: String
            switch expr.kind {
            case .name(let w): word = w
            case .string(let w): word = w
            default: throw mismatch(describeGiven(expr))
            }
            guard words.contains(word) else {
                throw Diagnostic("'\(parameter.name)' of '\(verb.name)' expects \(type.spelling), given '\(word)'\(suggestion(word, among: words))",
                                 at: expr.range, in: source)
            }
            return .text(word)
        case .string where { if case .name(let n) = expr.kind { values[n] == nil && !registry.isVerb(n) } else { false } }():
            // A bare word where a string is expected is that word (`label=emotion`, `by=speaker`).
            guard case .name(let n) = expr.kind else { throw mismatch(describeGiven(expr)) }
            return .text(n)
        case .verbName:
            let word: String
            switch expr.kind {
            case .name(let w): word = w
            case .string(let w): word = w
            default: throw mismatch(describeGiven(expr))
            }
            guard registry.isVerb(word) || registry.verb(word) != nil else {
                throw Diagnostic("unknown verb '\(word)'\(suggestion(word, among: registry.families))", at: expr.range, in: source)
            }
            return .text(word)
        case .bool:
            if case .name(let w) = expr.kind, w == "true" || w == "false" { return .bool(w == "true") }
            throw mismatch(describeGiven(expr))
        case .layer:
            guard case .call(let name, let args) = expr.kind else { throw mismatch(describeGiven(expr)) }
            var positional: [Bound] = []
            var named: [String: Bound] = [:]
            for a in args {
                let b: Bound
                switch a.value.kind {
                case .number(let v, let u): b = .number(v, u)
                case .string(let s), .name(let s): b = .text(s)
                case .list(let items):
                    var list: [Bound] = []
                    for item in items {
                        guard case .number(let v, let u) = item.kind else {
                            throw Diagnostic("layer arguments are numbers, words or strings", at: item.range, in: source)
                        }
                        list.append(.number(v, u))
                    }
                    b = .list(list)
                default: throw Diagnostic("layer arguments are numbers, words or strings", at: a.value.range, in: source)
                }
                if let label = a.label {
                    if named[label.name] != nil { throw Diagnostic("'\(label.name)' is given twice", at: label.range, in: source) }
                    named[label.name] = b
                } else {
                    positional.append(b)
                }
            }
            return .layer(name.name, positional, named)
        case .list(let item):
            if case .list(let items) = expr.kind {
                guard !items.isEmpty || parameter.allowsEmptyList else { throw emptyList() }
                var out: [Bound] = []
                for i in items { out.append(try coerce(i, to: item, for: parameter, verb: verb, source: source)) }
                return .list(out)
            }
            if case .name(let n) = expr.kind, let v = values[n], case .list(let items) = v.payload {
                guard !items.isEmpty || parameter.allowsEmptyList else { throw emptyList() }
                var out: [Bound] = []
                for i in items { out.append(try bound(i, as: item, given: "'\(n)'", expr: expr, parameter: parameter, verb: verb, source: source)) }
                return .list(out)
            }
            return .list([try coerce(expr, to: item, for: parameter, verb: verb, source: source)])
        default:
            if case .name(let n) = expr.kind, values[n] == nil, !registry.isVerb(n) {
                if case .value = type {} else {
                    // A scalar was expected and a bare word given: say so, rather than "unknown name".
                    throw Diagnostic("'\(parameter.name)' of '\(verb.name)' expects \(type.spelling), given the word '\(n)'\(suggestion(n, among: order))",
                                     at: expr.range, in: source)
                }
            }
            let value = try evaluate(expr, in: source)
            return try bound(value, as: type, given: describeGiven(expr, value), expr: expr, parameter: parameter, verb: verb, source: source)
        }
    }

    /// Checks an evaluated value against a scalar or value parameter type.
    private func bound(_ value: Value, as type: ParameterType, given: String, expr: Expression, parameter: Parameter,
                       verb: Verb, source: SourceFile) throws(Diagnostic) -> Bound {
        func mismatch() -> Diagnostic {
            Diagnostic("'\(parameter.name)' of '\(verb.name)' expects \(type.spelling), given \(given)", at: expr.range, in: source)
        }
        func outOfRange(_ what: String) -> Diagnostic {
            Diagnostic("'\(parameter.name)' of '\(verb.name)' must be \(what), given \(given)", at: expr.range, in: source)
        }
        switch type {
        case .number:
            guard case .number(let v, .none) = value.payload else { throw mismatch() }
            return .number(v, .none)
        case .integer(let r):
            guard case .number(let v, .none) = value.payload, v == v.rounded() else { throw mismatch() }
            guard v >= Double(r.lowerBound), v <= Double(r.upperBound) else { throw outOfRange(type.spelling) }
            return .number(v, .none)
        case .fraction:
            guard case .number(let v, let u) = value.payload, u == .none || u == .percent else { throw mismatch() }
            guard v >= 0, v <= 1 else { throw outOfRange("between 0% and 100%") }
            return .number(v, .percent)
        case .duration:
            guard case .number(let v, .seconds) = value.payload else { throw mismatch() }
            guard v > 0 else { throw outOfRange("a positive duration") }
            guard v <= 1_000_000 else { throw outOfRange("at most 1000000 s") }
            return .number(v, .seconds)
        case .frequency:
            guard case .number(let v, let u) = value.payload, u == .none || u == .hertz else { throw mismatch() }
            guard v > 0 else { throw outOfRange("a positive frequency") }
            guard v <= 1e9 else { throw outOfRange("at most 1 GHz") }
            return .number(v, .hertz)
        case .string:
            guard case .string(let s) = value.payload else { throw mismatch() }
            return .text(s)
        case .path:
            guard case .string(let s) = value.payload else { throw mismatch() }
            guard !s.isEmpty else { throw outOfRange("a non-empty path") }
            return .text(Files.expandingTilde(s))
        case .value(let types):
            guard types.contains(value.type) else { throw mismatch() }
            return .value(value)
        case .word, .bool, .list, .layer, .verbName:
            throw mismatch()
        }
    }

    /// "the number 3", "'emovo' (a corpus)", "the string \"x\"" for type errors.
    private func describeGiven(_ expr: Expression, _ value: Value? = nil) -> String {
        switch expr.kind {
        case .number(let v, let u): return "the number \(formatUnit(v, u).replacingOccurrences(of: " ", with: ""))"
        case .string(let s): return "the string \"\(s)\""
        case .list: return "a list"
        case .call(let n, _): return "the call \(n.name)(…)"
        case .name(let n):
            if let v = value ?? values[n] { return "'\(n)' (\(v.type.withArticle))" }
            return "the word '\(n)'"
        case .member, .index:
            if let value { return value.type.withArticle }
            return expr.kind.spelling
        }
    }

    // MARK: Expressions

    /// The value of an expression: literals, session names, member access and indexing.
    func evaluate(_ expr: Expression, in source: SourceFile) throws(Diagnostic) -> Value {
        switch expr.kind {
        case .number(let v, let u): return .number(v, u)
        case .string(let s): return .string(s)
        case .list(let items):
            var out: [Value] = []
            for i in items { out.append(try evaluate(i, in: source)) }
            return .list(out)
        case .name(let n):
            if let v = values[n] { return v }
            if registry.isVerb(n) {
                throw Diagnostic("'\(n)' is a verb, not a value; 'help \(n)' shows its arguments", at: expr.range, in: source)
            }
            let s = suggestion(n, among: order)
            throw Diagnostic("unknown name '\(n)'\(s)", at: expr.range, in: source,
                             notes: s.isEmpty && !order.isEmpty ? ["session values: \(order.joined(separator: ", "))"] : [])
        case .member(let base, let member):
            let b = try evaluate(base, in: source)
            let members = Members.names(of: b)
            guard let v = Members.member(member.name, of: b) else {
                let list = members.isEmpty ? "\(b.type.withArticle) has no members" : "members of \(b.type.withArticle): \(members.joined(separator: ", "))"
                throw Diagnostic("\(b.type.withArticle) has no member '\(member.name)'\(suggestion(member.name, among: members))",
                                 at: member.range, in: source, notes: [list])
            }
            return v
        case .index(let base, let index):
            let b = try evaluate(base, in: source)
            let i = try evaluate(index, in: source)
            do { return try Members.index(b, by: i) } catch {
                throw Diagnostic(error.message, at: index.range, in: source)
            }
        case .call(let name, _):
            throw Diagnostic("'\(name.name)(…)' is a layer and only makes sense in a model's layers=[…]", at: expr.range, in: source)
        }
    }
}
