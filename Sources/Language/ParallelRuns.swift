import Support
import Synchronization

/// Independent runs of one verb (the seeds of `repeat`, the folds of `crossval`) on the session's `threads`
/// workers at once.
///
/// Each run gets its own `Call` (own printed lines, own progress slot) and must draw every random number from
/// its own seeded streams, so its result does not depend on which worker runs it or when. The runs' printed
/// lines are appended to `call` in run order and the results come back in run order: the output and the
/// results are the same for any worker count, and the same as running the runs one after another.
/// After a failure no new run starts and the error of the first failed run (in run order) is thrown.
extension Call {
    func parallelRuns<R: Sendable>(
        _ count: Int, arguments: (Int) -> [String: Bound] = { _ in [:] },
        _ body: @escaping @Sendable (_ run: Int, _ call: Call) throws -> R
    ) throws -> [R] {
        guard count > 0 else { return [] }
        let board = ProgressBoard(count: count, sink: progressSink)
        let calls = (0..<count).map { i in
            let extra = arguments(i)
            let run = Call(self, arguments: self.arguments.merging(extra) { $1 }, given: given.union(extra.keys))
            run.progressSink = { board.report(run: i, $0) }
            return run
        }
        // Run i's call is only touched by the worker running run i, and by the caller after every worker finished.
        let shared = Unchecked(calls)
        let results: [R]
        do {
            results = try parallelMap(count: count, threads: threads) { (i: Int, _: Int) throws(any Error) -> R in
                defer { board.finished(run: i) }
                return try body(i, shared.value[i])
            }
        } catch {
            switch error {
            case .failed(let error): throw error
            case .cancelled: throw Cancelled()
            }
        }
        // What the runs printed, in run order.
        for call in calls {
            for line in call.text { print(line) }
            figures += call.figures
        }
        return results
    }
}

/// One progress line for several runs at once: the runs finished and the latest line of each run in progress
/// (`2/5 done · fold 3/5 epoch 12/200 … · fold 4/5 epoch 7/200 …`).
final class ProgressBoard: Sendable {
    private struct State {
        var lines: [String?]
        var done = 0
    }
    private let state: Mutex<State>
    private let count: Int
    private let sink: @Sendable (String?) -> Void

    init(count: Int, sink: @escaping (String?) -> Void) {
        self.count = count
        state = Mutex(State(lines: Array(repeating: nil, count: count)))
        // Called under the board's lock: one call at a time.
        let unchecked = Unchecked(sink)
        self.sink = { unchecked.value($0) }
    }

    func report(run: Int, _ line: String?) {
        state.withLock { s in
            s.lines[run] = line
            show(s)
        }
    }

    func finished(run: Int) {
        state.withLock { s in
            s.lines[run] = nil
            s.done += 1
            show(s)
        }
    }

    private func show(_ s: State) {
        let running = s.lines.compactMap { $0 }
        if count == 1 {
            sink(running.first)
        } else {
            sink((["\(s.done)/\(count) done"] + running).joined(separator: " · "))
        }
    }
}
