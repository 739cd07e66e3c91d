import Audio
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Feature extraction over many files or signals, on several threads, delivering results in input order so
/// they can be streamed to disk (memory stays flat however many files there are).
///
/// Each item is loaded as `librosa.load` would (mono, soxr HQ to `settings.sampleRate`), cut into windows by
/// `windowing`, and each window becomes one row of `settings.vectorLength` values (see `FeatureExtractor`).
public struct FeatureRun: Sendable {
    /// One thing to extract features from.
    public struct Item: Sendable, Equatable {
        public enum Source: Sendable, Equatable {
            /// An audio file, decoded and resampled like `librosa.load`.
            case file(String)
            /// A signal already in memory (resampled to the analysis rate if needed).
            case signal(Signal)
        }

        public var source: Source
        /// The name rows carry in their `file` column.
        public var name: String
        /// Extra columns for every row of this item (speaker, emotion, augmentation, …).
        public var attributes: [String: String]

        public init(source: Source, name: String, attributes: [String: String] = [:]) {
            self.source = source
            self.name = name
            self.attributes = attributes
        }

        /// The item for a file found by `AudioFiles.find`.
        public init(_ entry: AudioFiles.Entry, attributes: [String: String] = [:]) {
            self.init(source: .file(entry.path), name: entry.name, attributes: attributes)
        }
    }

    /// An item that could not be processed.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The item's name.
        public var name: String
        /// What went wrong (for files, the error names the file).
        public var message: String
        public var description: String { message }
    }

    /// What a run did and where its time went.
    public struct Report: Sendable {
        public var items = 0
        public var windows = 0
        public var failures: [Failure] = []
        /// Wall-clock seconds.
        public var wall = 0.0
        /// Thread CPU seconds summed over threads, per stage.
        public var load = LoadProfile()
        public var features = FeatureProfile()
        /// Threads used.
        public var threads = 1
    }

    public var settings: FeatureSettings
    public var windowing: Windowing
    /// Worker threads (at least 1).
    public var threads: Int
    /// Skip items that fail (they are listed in the report) instead of stopping at the first failure.
    public var skipBad: Bool
    /// Measure per-stage CPU time (`Report.load`, `Report.features`).
    public var profiling: Bool

    public init(settings: FeatureSettings = FeatureSettings(), windowing: Windowing = Windowing(), threads: Int = 1,
                skipBad: Bool = false, profiling: Bool = false) {
        self.settings = settings
        self.windowing = windowing
        self.threads = max(1, threads)
        self.skipBad = skipBad
        self.profiling = profiling
    }

    /// The attribute columns a table of these items has (FeatureTable's column order).
    public static func attributeNames(_ items: [Item]) -> [String] {
        FeatureTable.columnOrder(Set(items.flatMap(\.attributes.keys)))
    }

    /// Extracts features of all items into a table in memory. Throws the first failure unless `skipBad`.
    public func table(_ items: [Item], progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in })
        throws(Failure) -> (table: FeatureTable, report: Report)
    {
        let box = TableBox(width: settings.vectorLength)
        let report = try run(items, progress: progress) { (result) throws(Failure) in
            for (i, row) in result.rows.enumerated() {
                box.table.append(result.values[(i * box.table.width)..<((i + 1) * box.table.width)], row)
            }
        }
        return (box.table, report)
    }

    /// Extracts features of all items and streams them to `prefix.npy` / `prefix.csv` (written atomically
    /// when the run succeeds; nothing is written when it fails). Throws the first failure unless `skipBad`.
    public func write(_ items: [Item], to prefix: String, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in })
        throws(Failure) -> Report
    {
        let writer: FeatureTableWriter
        do {
            writer = try FeatureTableWriter(prefix: prefix, width: settings.vectorLength,
                                            attributeNames: FeatureRun.attributeNames(items))
        } catch { throw Failure(name: prefix, message: error.description) }
        let box = WriterBox(writer)
        let report = try run(items, progress: progress) { (result) throws(Failure) in
            for (i, row) in result.rows.enumerated() {
                let width = box.writer.width
                do { try box.writer.append(result.values[(i * width)..<((i + 1) * width)], row) } catch {
                    throw Failure(name: row.file, message: "\(error)")
                }
            }
        }
        do { try writer.finish() } catch { throw Failure(name: prefix, message: error.description) }
        return report
    }

    /// One item's rows.
    struct Result {
        var rows: [FeatureRow] = []
        var values: [Float] = []
        var failure: Failure?
    }

    /// The core: workers take items in order, results are handed to `sink` in input order under the lock.
    func run(_ items: [Item], progress: @escaping @Sendable (Int, Int) -> Void,
             sink: @escaping (Result) throws(Failure) -> Void) throws(Failure) -> Report {
        let start = wallClock()
        let state = RunState(count: items.count, aheadLimit: 4 * threads, sink: sink, progress: progress,
                             skipBad: skipBad)
        let workers = min(threads, max(1, items.count))
        let job = self
        let worker: @Sendable () -> Void = {
            let extractor = FeatureExtractor(settings: job.settings)
            extractor.profiling = job.profiling
            var load = LoadProfile()
            let resampler = Resampler.Session()
            while let index = state.next() {
                let result = job.process(items[index], extractor: extractor, resampler: resampler, load: &load)
                state.deliver(index, result)
            }
            state.addProfile(load: load, features: extractor.profile)
        }
        if workers == 1 {
            worker()
        } else {
            let threads = (0..<workers).map { _ in Thread(worker) }
            threads.forEach { $0.join() }
        }
        if let failure = state.fatal { throw failure }
        var report = state.report
        report.items = items.count
        report.threads = workers
        report.wall = wallClock() - start
        return report
    }

    func process(_ item: Item, extractor: FeatureExtractor, resampler: Resampler.Session,
                 load: inout LoadProfile) -> Result {
        var result = Result()
        let sr = settings.sampleRate
        do {
            let samples: [Float]
            switch item.source {
            case .file(let path):
                samples = try Audio.load(path, sampleRate: sr, profile: &load, session: resampler).samples
            case .signal(let signal):
                if signal.sampleRate == sr {
                    samples = signal.samples
                } else {
                    let t = LoadProfile.now()
                    samples = try resampler.resample(signal.samples, from: signal.sampleRate, to: sr)
                    load.resample += LoadProfile.now() - t
                }
            }
            guard !samples.isEmpty else {
                return Result(failure: Failure(name: item.name, message: "\(item.name): the signal is empty"))
            }
            let ranges = windowing.ranges(sampleCount: samples.count, sampleRate: sr)
            result.values = extractor.vectors(samples, windows: ranges)
            let width = settings.vectorLength
            if let bad = result.values.firstIndex(where: { !$0.isFinite }) {
                return Result(failure: Failure(name: item.name, message:
                    "\(item.name): window \(bad / width) gives a non-finite feature (\(result.values[bad]) at position \(bad % width)); the audio holds NaN or infinite samples"))
            }
            result.rows = ranges.enumerated().map { i, r in
                FeatureRow(file: item.name, window: i, start: Double(r.lowerBound) / Double(sr),
                           end: Double(r.upperBound) / Double(sr), attributes: item.attributes)
            }
        } catch {
            result.failure = Failure(name: item.name, message: error.description)
        }
        return result
    }
}

