import Synchronization

/// Progress of a notebook run as plain lines, for logs and CI (`ser run … | cat`, `--progress plain`):
///
/// ```
/// 02-emovo-baseline: cell 6/8 [train-emovo] …
/// 02-emovo-baseline: cell 6/8 [train-emovo] epoch 20/200 loss 1.52 val_loss 1.61 val_acc 0.41
/// 02-emovo-baseline: cell 6/8 [train-emovo] ok 11.0 s
/// 02-emovo-baseline: cell 7/8 [evaluate] ok 0.02 s, 1 from cache
/// 02-emovo-baseline: cell 8/8 failed: notebooks/02-emovo-baseline.md:88: error: …
/// ```
///
/// One line when a cell starts and one when it ends (or is skipped); while a long statement runs, one of
/// its progress lines each time it passes another tenth of its work, or after `interval` seconds without
/// a line. How far a statement is comes from the counters in its progress line: `features 120/588 files`
/// is 20 % done; nested counters (`fold 2/6 epoch 30/100`) count the outer one as begun, not done.
public final class PlainRunProgress: Sendable {
    private struct State {
        var prefix = ""
        var lastLine = 0.0
        var lastTenth = 0
    }

    private let state = Synchronization.Mutex(State())
    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> Double
    private let interval: Double

    /// - Parameters:
    ///   - interval: seconds after which a progress line is shown even if no tenth was passed (default 30).
    ///   - now: a monotonic clock in seconds (tests pass their own).
    ///   - write: receives each line, ending in a newline (default: stdout).
    public init(interval: Double = 30, now: @escaping @Sendable () -> Double = monotonicSeconds,
                write: @escaping @Sendable (String) -> Void) {
        self.interval = interval
        self.now = now
        self.write = write
    }

    public func handle(_ event: RunEvent) {
        let line: String? = state.withLock { state in
            switch event {
            case .cellStarted(let notebook, let cell, let number, let total):
                state.prefix = "\(Self.shortName(notebook)): cell \(number)/\(total)" + (cell.label.map { " [\($0)]" } ?? "")
                state.lastLine = now()
                state.lastTenth = 0
                return state.prefix + " …"
            case .detail(let text):
                guard !text.isEmpty, !state.prefix.isEmpty else { return nil }
                let time = now()
                let tenth = Self.fraction(of: text).map { Int(($0 * 10).rounded(.down)) } ?? state.lastTenth
                guard tenth > state.lastTenth || time - state.lastLine >= interval else { return nil }
                state.lastTenth = max(state.lastTenth, tenth)
                state.lastLine = time
                return state.prefix + " " + text
            case .cellFinished(let notebook, let result):
                let prefix: String
                if state.prefix.isEmpty || result.status == .cancelled && result.seconds == 0 {
                    prefix = "\(Self.shortName(notebook)): \(result.cell.title)"
                } else {
                    prefix = state.prefix
                }
                state.prefix = ""
                return prefix + " " + Self.describe(result)
            }
        }
        if let line { write(line + "\n") }
    }

    /// `ok 11.0 s`, `ok 0.02 s, 2 from cache`, `failed: file:line: message`, `skipped (reason)`.
    static func describe(_ result: CellResult) -> String {
        switch result.status {
        case .ok:
            let hits = result.output.cacheHits
            return "ok " + format(seconds: result.seconds) + (hits > 0 ? ", \(hits) from cache" : "")
        case .failed(_, let message):
            return "failed: " + (message.split(separator: "\n").first.map(String.init) ?? message)
        case .skipped(let reason): return "skipped (\(reason))"
        case .notRun: return "not run"
        case .cancelled: return "cancelled (Ctrl-C) after " + format(seconds: result.seconds)
        }
    }

    /// `notebooks/02-emovo-baseline.md` → `02-emovo-baseline`.
    static func shortName(_ path: String) -> String {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        return base.hasSuffix(".md") ? String(base.dropLast(3)) : base
    }

    /// How much of its work a progress line says is done, from its `n/m` counters (0…1), or nil when it
    /// has none. `features 120/588 files` → 0.204; `fold 2/6 epoch 30/100` → (1 + 0.3) / 6.
    static func fraction(of text: String) -> Double? {
        var counters: [(Double, Double)] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func number(at start: Int) -> (Double, Int)? {
            var j = start
            while j < scalars.count, ("0"..."9").contains(scalars[j]) { j += 1 }
            guard j > start, let value = Double(String(String.UnicodeScalarView(scalars[start..<j]))) else { return nil }
            return (value, j)
        }
        while i < scalars.count {
            let startsNumber = ("0"..."9").contains(scalars[i]) && (i == 0 || !("0"..."9").contains(scalars[i - 1]) && scalars[i - 1] != ".")
            if startsNumber, let (done, slash) = number(at: i), slash < scalars.count, scalars[slash] == "/",
               let (total, end) = number(at: slash + 1), total > 0, done <= total {
                counters.append((done, total))
                i = end
            } else {
                i += 1
            }
        }
        guard let last = counters.popLast() else { return nil }
        var fraction = last.0 / last.1
        while let outer = counters.popLast() {
            fraction = (max(0, outer.0 - 1) + fraction) / outer.1
        }
        return min(1, max(0, fraction))
    }
}

/// Seconds since the process started, on a monotonic clock (`ContinuousClock`).
@Sendable public func monotonicSeconds() -> Double {
    let elapsed = processStart.duration(to: .now).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
}

private let processStart = ContinuousClock.now
