import Foundation
import Support

/// What an argument accepts. Checking an argument against its type gives a `Bound` value or a
/// diagnostic saying what was expected and what was given.
public indirect enum ParameterType: Sendable, Equatable {
    /// Any number without a unit (`3`, `0.5`, `1e-3`).
    case number
    /// A whole number in `range`.
    case integer(ClosedRange<Int>)
    /// A fraction in [0, 1]: `70%` or `0.7`.
    case fraction
    /// A duration: `2s`, `500ms` (a plain number is not accepted, to keep units explicit).
    case duration
    /// A frequency: `16kHz`, `440Hz`, or a plain number of hertz.
    case frequency
    /// Any string literal.
    case string
    /// A file or folder path as a string; a leading `~` is expanded.
    case path
    /// One bare word of a fixed set (`naive`, `loso`; `mel`, `mfcc`).
    case word([String])
    /// `true` or `false`.
    case bool
    /// A session value of one of these types.
    case value([ValueType])
    /// A list whose items all have this type; a single item is accepted as a one-item list.
    case list(ParameterType)
    /// A layer written as a call: `conv1d(64, 5)`, `dense(7, activation="softmax")`.
    case layer
    /// The name of a verb of the session's registry (for `help VERB`).
    case verbName

    /// How the type reads in help and errors: "a number", "a duration like 2s", "one of naive, loso".
    public var spelling: String {
        switch self {
        case .number: "a number"
        case .integer(let r):
            r.upperBound == Int.max ? "a whole number ≥ \(r.lowerBound)" : "a whole number in \(r.lowerBound)…\(r.upperBound)"
        case .fraction: "a fraction like 70% or 0.7"
        case .duration: "a duration like 2s or 500ms"
        case .frequency: "a frequency like 16kHz"
        case .string: "a string"
        case .path: "a path (string)"
        case .word(let words): words.count == 1 ? "'\(words[0])'" : "one of \(words.joined(separator: ", "))"
        case .bool: "true or false"
        case .value(let types): types.count == ValueType.allCases.count ? "any value" : types.map(\.withArticle).joined(separator: " or ")
        case .list(let item): "a list of \(item.shortName)"
        case .layer: "a layer like conv1d(64, 5)"
        case .verbName: "a verb name"
        }
    }

    /// Short name for the help table's type column.
    public var shortName: String {
        switch self {
        case .number: "number"
        case .integer: "integer"
        case .fraction: "fraction"
        case .duration: "duration"
        case .frequency: "frequency"
        case .string: "string"
        case .path: "path"
        case .word(let w): w.joined(separator: "|")
        case .bool: "bool"
        case .value(let types): types.count == ValueType.allCases.count ? "any value" : types.map(\.rawValue).joined(separator: "|")
        case .list(let item): "[\(item.shortName)]"
        case .layer: "layer"
        case .verbName: "verb"
        }
    }
}

/// One declared argument of a verb. The declaration drives argument checking, `help`, docs/language.md's
/// language reference, did-you-mean and Tab completion.
public struct Parameter: Sendable {
    public var name: String
    public var type: ParameterType
    /// Whether it may be given without its name, in declaration order among positional parameters.
    public var positional: Bool
    /// The value used when the argument is absent (`nil`: required, unless `defaultText` says otherwise).
    public var defaultValue: Bound?
    /// What the default is when it is computed (e.g. "session seed"); the argument is then optional.
    public var defaultText: String?
    public var doc: String
    /// Whether a list parameter accepts `[]` (e.g. no hidden dense layers); otherwise an empty list is an error.
    public var allowsEmptyList: Bool

    public init(_ name: String, _ type: ParameterType, positional: Bool = false, default defaultValue: Bound? = nil,
                defaultText: String? = nil, allowsEmptyList: Bool = false, doc: String) {
        self.name = name
        self.allowsEmptyList = allowsEmptyList
        self.type = type
        self.positional = positional
        self.defaultValue = defaultValue
        self.defaultText = defaultText
        self.doc = doc
    }

    public var isRequired: Bool { defaultValue == nil && defaultText == nil }

    /// The default as shown in help ("—" when required).
    public var defaultDescription: String {
        if let defaultText { return defaultText }
        if let defaultValue { return defaultValue.canonical }
        return "required"
    }
}