private func wallClock() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

private final class TableBox: @unchecked Sendable {
    var table: FeatureTable
    init(width: Int) { table = FeatureTable(width: width) }
}

private final class WriterBox: @unchecked Sendable {
    let writer: FeatureTableWriter
    init(_ writer: FeatureTableWriter) { self.writer = writer }
}

/// The shared state of a run: the next item to hand out, finished results waiting for their turn, the
/// report. All access is under one mutex; workers wait (condition variable) rather than run more than
/// `aheadLimit` items ahead of the oldest unfinished one, which keeps memory bounded.
private final class RunState: @unchecked Sendable {
    let count: Int
    let aheadLimit: Int
    let sink: (FeatureRun.Result) throws(FeatureRun.Failure) -> Void
    let progress: @Sendable (Int, Int) -> Void
    let skipBad: Bool
    var nextIndex = 0
    var nextToDeliver = 0
    var pending: [Int: FeatureRun.Result] = [:]
    var fatal: FeatureRun.Failure?
    var report = FeatureRun.Report()
    private let lock = Lock()

    init(count: Int, aheadLimit: Int, sink: @escaping (FeatureRun.Result) throws(FeatureRun.Failure) -> Void,
         progress: @escaping @Sendable (Int, Int) -> Void, skipBad: Bool) {
        self.count = count
        self.aheadLimit = aheadLimit
        self.sink = sink
        self.progress = progress
        self.skipBad = skipBad
    }

    /// The next item to process, or nil when there is none left (or the run failed).
    func next() -> Int? {
        lock.withLock {
            while fatal == nil && nextIndex < count && nextIndex - nextToDeliver >= aheadLimit {
                lock.wait()
            }
            guard fatal == nil, nextIndex < count else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    /// Hands in item `index`'s result; delivers every result whose turn has come.
    func deliver(_ index: Int, _ result: FeatureRun.Result) {
        lock.withLock { deliverLocked(index, result) }
    }

    private func deliverLocked(_ index: Int, _ result: FeatureRun.Result) {
        defer { lock.broadcast() }
        pending[index] = result
        while fatal == nil, let ready = pending.removeValue(forKey: nextToDeliver) {
            if let failure = ready.failure {
                report.failures.append(failure)
                if !skipBad { fatal = failure; return }
            } else {
                do { try sink(ready) } catch { fatal = error; return }
                report.windows += ready.rows.count
            }
            nextToDeliver += 1
            progress(nextToDeliver, count)
        }
    }

    func addProfile(load: LoadProfile, features: FeatureProfile) {
        lock.withLock {
            report.load.decode += load.decode
            report.load.resample += load.resample
            report.features = report.features + features
        }
    }
}

/// A joinable POSIX thread running a closure (`pthread_create` / `pthread_join`).
final class Thread {
    private var handle = pthread_t()

    init(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        let status = pthread_create(&handle, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed: \(status)")
    }

    func join() { pthread_join(handle, nil) }

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
