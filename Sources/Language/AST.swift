/// A name and where it was written.
public struct Identifier: Sendable, Equatable {
    public var name: String
    public var range: SourceRange

    public init(_ name: String, _ range: SourceRange) {
        self.name = name
        self.range = range
    }
}

/// An expression: a literal, a name, a list, member access, indexing or a constructor call.
public struct Expression: Sendable, Equatable {
    public indirect enum Kind: Sendable, Equatable {
        /// A number literal, already normalised by its unit (`500ms` → 0.5 seconds).
        case number(Double, NumberUnit)
        case string(String)
        /// A bare name: a session value, or a word an argument accepts (`naive`, `mel`, `cnn1d`).
        case name(String)
        case list([Expression])
        /// `base.member`, e.g. `s.test`.
        case member(Expression, Identifier)
        /// `base[index]`, e.g. `emovo["f1/rab-f1-b1.wav"]` or `tables[0]`.
        case index(Expression, Expression)
        /// `name(arguments)`, e.g. a layer in a custom model: `conv1d(64, 5)`.
        case call(Identifier, [CallArgument])
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// One argument of a statement or a call: positional, or `label=value`.
public struct CallArgument: Sendable, Equatable {
    public var label: Identifier?
    public var value: Expression

    public init(label: Identifier? = nil, value: Expression) {
        self.label = label
        self.value = value
    }

    /// The range covering the label and the value.
    public var range: SourceRange {
        label.map { $0.range.union(value.range) } ?? value.range
    }
}

/// One statement: `[target =] head arguments…`.
///
/// `head` is the verb when it is a bare name followed by arguments; a statement that is a lone expression
/// (`emovo`, `s.test`, `r = s.test`) shows or binds that value. The interpreter decides which, since only
/// it knows the verbs.
public struct Statement: Sendable, Equatable {
    public var target: Identifier?
    public var head: Expression
    public var arguments: [CallArgument]
    public var range: SourceRange

    public init(target: Identifier?, head: Expression, arguments: [CallArgument], range: SourceRange) {
        self.target = target
        self.head = head
        self.arguments = arguments
        self.range = range
    }
}
