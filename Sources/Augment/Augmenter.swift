import Audio
import Features
import Dispatch
import Support

/// Applies augmentations to signals and keeps their provenance; the entry point for the training side.
public enum Augmenter {
    /// Applies one augmentation to a signal: time stretch, then pitch shift, then noise (whichever are present).
    /// `seed` drives the noise; augmentations without noise ignore it.
    public static func apply(_ augmentation: Augmentation, to signal: Signal, seed: UInt64) throws(AugmentError) -> Signal {
        var memo = try Memo(signal)
        return try memo.apply(augmentation, seed: seed)
    }

    /// The deterministic intermediate results of one original's augmentations (the stretched signal, the
    /// STFT analyses), so a recipe computes each of them once: the `study` recipe's seven copies need two STFT
    /// analyses and three phase-vocoder passes instead of twelve. Results are the same samples as applying
    /// each augmentation on its own.
    struct Memo {
        private var signals: [[Transform]: Signal]
        private var analyses: [[Transform]: TimeStretch.Analysis] = [:]

        init(_ original: Signal) throws(AugmentError) {
            guard !original.samples.isEmpty else {
                throw AugmentError(.badSignal, "cannot augment an empty signal")
            }
            signals = [[]: original]
        }

        mutating func apply(_ augmentation: Augmentation, seed: UInt64) throws(AugmentError) -> Signal {
            var chain: [Transform] = []
            var noise: NoiseLevel?
            for transform in augmentation.transforms {
                if case .noise(let level) = transform { noise = level } else { chain.append(transform) }
            }
            var result = try signal(chain)
            if let noise {
                result.samples = NoiseInjection.apply(result.samples, level: noise, seed: seed)
            }
            return result
        }

        /// The result of the noise-free transforms `chain` (in application order), from the cache if made before.
        private mutating func signal(_ chain: [Transform]) throws(AugmentError) -> Signal {
            if let done = signals[chain] { return done }
            let prefix = Array(chain.dropLast())
            let input = try signal(prefix)
            let output: Signal
            switch chain[chain.count - 1] {
            case .stretch(let rate):
                output = Signal(samples: try TimeStretch.apply(try analysis(prefix, of: input), rate: rate),
                                sampleRate: input.sampleRate)
            case .pitch(let semitones):
                output = try PitchShift.apply(input, analysis: try analysis(prefix, of: input), semitones: semitones)
            case .noise:
                preconditionFailure("noise is applied after the deterministic chain")
            }
            signals[chain] = output
            return output
        }

        private mutating func analysis(_ chain: [Transform], of signal: Signal) throws(AugmentError) -> TimeStretch.Analysis {
            if let done = analyses[chain] { return done }
            let made = try TimeStretch.analysis(signal.samples)
            analyses[chain] = made
            return made
        }
    }

    /// The seed of the noise for one augmented copy, derived from the run's seed, the source's name and the
    /// augmentation's parameters (FNV-1a + SplitMix64): stable across runs, machines and thread schedules,
    /// different for every file and every augmentation.
    public static func seed(run: UInt64, source: String, augmentation: Augmentation) -> UInt64 {
        SplitMix64.mix(run ^ SplitMix64.mix(stableHash(source) ^ SplitMix64.mix(stableHash(augmentation.parameters))))
    }

    /// The augmented copies of one original signal, one per augmentation of `recipe`, in recipe order, each
    /// carrying its provenance (source, augmentation, and the noise seed when noise is added).
    public static func augment(_ original: AugmentedSignal, recipe: Recipe, seed run: UInt64) throws(AugmentError) -> [AugmentedSignal] {
        let source = original.provenance.source
        guard !original.provenance.isAugmented else {
            throw AugmentError(.badParameter, path: source,
                               "already augmented (\(original.provenance.augmentation?.name ?? "")): augment originals only")
        }
        var copies: [AugmentedSignal] = []
        copies.reserveCapacity(recipe.augmentations.count)
        var memo: Memo
        do { memo = try Memo(original.signal) } catch {
            throw AugmentError(error.code, path: source, error.message)
        }
        for augmentation in recipe.augmentations {
            let seed = self.seed(run: run, source: source, augmentation: augmentation)
            let signal: Signal
            do { signal = try memo.apply(augmentation, seed: seed) } catch {
                throw AugmentError(error.code, path: source, "\(augmentation.name): \(error.message)")
            }
            // The one rule for non-finite audio holds for what augmentation makes too (noise=1e300 overflows).
            if let problem = FeatureRun.nonFinite(samples: signal.samples, sampleRate: signal.sampleRate) {
                throw AugmentError(.badSignal, path: source, "\(augmentation.name): \(problem) (the augmentation overflows float32: lower its level)")
            }
            copies.append(AugmentedSignal(signal: signal, provenance: Provenance(
                source: source, augmentation: augmentation, seed: augmentation.isRandom ? seed : nil)))
        }
        return copies
    }

    /// Augments the training side of a split: each original in `training` followed by its augmented copies
    /// (recipe order), or only the copies when `includeOriginals` is false.
    ///
    /// Augmentation is for training data only. Pass the sources of the validation and test files as
    /// `heldOut`: if any training item comes from one of them, nothing is augmented and the error names the
    /// file (`AugmentError.Code.leak`). Items are processed on up to `threads` threads (default: all cores);
    /// the result does not depend on the thread count. `progress(done, total)` is called as items finish
    /// (from worker threads); when `isCancelled` returns true, workers take no new item and the call throws
    /// `AugmentError.Code.cancelled`.
    public static func augmentTraining(
        _ training: [AugmentedSignal], recipe: Recipe, seed: UInt64,
        heldOut: Set<String> = [], includeOriginals: Bool = true, threads: Int? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil,
        isCancelled: (@Sendable () -> Bool)? = nil
    ) throws(AugmentError) -> [AugmentedSignal] {
        for item in training where heldOut.contains(item.provenance.source) {
            throw AugmentError(.leak, path: item.provenance.source,
                               "is held out for validation or testing: its augmented copies must not enter training")
        }
        let results = try parallelMap(training, threads: threads, progress: progress, isCancelled: isCancelled) { item throws(AugmentError) in
            try augment(item, recipe: recipe, seed: seed)
        }
        var out: [AugmentedSignal] = []
        out.reserveCapacity(training.count * (recipe.augmentations.count + (includeOriginals ? 1 : 0)))
        for (item, copies) in zip(training, results) {
            if includeOriginals { out.append(item) }
            out.append(contentsOf: copies)
        }
        return out
    }

    /// `body` over `items` on up to `threads` threads, results in input order. After a failure no new item
    /// starts, and the error of the first failed item (in input order) is thrown; once `isCancelled` returns
    /// true, no new item starts either and `AugmentError.Code.cancelled` is thrown.
    public static func parallelMap<T: Sendable, R: Sendable>(
        _ items: [T], threads: Int? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil,
        isCancelled: (@Sendable () -> Bool)? = nil,
        _ body: @Sendable (T) throws(AugmentError) -> R
    ) throws(AugmentError) -> [R] {
        do {
            return try Support.parallelMap(items, threads: threads, progress: progress, isCancelled: isCancelled, body)
        } catch {
            switch error {
            case .failed(let error): throw error
            case .cancelled(let finished, let total):
                throw AugmentError(.cancelled, "cancelled after \(finished) of \(total) items")
            }
        }
    }
}
