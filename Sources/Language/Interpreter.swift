import Foundation

import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A statement after pass 1 (`Session.plan`): its arguments bound and checked, its result's hash known and
/// its work decided; pass 2 (`Session.finish`) waits for that work in statement order, prints and binds.
struct Step {
    enum Work {
        /// A value made in pass 1: a literal or member, an immediate verb's result, or a deferred value.
        /// `lines` are what its verb printed: known now, or nil for a deferred value whose computation
        /// gives them. `cached`: served by the cache.
        case value(Value, lines: [String]?, cached: Bool = false)
        /// A verb run in pass 2, in order (show, plot, save, seed…).
        case run(Prepared)
        /// An immediate verb that made no value: what it printed.
        case printed([String])
    }

    var statement: Statement
    var work: Work
    /// Whether planning must stop after this statement (it changes the session, or files later statements read).
    var endsPlanning: Bool

    /// The value later statements of the same group see under the target's name (nil: not known before pass 2).
    var provisional: Value? {
        if case .value(let v, _, _) = work { return v }
        return nil
    }

    /// The computation pass 2 waits for, if it was started in pass 1.
    var started: Deferred? {
        if case .value(let v, nil, _) = work { return v.deferred }
        return nil
    }
}

/// A verb call whose arguments are bound and checked, ready to run.
struct Prepared {
    var verb: Verb
    var invocation: Call
    var key: CacheKey
    var placement: Placement
}

/// Where a call is written, to place the diagnostics of its run.
struct Placement: Sendable {
    var verbName: String
    var ranges: [String: SourceRange]
    var verbRange: SourceRange
    var statementRange: SourceRange
    var source: SourceFile

    /// A verb body's error as a diagnostic: at the argument it names, or at the verb.
    func diagnostic(_ error: any Error) -> Diagnostic {
        switch error {
        case let error as Diagnostic: return error
        case let error as VerbFailure:
            let at = error.argument.flatMap { ranges[$0] } ?? verbRange
            return Diagnostic(error.message, at: at, in: source)
        case is Cancelled: return Diagnostic("'\(verbName)' cancelled (Ctrl-C)", at: verbRange, in: source)
        case let error as DeferredFailure: return Diagnostic(error.description, at: verbRange, in: source)
        default: return Diagnostic("\(verbName): \(userMessage(error))", at: verbRange, in: source)
        }
    }

    /// `'feats' (notebook.md:12)`, naming a deferred value in messages.
    func origin(_ target: Identifier?) -> String {
        "'\(target?.name ?? verbName)' (\(source.name):\(source.location(of: statementRange.start).line))"
    }
}

/// The interpreter: plans and finishes statements against the session.
extension Session {
    /// Pass 1: checks the statement and decides its work. Immediate verbs run here; deferred ones bind a
    /// deferred value (a computation the cache does not hold starts on its own thread at once).
    func plan(_ statement: Statement, in source: SourceFile) throws(Diagnostic) -> Step {
        func fail(_ message: String, _ range: SourceRange, notes: [String] = []) -> Diagnostic {
            Diagnostic(message, at: range, in: source, notes: notes)
        }
        if let target = statement.target, registry.isVerb(target.name) {
            throw fail("'\(target.name)' is a verb and cannot name a value", target.range)
        }
        if isVerbCall(statement), case .name(let head) = statement.head.kind {
            let prepared = try prepare(head, statement: statement, source: source)
            switch prepared.verb.scheduling {
            case .deferred where prepared.verb.result != nil:
                return Step(statement: statement, work: deferredValue(prepared, target: statement.target), endsPlanning: false)
            case .immediate where prepared.verb.result != nil:
                // Runs now (reading a folder, a file): later statements of the group may need its value.
                var lines: [String] = []
                var figures: [String] = []
                var cached = false
                guard let value = try perform(prepared, lines: &lines, figures: &figures, cached: &cached) else {
                    return Step(statement: statement, work: .printed(lines), endsPlanning: true)
                }
                return Step(statement: statement, work: .value(value, lines: lines, cached: cached), endsPlanning: false)
            case .output:
                return Step(statement: statement, work: .run(prepared), endsPlanning: statement.target != nil)
            case .deferred, .immediate, .session:
                return Step(statement: statement, work: .run(prepared), endsPlanning: true)
            }
        }
        if case .name(let head) = statement.head.kind, values[head] == nil, !statement.arguments.isEmpty {
            let s = suggestion(head, among: registry.families)
            throw fail("unknown verb '\(head)'\(s)", statement.head.range,
                       notes: s.isEmpty ? ["'help' lists the verbs"] : [])
        }
        if let first = statement.arguments.first {
            throw fail("unexpected argument after a value; a statement is [name =] verb arguments", first.range)
        }
        return Step(statement: statement, work: .value(try evaluate(statement.head, in: source), lines: []), endsPlanning: false)
    }