/// An argument after checking against its parameter type.
public indirect enum Bound: Sendable, Equatable {
    case number(Double, NumberUnit)
    /// A string, path or word.
    case text(String)
    case bool(Bool)
    case value(Value)
    case list([Bound])
    /// A layer: its name, positional and labelled arguments (numbers, strings or words).
    case layer(String, [Bound], [String: Bound])

    /// Canonical text: literals as written in normal form, session values by their content hash. Part
    /// of cache keys.
    public var canonical: String {
        switch self {
        case .number(let v, let u): formatUnit(v, u).replacingOccurrences(of: " ", with: "")
        case .text(let s): s.contains(where: { !$0.isLetter && !$0.isNumber && $0 != "_" }) || s.isEmpty ? "\"\(s)\"" : s
        case .bool(let b): b ? "true" : "false"
        case .value(let v): "#" + v.hash.hex
        case .list(let items): "[" + items.map(\.canonical).joined(separator: ", ") + "]"
        case .layer(let name, let pos, let named):
            name + "(" + (pos.map(\.canonical) + named.keys.sorted().map { "\($0)=\(named[$0]!.canonical)" }).joined(separator: ", ") + ")"
        }
    }
}

extension Bound {
    /// The same argument with every deferred value in it computed.
    func forced() throws(DeferredFailure) -> Bound {
        switch self {
        case .value(let v): return v.needsForcing ? .value(try v.forced()) : self
        case .list(let items):
            var out: [Bound] = []
            for item in items { out.append(try item.forced()) }
            return .list(out)
        default: return self
        }
    }

    var needsForcing: Bool {
        switch self {
        case .value(let v): v.needsForcing
        case .list(let items): items.contains { $0.needsForcing }
        default: false
        }
    }
}

extension Value: Equatable {
    public static func == (a: Value, b: Value) -> Bool { a.hash == b.hash }
}

/// What a verb's body returns.
public enum Outcome: Sendable {
    /// A new value (bound to the statement's name, or shown).
    case value(Value)
    /// Nothing to bind: the verb printed or wrote what it does.
    case none
}

/// When a statement's verb runs (see `Session.executePartial`).
public enum Scheduling: Sendable, Equatable {
    /// Makes a value from its arguments alone, without side effects: bound as a deferred value, computed
    /// when something needs it (at once, on its own thread, when cached and not in the cache).
    case deferred
    /// Makes a value now (it reads folders or files that are not its arguments' values).
    case immediate
    /// Prints or draws from its arguments (show, plot): runs in statement order.
    case output
    /// Changes the session or writes files later statements may read: runs in order and ends a group.
    case session
}

/// A verb of the command language: its declaration and its body.
public struct Verb: Sendable {
    /// `train`, or `family kind` for verbs chosen by their first word (`plot mel`, `load model`).
    public var name: String
    public var summary: String
    public var parameters: [Parameter]
    /// One or more example statements, shown by help and tested.
    public var examples: [String]
    /// The type of value it makes, if any.
    public var result: ValueType?
    /// Expensive verbs consult the session's `ValueCache`.
    public var cached: Bool
    /// Whether its result depends on the seed (the session seed joins its hash unless `seed=` is given).
    public var seeded: Bool
    /// When its statements run.
    public var scheduling: Scheduling
    public var body: @Sendable (Call) throws -> Outcome

    public init(_ name: String, summary: String, parameters: [Parameter], examples: [String], result: ValueType?,
                cached: Bool = false, seeded: Bool = false, scheduling: Scheduling = .session,
                body: @escaping @Sendable (Call) throws -> Outcome) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.examples = examples
        self.result = result
        self.cached = cached
        self.seeded = seeded
        self.scheduling = scheduling
        self.body = body
    }

    /// `family` for `plot mel`, the name itself otherwise.
    public var family: String { String(name.split(separator: " ").first ?? Substring(name)) }
    /// `mel` for `plot mel`, nil otherwise.
    public var kind: String? { name.contains(" ") ? String(name.split(separator: " ")[1]) : nil }

    /// The usage line: `train MODEL SPLIT [epochs=200] …`.
    public var usage: String {
        var parts = [name]
        for p in parameters {
            if p.positional {
                parts.append(p.isRequired ? p.name.uppercased() : "[\(p.name.uppercased())]")
            } else {
                parts.append(p.isRequired ? "\(p.name)=…" : "[\(p.name)=\(p.defaultValue?.canonical ?? "…")]")
            }
        }
        return parts.joined(separator: " ")
    }
}

/// A verb failing at run time. `argument` names the parameter whose value is at fault, so the
/// diagnostic's caret points at it (at the verb otherwise).
public struct VerbFailure: ModuleError {
    public var message: String
    public var argument: String?

    public init(_ message: String, argument: String? = nil) {
        self.message = message
        self.argument = argument
    }

    public var description: String { message }
}
