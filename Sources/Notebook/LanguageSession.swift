import Language

/// The Language module's `Session` as a notebook session: parameters become session values, cells run
/// through `Session.executePartial`, the disk cache is the session's `ValueCache`.
public final class LanguageNotebookSession: NotebookSession {
    /// The interpreter session the cells share.
    public let session: Session

    /// A fresh session with `registry`'s verbs (default: the whole language), using `cache` for expensive
    /// verbs (nil: no cache).
    public init(registry: VerbRegistry = .standard, cache: (any ValueCache)?) {
        session = Session(registry: registry, cache: cache)
    }

    /// An existing session: the prompt's, when it steps through a notebook (`:open`).
    public init(session: Session) {
        self.session = session
    }

    public func dependencies(of source: String, file: String, firstLine: Int) -> [StatementDependencies]? {
        try? session.dependencies(of: source, file: file, firstLine: firstLine)
    }

    public func valueHash(_ name: String) -> String? {
        session.values[name]?.hash.hex
    }

    /// Binds a parameter: numbers as numbers, strings, paths and choices as strings, bools as 1 or 0, `[int]`
    /// as a list of numbers.
    /// (Words and bools that a verb takes literally are spliced in with `{{name}}` instead.)
    public func bind(parameter name: String, to value: ParameterValue) throws {
        switch value {
        case .int(let v): session.bind(name, .number(Double(v)))
        case .number(let v): session.bind(name, .number(v))
        case .string(let v), .path(let v), .choice(let v): session.bind(name, .string(v))
        case .bool(let v): session.bind(name, .number(v ? 1 : 0))
        case .intList(let v): session.bind(name, .list(v.map { .number(Double($0)) }))
        }
    }

    /// Receives each warning about the cache (a damaged entry recomputed and replaced…) while a cell runs,
    /// once; the warning stays in the cell's output too. nil: the session's own handler, if any, is used.
    public var onCacheWarning: (@Sendable (String) -> Void)?

    public func execute(_ source: String, file: String, firstLine: Int, useCache: Bool) throws -> CellOutput {
        let cache = session.cache
        let shows = session.showsCacheHits
        let (handler, keeps) = (session.cacheWarningHandler, session.keepsCacheWarningsInOutput)
        if !useCache { session.cache = nil }
        // A cell's output is what `ser run` writes, whoever runs it: no "(cached)" marks.
        session.showsCacheHits = false
        if let onCacheWarning {
            session.cacheWarningHandler = onCacheWarning
            session.keepsCacheWarningsInOutput = true
        }
        defer {
            session.cache = cache
            session.showsCacheHits = shows
            (session.cacheWarningHandler, session.keepsCacheWarningsInOutput) = (handler, keeps)
        }
        let hitsBefore = session.cacheHits
        let (execution, diagnostic) = session.executePartial(source, file: file, firstLine: firstLine)
        var output = CellOutput(items: Self.items(text: execution.text), cacheHits: session.cacheHits - hitsBefore)
        output.items += execution.figures.map { .figure($0) }
        if let diagnostic {
            throw CellError(line: diagnostic.line, message: diagnostic.description, output: output)
        }
        return output
    }

    /// Ctrl-C: the session's cancellation flag (set by the SIGINT handler that `ser run` installs).
    public var isCancelled: Bool { session.cancellation.isRequested }

    public func setProgressHandler(_ handler: (@Sendable (String) -> Void)?) {
        if let handler {
            session.progressSink = { message in handler(message ?? "") }
        } else {
            session.progressSink = Session.terminalProgress
        }
    }

    /// Splits the session's output (blocks separated by blank lines) into text and Markdown items, joining
    /// neighbouring text blocks.
    public static func items(text: String) -> [CellOutput.Item] {
        var items: [CellOutput.Item] = []
        for block in text.split(separator: "\n\n", omittingEmptySubsequences: true).map(String.init) {
            // Tables, bold titles, code spans and fenced examples (what `show`, `table` and `help` print) are
            // Markdown; everything else (assignments, messages) is plain text.
            let isMarkdown = block.hasPrefix("|") || block.hasPrefix("**") || block.hasPrefix("`") || block.hasPrefix("#")
                || block.contains("\n```") || (!block.contains("\n") && block.hasSuffix(":"))
            if isMarkdown {
                items.append(.markdown(block))
            } else if case .text(let previous) = items.last {
                items[items.count - 1] = .text(previous + "\n" + block)
            } else {
                items.append(.text(block))
            }
        }
        return items
    }
}

extension DiskCache: ValueCache {
    /// The entry named by the key's content hash; a damaged entry throws `CacheDamage` (the interpreter
    /// reports it once, recomputes the value and the store replaces the entry).
    public func lookup(_ key: CacheKey) throws -> [UInt8]? {
        switch entry(key.hash.hex) {
        case .hit(let payload): return payload
        case .miss: return nil
        case .damaged(let message): throw CacheDamage(message: message)
        }
    }

    /// Stores under the key's content hash; the verb and the recipe (on one line) go in the entry's header.
    public func store(_ bytes: [UInt8], for key: CacheKey) throws {
        let recipe = key.recipe.split(separator: "\n").joined(separator: "; ")
        try store(bytes, for: key.hash.hex, kind: key.verb, description: String(recipe.prefix(1000)))
    }
}