    /// Whether the statement calls a verb (rather than naming or computing a value).
    private func isVerbCall(_ statement: Statement) -> Bool {
        if case .name(let head) = statement.head.kind { registry.isVerb(head) } else { false }
    }

    /// Pass 2: waits for (or runs) the statement's work, prints its output and binds its target. An unnamed
    /// result is bound to `_` (as in IPython), so it can be named or used afterwards: `r = _`.
    func finish(_ step: Step, in source: SourceFile, into out: inout Execution) throws(Diagnostic) {
        let statement = step.statement
        var made: Value?
        var cached = false
        switch step.work {
        case .value(var value, var lines, let fromCache):
            cached = fromCache
            if let d = value.deferred, lines == nil || d.summary == nil {
                // Its verb's lines (and, without a cache note, its summary) come with its computation.
                let computed: Deferred.Computed
                do { computed = try d.result() } catch {
                    if let diagnostic = error as? Diagnostic { throw diagnostic }
                    throw Diagnostic(DeferredFailure.message(of: error), at: statement.range, in: source)
                }
                lines = lines ?? computed.lines
                value = Value(computed.payload, hash: value.hash)
            }
            for line in lines ?? [] { out.append(line) }
            made = value
        case .run(let prepared):
            var lines: [String] = []
            made = try perform(prepared, lines: &lines, figures: &out.figures, cached: &cached)
            for line in lines { out.append(line) }
        case .printed(let lines):
            for line in lines { out.append(line) }
        }
        guard var value = made else { return }
        let note = cached && showsCacheHits
        if let target = statement.target {
            bind(target.name, value)
            if cached { cachedNames.insert(target.name) }
            out.bound.append(target.name)
            out.append("\(target.name) = \(value.knownSummary ?? value.summary)" + (note ? " (cached)" : ""))
            return
        }
        bind("_", value)
        if cached { cachedNames.insert("_") }
        do { value = try value.forced() } catch {
            throw Diagnostic(error.description, at: statement.range, in: source)
        }
        if case .figure(let figure) = value.payload {
            // A plot verb already said where it wrote the figure; a name (`_`, `fig`) shows it again.
            if !isVerbCall(statement) {
                out.append(value.summary)
                out.figures.append(figure.path)
            }
        } else if value.type == .number || value.type == .string {
            out.append(value.summary)
        } else {
            out.append(value.describe().markdown() + (note ? "\n\n(cached)" : ""))
        }
    }

    // MARK: Verbs

    /// Resolves the verb (and its kind), binds and checks the arguments, and makes its cache key.
    private func prepare(_ family: String, statement: Statement, source: SourceFile) throws(Diagnostic) -> Prepared {
        let headRange = statement.head.range
        var arguments = statement.arguments
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
        return Prepared(verb: verb, invocation: invocation, key: key,
                        placement: Placement(verbName: verb.name, ranges: ranges, verbRange: verbRange,
                                             statementRange: statement.range, source: source))
    }

    /// Runs a prepared call now, through the cache (`cached`: served by it); its arguments' deferred values
    /// are computed first.
    private func perform(_ p: Prepared, lines: inout [String], figures: inout [String], cached: inout Bool) throws(Diagnostic) -> Value? {
        let verb = p.verb
        var warnings: [String] = []
        let found = verb.cached ? cache.flatMap { Self.cachedValue(p.key, verb: verb, in: $0, warnings: &warnings) } : nil
        lines += routeCacheWarnings(warnings)
        if let value = found {
            countCache(hit: true)
            cached = true
            return value
        }
        let invocation: Call
        let outcome: Outcome
        do {
            invocation = try p.invocation.forcingArguments()
            outcome = try verb.body(invocation)
        } catch {
            progressSink(nil)
            throw p.placement.diagnostic(error)
        }
        progressSink(nil)
        lines += invocation.text
        figures += invocation.figures
        guard case .value(let value) = outcome else { return nil }
        // A result cut short by Ctrl-C (training keeps its best weights so far) is not what the recipe makes.
        if verb.cached, let cache, !cancellation.isRequested {
            countCache(hit: false)
            do { try cache.store(try ValueCoder.encode(value), for: p.key) } catch {
                lines += routeCacheWarnings(["warning: could not cache the result of '\(verb.name)': \(userMessage(error))"])
            }
        }
        return value
    }

