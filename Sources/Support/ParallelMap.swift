#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why `parallelMap` stopped: the first failed item's error (in input order), or a cancellation.
public enum ParallelMapFailure<E: Error & Sendable>: Error, Sendable {
    case failed(E)
    case cancelled(finished: Int, total: Int)
}

/// The number of cores this process may use (`sysconf(_SC_NPROCESSORS_ONLN)`).
public var availableCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

/// `body` over the indices `0..<count` on up to `threads` threads (all cores when nil), each result handed to
/// `deliver` in index order as soon as every result before it has been: the one worker pool of ser, for
/// work whose results are streamed (feature rows to a file) as well as collected (`parallelMap`).
///
/// Workers take the next index as they become free, so a slow item does not hold up a fixed share of the
/// work; `body` also gets the worker's number (`0..<threads`) for per-worker scratch resources. With `ahead`,
/// no worker starts an item more than `ahead` items past the oldest one not yet delivered (it waits), so the
/// results held at once — and the memory — stay bounded however many items there are. `deliver` and
/// `progress` are called under one lock, one call at a time, from worker threads; `progress` gets (items
/// finished, count) after each item. After `body` or `deliver` throws, no new item starts; the results
/// before the failed item are still delivered, and the error of the first failed item in input order is
/// thrown. Once `isCancelled` returns true no new item starts either; the items finished are delivered and
/// `.cancelled` is thrown. Results and their order do not depend on the number of threads.
public func parallelMap<R, E: Error & Sendable>(
    count: Int, threads: Int? = nil, ahead: Int? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil,
    isCancelled: (@Sendable () -> Bool)? = nil,
    _ body: @Sendable (_ index: Int, _ worker: Int) throws(E) -> R,
    deliver: (_ index: Int, _ result: R) throws(E) -> Void
) throws(ParallelMapFailure<E>) {
    guard count > 0 else { return }
    let workers = max(1, min(threads ?? availableCores, count))
    try withoutActuallyEscaping(deliver) { (deliver) throws(ParallelMapFailure<E>) in
        let state = StreamState<R, E>(count: count, ahead: max(1, ahead ?? count), deliver: deliver, progress: progress)
        runWorkers(workers) { worker in
            while isCancelled?() != true, let i = state.claim() {
                let result: Result<R, E>
                do throws(E) { result = .success(try body(i, worker)) } catch { result = .failure(error) }
                state.finish(i, result)
            }
        }
        try state.outcome()
    }
}

/// `body` over the indices `0..<count` on up to `threads` threads (all cores when nil), results in index
/// order (`parallelMap(count:…, deliver:)` collecting them).
public func parallelMap<R: Sendable, E: Error & Sendable>(
    count: Int, threads: Int? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil,
    isCancelled: (@Sendable () -> Bool)? = nil,
    _ body: @Sendable (_ index: Int, _ worker: Int) throws(E) -> R
) throws(ParallelMapFailure<E>) -> [R] {
    var out: [R] = []
    out.reserveCapacity(count)
    try parallelMap(count: count, threads: threads, progress: progress, isCancelled: isCancelled, body) { (_, result) throws(E) in
        out.append(result)
    }
    return out
}

/// `body` over `items` on up to `threads` threads, results in input order (see `parallelMap(count:…)`).
public func parallelMap<T: Sendable, R: Sendable, E: Error & Sendable>(
    _ items: [T], threads: Int? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil,
    isCancelled: (@Sendable () -> Bool)? = nil,
    _ body: @Sendable (T) throws(E) -> R
) throws(ParallelMapFailure<E>) -> [R] {
    try parallelMap(count: items.count, threads: threads, progress: progress, isCancelled: isCancelled) {
        (i: Int, _: Int) throws(E) -> R in try body(items[i])
    }
}

/// Runs `body(0)` on the calling thread and `body(1)` … `body(n - 1)` on threads of their own, and returns
/// when all have (`pthread_create`, `pthread_join`): exactly `n` threads, as `--threads` asks, whatever the
/// number of cores.
func runWorkers(_ n: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        let boxes = (1..<max(1, n)).map { WorkerBox(index: $0, body: body) }
        var threads: [pthread_t] = []
        for box in boxes {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(box).toOpaque()
            if pthread_create(&thread, nil, runWorkerBox, context) == 0 {
                threads.append(thread)
            } else {
                // No thread to be had: the work is done on this one.
                Unmanaged<WorkerBox>.fromOpaque(context).release()
                body(box.index)
            }
        }
        body(0)
        for thread in threads { pthread_join(thread, nil) }
    }
}

/// One worker's index and body, handed to its thread.
private final class WorkerBox: @unchecked Sendable {
    let index: Int
    let body: (Int) -> Void
    init(index: Int, body: @escaping (Int) -> Void) {
        self.index = index
        self.body = body
    }
}

#if canImport(Glibc)
private func runWorkerBox(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let box = Unmanaged<WorkerBox>.fromOpaque(context!).takeRetainedValue()
    box.body(box.index)
    return nil
}
#else
private func runWorkerBox(_ context: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
    let box = Unmanaged<WorkerBox>.fromOpaque(context).takeRetainedValue()
    box.body(box.index)
    return nil
}
#endif

/// The shared state of one `parallelMap`: the next index to hand out, finished results waiting for their
/// turn, the first failure. All access is under one lock.
private final class StreamState<R, E: Error & Sendable>: @unchecked Sendable {
    private let lock = Lock()
    private let count: Int
    private let ahead: Int
    private let deliver: (Int, R) throws(E) -> Void
    private let progress: (@Sendable (Int, Int) -> Void)?
    private var next = 0
    private var delivered = 0
    private var finished = 0
    private var waiting: [Int: Result<R, E>] = [:]
    /// An item failed: no new item starts (the failure is thrown once every item before it is delivered).
    private var stopped = false
    private var failure: E?

    init(count: Int, ahead: Int, deliver: @escaping (Int, R) throws(E) -> Void, progress: (@Sendable (Int, Int) -> Void)?) {
        self.count = count
        self.ahead = ahead
        self.deliver = deliver
        self.progress = progress
    }

    /// The next index to work on, or nil when all are taken or an item failed; waits while the worker would
    /// run more than `ahead` items past the oldest undelivered one.
    func claim() -> Int? {
        lock.withLock {
            while !stopped, next < count, next - delivered >= ahead { lock.wait() }
            guard !stopped, next < count else { return nil }
            next += 1
            return next - 1
        }
    }

    /// Stores item `i`'s result and delivers every result whose turn has come.
    func finish(_ i: Int, _ result: Result<R, E>) {
        lock.withLock {
            defer { lock.broadcast() }
            finished += 1
            progress?(finished, count)
            waiting[i] = result
            if case .failure = result { stopped = true }
            while failure == nil, let ready = waiting.removeValue(forKey: delivered) {
                do throws(E) {
                    try deliver(delivered, try ready.get())
                    delivered += 1
                } catch {
                    failure = error
                    stopped = true
                    waiting.removeAll()
                }
            }
        }
    }

    /// After the workers: the failure, a cancellation, or nothing when every item was delivered.
    func outcome() throws(ParallelMapFailure<E>) {
        try lock.withLock { () throws(ParallelMapFailure<E>) in
            if let failure { throw .failed(failure) }
            if delivered < count { throw .cancelled(finished: delivered, total: count) }
        }
    }
}
