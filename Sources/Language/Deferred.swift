import Foundation
import Support

/// The computation of a session value that has not been needed yet.
///
/// A statement whose verb makes a value without side effects (`features`, `split`, `train`, `evaluate`…)
/// binds its name to a deferred value: its hash is known from the recipe at once, its payload is computed the
/// first time something needs it — a verb that is not served from the cache, `show`, a plot. When a cell's
/// results are all in the cache, nothing upstream of them is computed or read.
///
/// A deferred value is computed once: the first thread to need it runs the computation, others wait for it.
/// `start()` begins the computation on a thread of its own right away (a training the cache does not hold), so
/// independent statements of a cell run at once; whoever needs the value first still takes it over if that
/// thread has not begun.
final class Deferred: @unchecked Sendable {
    /// What the computation gives: the payload, and the lines its verb printed.
    struct Computed: Sendable {
        var payload: Value.Payload
        var lines: [String]
    }

    private enum State {
        case waiting(@Sendable () throws -> Computed)
        case running
        case done(Computed)
        case failed(any Error)
    }

    private let condition = NSCondition()
    private var state: State
    /// The statement that made it, for messages: `'feats' (notebook.md:12)`.
    let origin: String
    /// The one-line summary, when known without computing (a cache note).
    let summary: String?

    init(origin: String, summary: String? = nil, _ compute: @escaping @Sendable () throws -> Computed) {
        self.origin = origin
        self.summary = summary
        state = .waiting(compute)
    }

    /// Whether the computation has finished (successfully or not).
    var isDone: Bool {
        condition.lock()
        defer { condition.unlock() }
        switch state {
        case .done, .failed: return true
        case .waiting, .running: return false
        }
    }

    /// The payload: computed now on this thread if nobody has begun, else waited for.
    func force() throws -> Value.Payload { try result().payload }

    /// The payload and printed lines: computed now on this thread if nobody has begun, else waited for.
    func result() throws -> Computed {
        condition.lock()
        while true {
            switch state {
            case .done(let computed):
                condition.unlock()
                return computed
            case .failed(let error):
                condition.unlock()
                throw error
            case .running:
                condition.wait()
            case .waiting(let compute):
                state = .running
                condition.unlock()
                let outcome = Result { try compute() }
                condition.lock()
                switch outcome {
                case .success(let computed): state = .done(computed)
                case .failure(let error): state = .failed(error)
                }
                condition.broadcast()
                condition.unlock()
                return try outcome.get()
            }
        }
    }

    /// Begins the computation on a new thread (8 MiB of stack) unless it has begun.
    func start() {
        let thread = Thread { [self] in _ = try? result() }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// A deferred value whose computation failed, found where another statement needed it.
struct DeferredFailure: Error, Sendable, CustomStringConvertible {
    /// The statement that made the value.
    var origin: String
    var error: any Error

    var description: String { "\(origin) could not be computed: \(Self.message(of: error))" }

    /// A diagnostic's message alone (its place is the other statement's), any other error as a user sees it.
    static func message(of error: any Error) -> String {
        if let diagnostic = error as? Diagnostic { return diagnostic.message }
        return userMessage(error)
    }
}

/// A value handed to another thread whose safety the code around it argues (a session whose deferred
/// computations only read it and count cache lookups under a lock; a call only its own run touches).
struct Unchecked<Wrapped>: @unchecked Sendable {
    let value: Wrapped
    init(_ value: Wrapped) { self.value = value }
}