    /// The value cached under `key`, or nil: a miss, or an entry that is damaged or cannot be decoded as a
    /// value of the verb's result type — said in `warnings` (the value is then recomputed and replaces it).
    static func cachedValue(_ key: CacheKey, verb: Verb, in cache: any ValueCache, warnings: inout [String]) -> Value? {
        let bytes: [UInt8]
        do {
            guard let found = try cache.lookup(key) else { return nil }
            bytes = found
        } catch {
            warnings.append("warning: \(userMessage(error))")
            return nil
        }
        do {
            let value = try ValueCoder.decode(bytes)
            if let type = verb.result, value.type != type {
                warnings.append("warning: the cached result of '\(verb.name)' is \(value.type.rawValue), not \(type.rawValue); recomputed and replaced")
                return nil
            }
            return value
        } catch {
            warnings.append("warning: the cached result of '\(verb.name)' cannot be decoded (\(userMessage(error))); recomputed and replaced")
            return nil
        }
    }

    /// The value of a deferred verb's statement: from the cache's note when it has one (nothing computed or
    /// read until something needs the payload), else a computation — begun at once for a cached verb (the
    /// expensive ones), so that independent statements of a group run side by side. A damaged entry (value
    /// or note) is said as a warning among the statement's lines, and replaced.
    private func deferredValue(_ p: Prepared, target: Identifier?) -> Step.Work {
        let verb = p.verb, key = p.key, cache = self.cache, type = verb.result!
        let origin = p.placement.origin(target)
        let placement = p.placement
        let invocation = Unchecked(p.invocation)
        let session = Unchecked(self)
        let cacheBox = Unchecked(cache)
        let compute: @Sendable ([String]) throws -> Deferred.Computed = { earlier in
            // `earlier` (the note's) were routed when found; the value's own are routed here.
            var fresh: [String] = []
            let found = verb.cached ? cacheBox.value.flatMap { Self.cachedValue(key, verb: verb, in: $0, warnings: &fresh) } : nil
            let warnings = earlier + session.value.routeCacheWarnings(fresh)
            if let value = found, let cache = cacheBox.value {
                // An entry without a note (made by an older ser, or a damaged note): served, and noted for next time.
                session.value.countCache(hit: true)
                try? cache.store(CacheNote(type: type, summary: value.summary, lines: []).encoded, for: CacheNote.key(for: key))
                return Deferred.Computed(payload: value.payload, lines: warnings)
            }
            let call: Call
            let outcome: Outcome
            do {
                call = try invocation.value.forcingArguments()
                outcome = try verb.body(call)
            } catch {
                invocation.value.progress(nil)
                throw placement.diagnostic(error)
            }
            call.progress(nil)
            guard case .value(let value) = outcome else {
                throw placement.diagnostic(VerbFailure("'\(verb.name)' made no value"))
            }
            var lines = call.text
            var noted = lines
            // A result cut short by Ctrl-C (training keeps its best weights so far) is not what the recipe makes.
            if let cache = cacheBox.value, !session.value.cancellation.isRequested {
                if verb.cached {
                    session.value.countCache(hit: false)
                    do { try cache.store(try ValueCoder.encode(value), for: key) } catch {
                        lines += session.value.routeCacheWarnings(["warning: could not cache the result of '\(verb.name)': \(userMessage(error))"])
                        noted = lines
                    }
                }
                try? cache.store(CacheNote(type: value.type, summary: value.summary, lines: noted).encoded, for: CacheNote.key(for: key))
            }
            return Deferred.Computed(payload: value.payload, lines: warnings + lines)
        }
        var noteWarnings: [String] = []
        if let cache {
            var note: CacheNote?
            do {
                if let bytes = try cache.lookup(CacheNote.key(for: key)) {
                    note = CacheNote(bytes)
                    if note == nil { noteWarnings.append("warning: the cached note of '\(verb.name)' cannot be decoded; recomputed and replaced") }
                }
            } catch {
                noteWarnings.append("warning: \(userMessage(error))")
            }
            noteWarnings = routeCacheWarnings(noteWarnings)
            if let note, note.type == type {
                if verb.cached { countCache(hit: true) }
                let deferred = Deferred(origin: origin, summary: note.summary) {
                    var warnings: [String] = []
                    if verb.cached, let cache = cacheBox.value, let value = Self.cachedValue(key, verb: verb, in: cache, warnings: &warnings) {
                        return Deferred.Computed(payload: value.payload, lines: note.lines)
                    }
                    // The note was there but the value is not (or is damaged): computed again. The statement
                    // was shown from the note; a warning is printed after the statement that needed the value.
                    session.value.warnLate(warnings)
                    return try compute([])
                }
                return .value(Value(deferred: deferred, type: type, hash: key.hash), lines: note.lines, cached: verb.cached)
            }
        }
        let warnings = noteWarnings
        let deferred = Deferred(origin: origin) { try compute(warnings) }
        if verb.cached { deferred.start() }
        return .value(Value(deferred: deferred, type: type, hash: key.hash), lines: nil)
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
            if case .name(let n) = expr.kind, let given = values[n], given.type == .list {
                guard case .list(let items) = try forced(given, at: expr.range, in: source).payload else { return .list([]) }
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
        if case .value = type {} else if value.needsForcing {
            // A scalar argument from a deferred value (`epochs=fit.epochs`): computed now.
            return try bound(try forced(value, at: expr.range, in: source), as: type, given: given, expr: expr,
                             parameter: parameter, verb: verb, source: source)
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
            var b = try evaluate(base, in: source)
            let members = Members.names(of: b.type)
            if let d = b.deferred, !d.isDone, let type = Members.type(of: member.name, on: b.type) {
                // A member of a deferred value is deferred too: named by its hash, computed when needed.
                let deferredBase = b
                let deferred = Deferred(origin: "'\(member.name)' of \(d.origin)") {
                    let base = try deferredBase.forced()
                    guard let v = Members.member(member.name, of: base) else {
                        throw VerbFailure("\(base.summary) has no member '\(member.name)'")
                    }
                    return Deferred.Computed(payload: try v.forced().payload, lines: [])
                }
                return Value(deferred: deferred, type: type, hash: Members.derivedHash(b, member.name))
            }
            b = try forced(b, at: base.range, in: source)
            guard let v = Members.member(member.name, of: b) else {
                let list = members.isEmpty ? "\(b.type.withArticle) has no members" : "members of \(b.type.withArticle): \(members.joined(separator: ", "))"
                throw Diagnostic("\(b.type.withArticle) has no member '\(member.name)'\(suggestion(member.name, among: members))",
                                 at: member.range, in: source, notes: [list])
            }
            return v
        case .index(let base, let index):
            var b = try evaluate(base, in: source)
            let i = try forced(try evaluate(index, in: source), at: index.range, in: source)
            if let d = b.deferred, !d.isDone, b.type == .split {
                // A fold of a deferred split is deferred too.
                let deferredBase = b
                let deferred = Deferred(origin: "a fold of \(d.origin)") {
                    Deferred.Computed(payload: try Members.index(try deferredBase.forced(), by: i).payload, lines: [])
                }
                return Value(deferred: deferred, type: .split, hash: Members.indexHash(b, i))
            }
            b = try forced(b, at: base.range, in: source)
            do { return try Members.index(b, by: i) } catch {
                throw Diagnostic(error.message, at: index.range, in: source)
            }
        case .call(let name, _):
            throw Diagnostic("'\(name.name)(…)' is a layer and only makes sense in a model's layers=[…]", at: expr.range, in: source)
        }
    }
}

extension Session {
    /// `v` with its payload computed; a failed computation becomes a diagnostic at `range`.
    func forced(_ v: Value, at range: SourceRange, in source: SourceFile) throws(Diagnostic) -> Value {
        guard v.needsForcing else { return v }
        do { return try v.forced() } catch {
            throw Diagnostic(error.description, at: range, in: source)
        }
    }
}

/// Size and modification time of a file (`@size:seconds.nanoseconds`, empty when it cannot be read), so a
/// cache key changes when the file does.
func fileStamp(_ path: String) -> String {
    var st = stat()
    guard stat(path, &st) == 0 else { return "" }
    return "@\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
}
