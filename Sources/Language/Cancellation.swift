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

    /// Whether a second SIGINT, while the first is still pending, ends the process (status 130).
    private static let secondExits = Atomic<Bool>(false)

    /// Installs the one SIGINT handler of ser (`sigaction`): it sets `shared` instead of killing the process,
    /// so long work (features, augment, training) stops at its next unit keeping what it has. The REPL,
    /// `ser exec`, `ser run` and the one-shot commands all use it. With `secondInterruptExits` (one-shot
    /// commands), a second Ctrl-C before the first was handled ends ser at once, as users expect.
    /// Without `SA_RESTART`, a blocking `read` returns `EINTR`, so a prompt can notice Ctrl-C too.
    public static func installInterruptHandler(secondInterruptExits: Bool = false) {
        _ = shared.isRequested
        secondExits.store(secondInterruptExits, ordering: .relaxed)
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in Cancellation.handleInterrupt() }
        #else
        action.__sigaction_u.__sa_handler = { _ in Cancellation.handleInterrupt() }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        // A parent may have started ser with SIGINT blocked (Foundation's `Process` does): unblock it, or
        // Ctrl-C would stay pending until ser ends (`pthread_sigmask`).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The signal handler's body: only async-signal-safe work (atomic stores, `_exit`).
    private static func handleInterrupt() {
        if secondExits.load(ordering: .relaxed), shared.isRequested { _exit(130) }
        shared.request()
    }
}
