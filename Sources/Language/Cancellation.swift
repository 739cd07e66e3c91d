#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Learn
import Synchronization

/// A flag set by Ctrl-C (SIGINT) and polled by long verbs between units of work (a file, a batch).
///
/// The REPL clears it before each statement; `features`, `augment`, `train` and `crossval` check it and
/// stop: training stops at the next batch keeping its best weights, the others throw `Cancelled`.
public final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    /// The same request as Learn's flag, which the trainer polls between batches.
    public let training = CancellationFlag()

    public init() {}

    /// The process-wide flag the SIGINT handler sets.
    public static let shared = Cancellation()

    public var isRequested: Bool { flag.load(ordering: .relaxed) }

    public func request() {
        flag.store(true, ordering: .relaxed)
        training.cancel()
    }

    public func clear() {
        flag.store(false, ordering: .relaxed)
        training.reset()
    }

    /// Installs a SIGINT handler that sets `shared` instead of killing the process (`sigaction`).
    /// Without `SA_RESTART`, a blocking `read` returns `EINTR`, so a prompt can notice Ctrl-C too.
    ///
    /// `once` (headless runs: `ser run`, `ser exec`): only the first Ctrl-C is caught (`SA_RESETHAND`); a
    /// second one ends the process as usual, for a user who does not want to wait for the next batch.
    public static func installInterruptHandler(once: Bool = false) {
        _ = shared.isRequested
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in Cancellation.shared.request() }
        #else
        action.__sigaction_u.__sa_handler = { _ in Cancellation.shared.request() }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = once ? Int32(bitPattern: UInt32(truncatingIfNeeded: SA_RESETHAND)) : 0
        sigaction(SIGINT, &action, nil)
        // A parent may have started ser with SIGINT blocked (Foundation's `Process` does): unblock it, or
        // Ctrl-C would stay pending until ser ends (`pthread_sigmask`).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
