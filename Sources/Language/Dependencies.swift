/// What one statement needs from the session and what it leaves in it, found from the source alone (nothing
/// runs). The notebook runner uses it to replay, through the cache, only the earlier statements a cell needs
/// (`ser run --only`, `:cell` at the prompt).
public struct StatementDependencies: Sendable, Equatable {
    /// The name the statement binds (`fit` in `fit = train net s`), if any.
    public var defines: String?
    /// Every bare name the statement reads: session values, and also words a verb takes (`naive`, `cnn1d`),
    /// which no statement defines and callers therefore ignore.
    public var uses: Set<String>
    /// Whether it changes the session's settings (`seed 42`, `threads 2`): later results depend on it
    /// although it binds no name.
    public var changesSettings: Bool
    /// The statement's text, as written (continuation lines included).
    public var text: String
    /// Its first line, counted as the source's `firstLine` counts.
    public var line: Int
}

/// Verbs that change how later statements compute rather than binding a value.
let settingVerbs: Set<String> = ["seed", "threads"]

extension Session {
    /// The dependencies of each statement of `source`, in order. Throws the source's first syntax error.
    public func dependencies(of source: String, file: String, firstLine: Int = 1) throws(Diagnostic) -> [StatementDependencies] {
        let sourceFile = SourceFile(name: file, text: source, firstLine: firstLine)
        return try Parser.parse(sourceFile).map { statement in
            var uses = Set<String>()
            var head: String?
            var arguments = statement.arguments[...]
            if case .name(let name) = statement.head.kind, registry.isVerb(name) {
                head = name
                // A family's first word is its kind (`demo emovo`, `plot mel`), not a value.
                if registry.verb(name) == nil, let first = arguments.first, first.label == nil, case .name = first.value.kind {
                    arguments = arguments.dropFirst()
                }
            } else {
                collectNames(statement.head, into: &uses)
            }
            for argument in arguments { collectNames(argument.value, into: &uses) }
            let changesSettings = head.map { settingVerbs.contains($0) && !statement.arguments.isEmpty } ?? false
            return StatementDependencies(defines: statement.target?.name, uses: uses, changesSettings: changesSettings,
                                         text: sourceFile.text(statement.range),
                                         line: sourceFile.location(of: statement.range.start).line)
        }
    }

    private func collectNames(_ expression: Expression, into names: inout Set<String>) {
        switch expression.kind {
        case .number, .string: break
        case .name(let name): names.insert(name)
        case .list(let items): for item in items { collectNames(item, into: &names) }
        case .member(let base, _): collectNames(base, into: &names)
        case .index(let base, let index):
            collectNames(base, into: &names)
            collectNames(index, into: &names)
        case .call(_, let arguments): for argument in arguments { collectNames(argument.value, into: &names) }
        }
    }
}
