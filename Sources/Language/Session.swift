#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Support

/// ser's version, part of every cache key.
public let serVersion = "0.1.0"

/// What running some statements produced.
public struct Execution: Sendable {
    /// Everything the statements printed, tables as Markdown, separated by blank lines.
    public var text: String = ""
    /// Paths of the figures written, in order.
    public var figures: [String] = []
    /// Names bound by the statements, in order.
    public var bound: [String] = []
    /// Statements run to completion.
    public var statements = 0

    public init() {}

    mutating func append(_ block: String) {
        guard !block.isEmpty else { return }
        text += text.isEmpty ? block : "\n\n" + block
    }
}

/// A persistent session: named immutable values, the seed, the thread count, the cache, and the verbs.
///
/// ```swift
/// let session = Session()
/// let out = try session.execute("a = demo emovo size=small; show a", file: "<exec>")
/// print(out.text)
/// ```
/// A statement that fails leaves the session as it was before that statement.
public final class Session {
    /// The verbs this session understands.
    public let registry: VerbRegistry
    /// Values by name.
    public private(set) var values: [String: Value] = [:]
    /// Names in the order they were first bound (for `:vars`).
    public private(set) var order: [String] = []
    /// The seed every random choice derives from unless a verb is given `seed=` (default 1).
    public var seed: UInt64 = Session.defaultSeed

    /// The seed of a new session, and the default `--seed` of every `ser` command.
    public static let defaultSeed: UInt64 = 1
    /// Worker threads for parallel verbs (default: the number of processors).
    public var threads: Int
    /// Where expensive results are kept between runs; `nil` disables caching.
    public var cache: (any ValueCache)?
    /// Flag polled by long verbs; the REPL sets it on Ctrl-C and clears it before each statement.
    public var cancellation: Cancellation
    /// Receives progress lines of long verbs (`nil` = clear the line). Default: stderr when it is a
    /// TTY, nothing otherwise. The notebook runner replaces it to prefix the cell.
    public var progressSink: (String?) -> Void
    /// Cache statistics of this session: lookups served / computed (counted from any thread).
    public var cacheHits: Int { counters.withLock { $0.hits } }
    public var cacheMisses: Int { counters.withLock { $0.misses } }
    private let counters = Mutex<(hits: Int, misses: Int)>((0, 0))
    /// Warnings found while computing a value whose statement was already shown from its cache note (its
    /// entry turned out damaged when something needed it): printed after the statement that needed it.
    private let lateWarnings = Mutex<[String]>([])
    /// Names whose current value was served by the cache rather than computed (`:vars` marks them).
    public internal(set) var cachedNames: Set<String> = []
    /// Receives each warning about the cache — a damaged entry (checksum mismatch, cut, foreign) that is
    /// recomputed and replaced, an entry that cannot be decoded or stored — once, from whichever thread found
    /// it, instead of the statement's output (or as well: `keepsCacheWarningsInOutput`). `ser` sends them to
    /// stderr; a notebook run adds the notebook and the cell. nil (the default): they are lines of the
    /// statement's output only.
    public var cacheWarningHandler: (@Sendable (String) -> Void)?
    /// With a `cacheWarningHandler`, whether the warnings are also lines of the statement's output (a
    /// notebook's executed form keeps them beside the cell; the prompt shows them once, on stderr).
    public var keepsCacheWarningsInOutput = false
    /// Whether an assignment served by the cache says so (`fit = training run … (cached)`): on at the prompt
    /// and in `ser exec`; off in notebooks, whose executed form must not depend on what was cached.
    public var showsCacheHits = false
    /// Where a figure goes when a `plot` statement gives no `to=` (the prompt sets `build/figures`); nil makes
    /// `to=` required, as in notebooks and scripts, whose figures must land where the text says.
    public var figureFolder: String?

    public init(registry: VerbRegistry = .standard, cache: (any ValueCache)? = nil,
                cancellation: Cancellation = .shared) {
        self.registry = registry
        self.cache = cache
        self.cancellation = cancellation
        self.threads = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        self.progressSink = Session.terminalProgress
    }

    /// Progress on stderr when it is a terminal: one line, rewritten in place (`StatusLine`, which also keeps
    /// `ser`'s warnings off it).
    public static func terminalProgress(_ message: String?) {
        StatusLine.standardError.show(message ?? "")
    }

    /// Binds `name` to `value`, replacing any previous value of that name.
    public func bind(_ name: String, _ value: Value) {
        if values[name] == nil { order.append(name) }
        values[name] = value
        cachedNames.remove(name)
    }

