import Audio
import Dispatch

/// Applies augmentations to signals and keeps their provenance; the entry point for the training side.
public enum Augmenter {
    /// Applies one augmentation to a signal: time stretch, then pitch shift, then noise (whichever are present).
    /// `seed` drives the noise; augmentations without noise ignore it.
    public static func apply(_ augmentation: Augmentation, to signal: Signal, seed: UInt64) throws(AugmentError) -> Signal {
        guard !signal.samples.isEmpty else {
            throw AugmentError(.badSignal, "cannot augment an empty signal")
        }
        var current = signal
        for transform in augmentation.transforms {
            switch transform {
            case .stretch(let rate):
                current = try TimeStretch.apply(current, rate: rate)
            case .pitch(let semitones):
                current = try PitchShift.apply(current, semitones: semitones)
            case .noise(let level):
                current.samples = NoiseInjection.apply(current.samples, level: level, seed: seed)
            }
        }
        return current
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
        for augmentation in recipe.augmentations {
            let seed = self.seed(run: run, source: source, augmentation: augmentation)
            let signal: Signal
            do { signal = try apply(augmentation, to: original.signal, seed: seed) } catch {
                throw AugmentError(error.code, path: source, "\(augmentation.name): \(error.message)")
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
    /// (from worker threads).
    public static func augmentTraining(
        _ training: [AugmentedSignal], recipe: Recipe, seed: UInt64,
        heldOut: Set<String> = [], includeOriginals: Bool = true, threads: Int? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws(AugmentError) -> [AugmentedSignal] {
        for item in training where heldOut.contains(item.provenance.source) {
            throw AugmentError(.leak, path: item.provenance.source,
                               "is held out for validation or testing: its augmented copies must not enter training")
        }
        let results = try parallelMap(training, threads: threads, progress: progress) { item throws(AugmentError) in
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

    /// `body` over `items` on up to `threads` threads, results in input order; the error of the first failing
    /// item (in input order) is thrown.
    public static func parallelMap<T: Sendable, R: Sendable>(
        _ items: [T], threads: Int? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil,
        _ body: @Sendable (T) throws(AugmentError) -> R
    ) throws(AugmentError) -> [R] {
        let slots = Slots<Result<R, AugmentError>>(count: items.count)
        let workers = max(1, min(threads ?? ProcessInfoCores.count, items.count))
        let counter = Counter()
        let total = items.count
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < total {
                let result: Result<R, AugmentError>
                do throws(AugmentError) { result = .success(try body(items[i])) } catch { result = .failure(error) }
                slots.set(i, result)
                let done = counter.increment()
                progress?(done, total)
                i += workers
            }
        }
        var out: [R] = []
        out.reserveCapacity(total)
        for result in slots.values() {
            switch result {
            case .success(let value): out.append(value)
            case .failure(let error): throw error
            }
        }
        return out
    }
}
