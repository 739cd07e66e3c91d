/// One verb invocation as its body sees it: the checked arguments, the session, and the ways to
/// report output, figures and progress.
public final class Call {
    public let verb: Verb
    public let session: Session
    /// Every parameter that has a value (given or defaulted), by name.
    public let arguments: [String: Bound]
    /// Names of the arguments the user wrote (not defaulted).
    public let given: Set<String>
    /// The content hash the result of this call carries (and its cache key).
    public let resultHash: ContentHash
    var text: [String] = []
    var figures: [String] = []
    /// Where `progress` goes: the session's sink, or a run's slot on a `ProgressBoard` (parallel runs).
    var progressSink: (String?) -> Void
    /// The session's seed and thread count when the statement was checked: a deferred value computed later
    /// is computed as it would have been then.
    let sessionSeed: UInt64
    /// Worker threads for parallel work (the session's `threads` when the statement was checked).
    public let threads: Int

    init(verb: Verb, session: Session, arguments: [String: Bound], given: Set<String>, resultHash: ContentHash) {
        self.verb = verb
        self.session = session
        self.arguments = arguments
        self.given = given
        self.resultHash = resultHash
        progressSink = session.progressSink
        sessionSeed = session.seed
        threads = session.threads
    }

    /// The same call with a different argument set (one run of `repeat`).
    init(_ other: Call, arguments: [String: Bound], given: Set<String>) {
        verb = other.verb
        session = other.session
        self.arguments = arguments
        self.given = given
        resultHash = other.resultHash
        progressSink = other.progressSink
        sessionSeed = other.sessionSeed
        threads = other.threads
    }

    /// The same call with every deferred value among its arguments computed (what a verb body reads).
    func forcingArguments() throws(DeferredFailure) -> Call {
        guard arguments.values.contains(where: \.needsForcing) else { return self }
        var forced: [String: Bound] = [:]
        for (name, b) in arguments { forced[name] = try b.forced() }
        return Call(self, arguments: forced, given: given)
    }

    /// Whether the argument has a value (given or by default).
    public func has(_ name: String) -> Bool { arguments[name] != nil }

    private func require(_ name: String) -> Bound {
        guard let b = arguments[name] else {
            preconditionFailure("verb '\(verb.name)' reads undeclared or missing argument '\(name)'")
        }
        return b
    }

    /// A number, duration, fraction or frequency argument, normalised (seconds, fraction, hertz).
    public func number(_ name: String) -> Double {
        if case .number(let v, _) = require(name) { return v }
        preconditionFailure("argument '\(name)' of '\(verb.name)' is not a number")
    }

    public func optionalNumber(_ name: String) -> Double? { has(name) ? number(name) : nil }

    public func integer(_ name: String) -> Int { Int(number(name)) }

    public func optionalInteger(_ name: String) -> Int? { has(name) ? integer(name) : nil }

    /// A string, path or word argument.
    public func text(_ name: String) -> String {
        if case .text(let s) = require(name) { return s }
        preconditionFailure("argument '\(name)' of '\(verb.name)' is not text")
    }

    public func optionalText(_ name: String) -> String? { has(name) ? text(name) : nil }

    public func bool(_ name: String) -> Bool {
        if case .bool(let b) = require(name) { return b }
        preconditionFailure("argument '\(name)' of '\(verb.name)' is not a bool")
    }

    /// A session-value argument.
    public func value(_ name: String) -> Value {
        if case .value(let v) = require(name) { return v }
        preconditionFailure("argument '\(name)' of '\(verb.name)' is not a value")
    }

    public func optionalValue(_ name: String) -> Value? { has(name) ? value(name) : nil }

    /// A list argument's items.
    public func list(_ name: String) -> [Bound] {
        if case .list(let items) = require(name) { return items }
        return [require(name)]
    }

    /// The seed: the `seed=` argument if the verb has one and it was given, else the session seed.
    public var seed: UInt64 {
        if given.contains("seed"), case .number(let v, _) = arguments["seed"]! { return UInt64(v) }
        return sessionSeed
    }

    /// A result value carrying this call's hash.
    public func make(_ payload: Value.Payload) -> Outcome {
        .value(Value(payload, hash: resultHash))
    }

    /// Text shown as the statement's output (Markdown for tables).
    public func print(_ line: String) { text.append(line) }

    /// Records a figure written to `path` (listed in the execution's figures).
    public func wroteFigure(_ path: String) { figures.append(path) }

    /// Shows a progress line on a TTY (`nil` clears it).
    public func progress(_ message: String?) { progressSink(message) }

    /// Throws `Cancelled` when Ctrl-C was pressed during this statement.
    public func checkCancelled() throws(Cancelled) {
        if session.cancellation.isRequested { throw Cancelled() }
    }

    /// Whether Ctrl-C was pressed (for loops that stop gracefully, like training keeping its best weights).
    public var isCancelled: Bool { session.cancellation.isRequested }
}

/// A statement interrupted by Ctrl-C.
public struct Cancelled: Error, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "cancelled" }
}