    /// Removes every value and restores the default seed (`:reset`).
    public func reset() {
        values = [:]
        order = []
        cachedNames = []
        seed = Session.defaultSeed
    }

    /// Runs the statements of `source` in order. `file` and `firstLine` place diagnostics (a notebook
    /// passes the cell's first line). Throws the first error as a `Diagnostic`; the statements before it
    /// keep their effect on the session (use `executePartial` to also get their output).
    @discardableResult
    public func execute(_ source: String, file: String, firstLine: Int = 1) throws(Diagnostic) -> Execution {
        let (out, error) = executePartial(source, file: file, firstLine: firstLine)
        if let error { throw error }
        return out
    }

    /// Like `execute`, but returns the output of the statements that ran along with the error, if any.
    ///
    /// Statements run in two passes over groups of statements. Pass 1 checks each statement and decides its
    /// work: values of deferred verbs (`features`, `split`, `train`, `evaluate`…) are bound as deferred
    /// values named by their hash — served by the cache without being read, or computed when needed, a
    /// training the cache does not hold beginning at once on its own thread. A group ends after a statement
    /// that changes the session or writes files (`seed`, `threads`, `save`, `export`, `table`). Pass 2 goes
    /// through the group in order, waits for each statement's work, prints its output and binds its name.
    /// Independent trainings of a group thus run side by side, and the output, the bindings and the first
    /// error are those of running the statements one by one.
    ///
    /// After Ctrl-C (`cancellation`), no further statement starts: the error says so (work already begun
    /// for the group sees the same flag and stops at its next batch).
    public func executePartial(_ source: String, file: String, firstLine: Int = 1) -> (Execution, Diagnostic?) {
        let sourceFile = SourceFile(name: file, text: source, firstLine: firstLine)
        var out = Execution()
        let statements: [Statement]
        do { statements = try Parser.parse(sourceFile) } catch { return (out, error) }
        var next = 0
        while next < statements.count {
            // Pass 1: plan a group, binding its values provisionally so later statements of the group see them.
            let before = (values, order, cachedNames)
            var steps: [Step] = []
            var planFailure: Diagnostic?
            while next < statements.count {
                // Ctrl-C stops at the end of the running statement: the statements after it do not start.
                // (Before the first one, the caller decides: the REPL clears the flag, a runner stops.)
                if next > 0, cancellation.isRequested {
                    planFailure = cancelledBefore(statements[next], in: sourceFile)
                    break
                }
                let step: Step
                do { step = try plan(statements[next], in: sourceFile) } catch {
                    planFailure = error
                    break
                }
                steps.append(step)
                next += 1
                if let target = step.statement.target, let value = step.provisional { bind(target.name, value) }
                if step.endsPlanning { break }
            }
            (values, order, cachedNames) = before
            // Pass 2: in statement order.
            for (i, step) in steps.enumerated() {
                do throws(Diagnostic) {
                    if out.statements > 0, cancellation.isRequested { throw cancelledBefore(step.statement, in: sourceFile) }
                    defer { for line in lateWarnings.withLock({ w in defer { w = [] }; return w }) { out.append(line) } }
                    try finish(step, in: sourceFile, into: &out)
                    out.statements += 1
                } catch {
                    // Work begun for the statements after the failing one ends before the session goes on.
                    for later in steps[i...] { _ = try? later.started?.result() }
                    return (out, error)
                }
            }
            if let planFailure { return (out, planFailure) }
        }
        return (out, nil)
    }

    /// Warnings about the cache (a damaged entry, one that cannot be stored): to `cacheWarningHandler` when
    /// there is one, and left for the statement's output unless the handler took them.
    func routeCacheWarnings(_ warnings: [String]) -> [String] {
        guard !warnings.isEmpty, let handler = cacheWarningHandler else { return warnings }
        for warning in warnings { handler(warning) }
        return keepsCacheWarningsInOutput ? warnings : []
    }

    /// Keeps `warnings` to be printed after the statement being finished.
    func warnLate(_ warnings: [String]) {
        let warnings = routeCacheWarnings(warnings)
        guard !warnings.isEmpty else { return }
        lateWarnings.withLock { $0 += warnings }
    }

    private func cancelledBefore(_ statement: Statement, in source: SourceFile) -> Diagnostic {
        Diagnostic("cancelled (Ctrl-C) before this statement", at: statement.range, in: source)
    }

    func countCache(hit: Bool) {
        counters.withLock { if hit { $0.hits += 1 } else { $0.misses += 1 } }
    }
}
