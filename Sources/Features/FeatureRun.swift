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
        /// The run was stopped by Ctrl-C (`isCancelled`), not by an item.
        public var isCancellation = false
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
    /// Polled before each item: true stops the run (Ctrl-C); nothing is written.
    public var isCancelled: (@Sendable () -> Bool)?
    /// Files longer than this many seconds are streamed: read, mixed and resampled chunk by chunk, each window's
    /// features computed as soon as its samples are there, so memory does not grow with the length (see
    /// docs/cli.md, "Failure behaviour", for the measurement). The rows are the same as from a whole-file load.
    public var streamAbove: Double = 120

    /// The corpus layout the items come from and whether it is a synthetic demo corpus (for the recipe).
    public var corpus: String?
    public var demo = false
    /// Which blocks of the vector each row keeps, in this order (default: mel, MFCC, chroma — all 160 values).
    public var blocks: [FeatureBlock] = FeatureBlock.allCases
    /// Signals made from each item's signal, after it: each gets rows of its own with its own attributes,
    /// named like the item (the `features` verb's `augment=study` passes the augmented copies). The item's
    /// own signal keeps `attributes(original)`'s columns. nil: only the item's own signal.
    public var derived: (@Sendable (_ signal: Signal, _ item: Item) throws -> Derived)?
    /// The attribute columns `derived` adds (`write` names its columns before the first row).
    public var derivedAttributeNames: [String] = []

    /// What `derived` makes of one item's signal: the attributes of the original's rows, and the copies.
    public struct Derived: Sendable {
        public var original: [String: String]
        public var copies: [(signal: Signal, attributes: [String: String])]
        public init(original: [String: String], copies: [(signal: Signal, attributes: [String: String])]) {
            self.original = original
            self.copies = copies
        }
    }

    /// How the rows of this run are made (the table's recipe, `PREFIX.json`).
    public var recipe: FeatureRecipe {
        FeatureRecipe(settings: settings, windowing: windowing, blocks: blocks, corpus: corpus, demo: demo)
    }

    /// Values per row: the widths of `blocks`.
    public var width: Int { blocks.reduce(0) { $0 + $1.width(settings) } }

    /// The row of `blocks` out of full vectors (`settings.vectorLength` values each), or the same vectors
    /// when every block is kept in order.
    func selected(_ full: [Float]) -> [Float] {
        guard blocks != FeatureBlock.allCases else { return full }
        let columns = blocks.flatMap { Array($0.columns(settings)) }
        let n = settings.vectorLength
        var out: [Float] = []
        out.reserveCapacity(full.count / n * columns.count)
        for r in 0..<(full.count / n) { for c in columns { out.append(full[r * n + c]) } }
        return out
    }

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
        var table = FeatureTable(width: width)
        table.recipe = recipe
        let width = table.width
        let report = try run(items, progress: progress) { (result) throws(Failure) in
            for (i, row) in result.rows.enumerated() {
                table.append(result.values[(i * width)..<((i + 1) * width)], row)
            }
        }
        return (table, report)
    }

    /// Extracts features of all items and streams them to `prefix.npy` / `prefix.csv` (written atomically
    /// when the run succeeds; nothing is written when it fails). Throws the first failure unless `skipBad`.
    public func write(_ items: [Item], to prefix: String, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in })
        throws(Failure) -> Report
    {
        let writer: FeatureTableWriter
        do {
            writer = try FeatureTableWriter(prefix: prefix, width: width,
                                            attributeNames: FeatureTable.columnOrder(Set(FeatureRun.attributeNames(items) + derivedAttributeNames)),
                                            recipe: recipe)
        } catch { throw Failure(name: prefix, message: error.description) }
        let width = writer.width
        let report = try run(items, progress: progress) { (result) throws(Failure) in
            for (i, row) in result.rows.enumerated() {
                do throws(FeaturesError) { try writer.append(result.values[(i * width)..<((i + 1) * width)], row) } catch {
                    throw Failure(name: row.file, message: error.description)
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

    /// The core: Support's ordered parallel map over the items, each worker with its own extractor and
    /// resampler; results reach `sink` in input order, at most `4 × threads` items ahead of the oldest one
    /// not yet written (memory stays bounded). A failure stops the run unless `skipBad`; `isCancelled`
    /// (Ctrl-C) stops it at the next file with `Failure.isCancellation`.
    func run(_ items: [Item], progress: @escaping @Sendable (Int, Int) -> Void,
             sink: (Result) throws(Failure) -> Void) throws(Failure) -> Report {
        let start = wallClock()
        let workers = min(threads, max(1, items.count))
        let scratch = (0..<workers).map { _ in WorkerScratch(settings: settings, profiling: profiling) }
        var report = Report()
        let job = self
        do {
            try parallelMap(count: items.count, threads: workers, ahead: 4 * threads, progress: progress, isCancelled: isCancelled) {
                (index: Int, worker: Int) throws(Failure) -> Result in
                let result = scratch[worker].process(items[index], in: job)
                if let failure = result.failure, !job.skipBad { throw failure }
                return result
            } deliver: { (_, result) throws(Failure) in
                if let failure = result.failure {
                    report.failures.append(failure)
                } else {
                    try sink(result)
                    report.windows += result.rows.count
                }
            }
        } catch {
            switch error {
            case .failed(let failure): throw failure
            case .cancelled(let finished, let total):
                throw Failure(name: "", message: "stopped by Ctrl-C after \(finished) of \(total) files", isCancellation: true)
            }
        }
        if !items.isEmpty, report.failures.count == items.count {
            // --skip-bad with nothing good: an empty table is not a result.
            let first = report.failures[0].message
            throw Failure(name: items[0].name, message: items.count == 1 ? first
                          : "all \(items.count) files failed; nothing to write (first: \(first))")
        }
        for worker in scratch {
            report.load.decode += worker.load.decode
            report.load.resample += worker.load.resample
            report.features = report.features + worker.extractor.profile
        }
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
                let reader = try SoundFile.Reader(path)
                if derived == nil, let frames = reader.frames, Double(frames) / Double(reader.sampleRate) > streamAbove {
                    return try streamed(item, reader: reader, extractor: extractor, resampler: resampler, load: &load)
                }
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
            var signals = [(samples: samples, attributes: item.attributes)]
            if let derived {
                let made = try derived(Signal(samples: samples, sampleRate: sr), item)
                signals = [(samples, made.original)] + made.copies.map { ($0.signal.samples, $0.attributes) }
            }
            for (samples, attributes) in signals {
                if let problem = FeatureRun.nonFinite(samples: samples, sampleRate: sr) {
                    return Result(failure: Failure(name: item.name, message: "\(item.name): \(problem)"))
                }
                let ranges = windowing.ranges(sampleCount: samples.count, sampleRate: sr)
                let values = extractor.vectors(samples, windows: ranges)
                if let problem = FeatureRun.nonFinite(features: values, width: settings.vectorLength, samples: samples) {
                    return Result(failure: Failure(name: item.name, message: "\(item.name): \(problem)"))
                }
                result.values += selected(values)
                result.rows += ranges.enumerated().map { i, r in
                    FeatureRow(file: item.name, window: i, start: Double(r.lowerBound) / Double(sr),
                               end: Double(r.upperBound) / Double(sr), attributes: attributes)
                }
            }
        } catch {
            result.failure = Failure(name: item.name, message: userMessage(error))
        }
        return result
    }
}

extension FeatureRun {
    /// The rule for non-finite audio, one for every command: the first NaN or infinite sample, by index and time.
    public static func nonFinite(samples: [Float], sampleRate: Int) -> String? {
        guard !Support.allFinite(samples), let bad = samples.firstIndex(where: { !$0.isFinite }) else { return nil }
        let seconds = (Double(bad) / Double(sampleRate) * 10).rounded() / 10
        return "sample \(bad) (\(seconds) s) is \(samples[bad]); audio must be finite"
    }

    /// The rule for non-finite features of finite audio: the window and position of the first, and why (power
    /// spectra of samples far outside [-1, 1] overflow float32, as they do in librosa).
    public static func nonFinite(features: [Float], width: Int, samples: [Float]) -> String? {
        guard let bad = features.firstIndex(where: { !$0.isFinite }) else { return nil }
        let peak = largestMagnitude(samples)
        return "window \(bad / width) gives a non-finite feature (\(features[bad]) at position \(bad % width)): the samples reach \(peak), and their power spectrum overflows float32; audio is expected in [-1, 1]"
    }
}

extension FeatureRun {
    /// One long file, streamed: chunks are decoded, mixed to mono and resampled as they come (the same soxr
    /// calls as a whole-file load makes), and each window's vector is computed once its samples are there.
    func streamed(_ item: Item, reader: SoundFile.Reader, extractor: FeatureExtractor, resampler: Resampler.Session,
                  load: inout LoadProfile) throws -> Result {
        let sr = settings.sampleRate
        guard sampleRates.contains(sr) else {
            throw AudioError(.badParameter, "sample rate \(sr) Hz is out of range: ser resamples to \(sampleRates.lowerBound)…\(sampleRates.upperBound) Hz")
        }
        let frames = reader.frames ?? 0
        let stream = try resampler.stream(from: reader.sampleRate, to: sr)
        let total = Resampler.outputLength(inputLength: frames, from: reader.sampleRate, to: sr)
        let ranges = windowing.ranges(sampleCount: total, sampleRate: sr)
        let width = settings.vectorLength
        var values: [Float] = []
        values.reserveCapacity(ranges.count * width)
        var buffer: [Float] = []   // samples base ..< base + buffer.count of the resampled signal
        var base = 0
        var next = 0
        var peak: Float = 0
        func drain() throws(Failure) {
            while next < ranges.count, base + buffer.count >= ranges[next].upperBound {
                let r = ranges[next]
                let window = Array(buffer[(r.lowerBound - base)..<(r.upperBound - base)])
                let vector = extractor.vectors(window, windows: [0..<window.count])
                if let bad = vector.firstIndex(where: { !$0.isFinite }) {
                    throw Failure(name: item.name, message: "\(item.name): window \(next) gives a non-finite feature (\(vector[bad]) at position \(bad)): the samples reach \(peak), and their power spectrum overflows float32; audio is expected in [-1, 1]")
                }
                values += vector
                next += 1
                let keepFrom = next < ranges.count ? ranges[next].lowerBound : base + buffer.count
                let drop = min(max(0, keepFrom - base), buffer.count)
                buffer.removeFirst(drop)
                base += drop
            }
        }
        let channels = reader.channels
        let scale = 1 / Float(channels)
        while true {
            let t0 = LoadProfile.now()
            guard let chunk = try reader.next() else { break }
            var mono: [Float]
            if channels == 1 {
                mono = chunk
            } else {
                mono = [Float](repeating: 0, count: chunk.count / channels)
                for f in 0..<mono.count {
                    var sum: Float = 0
                    for c in 0..<channels { sum += chunk[f * channels + c] }
                    mono[f] = sum * scale
                }
            }
            peak = max(peak, largestMagnitude(mono))
            let t1 = LoadProfile.now()
            buffer += try stream.push(mono)
            let t2 = LoadProfile.now()
            load.decode += t1 - t0
            load.resample += t2 - t1
            try drain()
        }
        try reader.finish()
        buffer += try stream.finish()
        try drain()
        var result = Result()
        result.values = selected(values)
        result.rows = ranges.enumerated().map { i, r in
            FeatureRow(file: item.name, window: i, start: Double(r.lowerBound) / Double(sr),
                       end: Double(r.upperBound) / Double(sr), attributes: item.attributes)
        }
        return result
    }
}

private func wallClock() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// One worker's extractor, soxr session and load profile, used only by that worker.
private final class WorkerScratch: @unchecked Sendable {
    let extractor: FeatureExtractor
    let resampler = Resampler.Session()
    var load = LoadProfile()

    init(settings: FeatureSettings, profiling: Bool) {
        extractor = FeatureExtractor(settings: settings)
        extractor.profiling = profiling
    }

    func process(_ item: FeatureRun.Item, in run: FeatureRun) -> FeatureRun.Result {
        run.process(item, extractor: extractor, resampler: resampler, load: &load)
    }
}
