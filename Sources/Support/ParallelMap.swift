import Dispatch
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

/// `body` over the indices `0..<count` on up to `threads` threads (all cores when nil), results in index order.
///
/// Workers take the next index as they become free, so a slow item does not hold up a fixed share of the
/// work; `body` also gets the worker's number (`0..<threads`) for per-worker scratch resources. `progress`
/// is called after each item with (items finished, count), from worker threads, one call at a time. After a failure no new item
/// starts and the error of the first failed item in input order is thrown; once `isCancelled` returns true no
/// new item starts either and `.cancelled` is thrown. Results do not depend on the number of threads.
public func parallelMap<R: Sendable, E: Error & Sendable>(
    count: Int, threads: Int? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil,
    isCancelled: (@Sendable () -> Bool)? = nil,
    _ body: @Sendable (_ index: Int, _ worker: Int) throws(E) -> R
) throws(ParallelMapFailure<E>) -> [R] {
    guard count > 0 else { return [] }
    let state = MapState<R, E>(count: count)
    let workers = max(1, min(threads ?? availableCores, count))
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        while isCancelled?() != true, let i = state.claim() {
            let result: Result<R, E>
            do throws(E) { result = .success(try body(i, worker)) } catch { result = .failure(error) }
            state.set(i, result, progress: progress)
        }
    }
    let (results, finished) = state.take()
    for case .failure(let error)? in results { throw .failed(error) }
    var out: [R] = []
    out.reserveCapacity(count)
    for case .success(let value)? in results { out.append(value) }
    guard out.count == count else { throw .cancelled(finished: finished, total: count) }
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

/// The shared state of one `parallelMap`: the next index, the results, whether an item failed.
private final class MapState<R, E: Error>: @unchecked Sendable {
    private let lock = Lock()
    private var slots: [Result<R, E>?]
    private var next = 0
    private var finished = 0
    private var failed = false

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The next index to work on, or nil when all are taken or an item failed.
    func claim() -> Int? {
        lock.withLock {
            guard !failed, next < slots.count else { return nil }
            next += 1
            return next - 1
        }
    }

    /// Stores item `i`'s result and reports progress (under the lock, so counts never go backwards).
    func set(_ i: Int, _ result: Result<R, E>, progress: (@Sendable (Int, Int) -> Void)?) {
        lock.withLock {
            slots[i] = result
            if case .failure = result { failed = true }
            finished += 1
            progress?(finished, slots.count)
        }
    }

    func take() -> ([Result<R, E>?], Int) { lock.withLock { (slots, finished) } }
}
