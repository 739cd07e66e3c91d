#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Support

/// A flag that stops training at the next batch. Safe to set from any thread or from a signal handler
/// (a lock-free atomic store).
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    /// Asks the running training to stop at its next batch.
    public func cancel() { flag.store(true, ordering: .relaxed) }
    /// Clears the request (before the next training).
    public func reset() { flag.store(false, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// Keras's `ReduceLROnPlateau` on the monitored loss: when it has not improved by more than `minDelta`
/// for `patience` epochs, lr ← max(lr · factor, minLR), then wait `cooldown` epochs.
/// Defaults are Keras's: factor 0.1, patience 10, min_delta 1e-4, cooldown 0, min_lr 0.
public struct ReduceLROnPlateau: Equatable, Sendable, Codable {
    public var factor: Float
    public var patience: Int
    public var minDelta: Double
    public var cooldown: Int
    public var minLearningRate: Float

    public init(factor: Float = 0.1, patience: Int = 10, minDelta: Double = 1e-4, cooldown: Int = 0, minLearningRate: Float = 0) {
        self.factor = factor
        self.patience = patience
        self.minDelta = minDelta
        self.cooldown = cooldown
        self.minLearningRate = minLearningRate
    }
}

/// How `Trainer.fit` trains. Defaults: 200 epochs (the paper's maximum), and ser's choices batch 32, Adam(1e-3),
/// early stopping on validation loss with patience 20 restoring the best weights.
public struct TrainingOptions: Equatable, Sendable {
    /// Passes over the training rows.
    public var epochs: Int = 200
    /// Rows per update; the last batch of an epoch may be smaller.
    public var batchSize: Int = 32
    public var adam = AdamOptions()
    /// Epochs without improvement of the monitored loss before stopping; 0 turns early stopping off.
    public var patience: Int = 20
    /// Minimum decrease that counts as an improvement (Keras `min_delta`, default 0).
    public var minDelta: Double = 0
    /// Put back the weights of the best epoch when training ends (Keras `restore_best_weights`).
    public var restoreBestWeights = true
    /// Drives shuffling and dropout (initialization is drawn when the model is made).
    public var seed: UInt64 = 0
    /// Reshuffle the training rows every epoch.
    public var shuffle = true
    /// Per-class loss weights (index = class id), like Keras's `class_weight`; nil = all 1.
    public var classWeights: [Float]? = nil
    public var reduceLROnPlateau: ReduceLROnPlateau? = nil
    /// Worker threads: each batch is cut into this many shards trained at once (the GEMM runs on each worker's
    /// own thread). Default 1: on a busy 2-core
    /// machine one thread was faster than two (the shards meet at a barrier every batch); 2 pays on an idle
    /// one. Same seed and thread count → same weights, bit for bit.
    public var threads: Int = 1
    /// How many OS threads run those shards: nil lets each batch decide — all `threads` when this is the only
    /// training of the process running, one (the shards one after another on the training's own thread) while
    /// other trainings run beside it, so that several trainings share the cores without meeting at a barrier
    /// every batch. It changes only the speed: the shards, their order and their sums are the same.
    public var shardWorkers: Int? = nil
    /// Cores a training shares each product and element-wise pass of a batch among when it runs its shards one
    /// after another (one shard, the default) and no other training runs beside it; nil: every core of the
    /// machine. The parts are cut by output tiles and samples, never inside one element's arithmetic, so this
    /// changes only the speed, never a bit (`ProductTeam`).
    public var cores: Int? = nil

    public init() {}
}

/// One epoch of training as Keras's `History` records it, plus its duration.
public struct EpochRecord: Equatable, Sendable, Codable {
    /// 1-based.
    public var epoch: Int
    public var loss: Double
    public var accuracy: Double
    public var valLoss: Double?
    public var valAccuracy: Double?
    /// The learning rate used during the epoch.
    public var learningRate: Float
    /// Wall-clock seconds of the epoch (training and validation).
    public var seconds: Double
    /// CPU seconds the whole process used during the epoch (all threads; `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`).
    public var cpuSeconds: Double = 0

    enum CodingKeys: String, CodingKey {
        case epoch, loss, accuracy, seconds
        case valLoss = "val_loss", valAccuracy = "val_accuracy", learningRate = "lr", cpuSeconds = "cpu_seconds"
    }
}

/// What a training did, epoch by epoch.
public struct TrainingHistory: Equatable, Sendable, Codable {
    public var epochs: [EpochRecord] = []
    /// "val_loss", or "loss" when there was no validation set.
    public var monitor: String = "val_loss"
    /// The epoch (1-based) with the lowest monitored loss.
    public var bestEpoch: Int?
    /// Whether early stopping ended the training before `epochs`.
    public var stoppedEarly = false
    /// Whether a cancellation ended it.
    public var cancelled = false
    /// Whether the best epoch's weights were put back at the end.
    public var restoredBestWeights = false

    enum CodingKeys: String, CodingKey {
        case epochs, monitor, cancelled
        case bestEpoch = "best_epoch", stoppedEarly = "stopped_early", restoredBestWeights = "restored_best_weights"
    }

    public init() {}

    /// Mean wall-clock seconds per epoch (0 when none ran).
    public var secondsPerEpoch: Double {
        epochs.isEmpty ? 0 : epochs.map(\.seconds).reduce(0, +) / Double(epochs.count)
    }
}

/// Loss and accuracy of a model on a dataset.
public struct Evaluation: Equatable, Sendable {
    /// Mean categorical cross-entropy.
    public var loss: Double
    public var accuracy: Double
    public var count: Int
}

/// Mini-batch training with Adam, validation each epoch, early stopping, ReduceLROnPlateau and cancellation.
public enum Trainer {
    /// Trains `model` in place on `train`, validating on `validation` after every epoch, and returns the
    /// history (also stored in `model.history`). A fresh Adam starts with each call (like Keras's `compile`).
    ///
    /// Early stopping (patience > 0) monitors val_loss (loss without validation rows), stops after
    /// `patience` epochs without improvement and, with `restoreBestWeights`, ends with the best epoch's
    /// weights — also when the epochs run out. A `cancellation` stops the training at the next batch and ends
    /// with the best epoch's weights so far (with `restoreBestWeights`, even when early stopping is off).
    /// `onEpoch` is called after every epoch (for progress). Frozen layers are not changed.
    @discardableResult
    public static func fit(_ model: Model, train: Dataset, validation: Dataset? = nil,
                           options: TrainingOptions = TrainingOptions(),
                           cancellation: CancellationFlag? = nil,
                           onEpoch: (EpochRecord) -> Void = { _ in }) throws(LearnError) -> TrainingHistory {
        let network = model.network
        let classes = network.outputSize
        try check(train, against: model, name: "training")
        if let validation { try check(validation, against: model, name: "validation") }
        guard train.count > 0 else { throw LearnError(.badData, "the training set is empty") }
        if let only = train.labels.first, train.labels.allSatisfy({ $0 == only }) {
            let name = only < model.labels.count ? "'\(model.labels[only])'" : "class \(only)"
            throw LearnError(.badData, "every training row is \(name): a classifier needs at least two classes (its accuracy would mean nothing)")
        }
        guard options.epochs > 0 else { throw LearnError(.badParameter, "epochs must be positive, got \(options.epochs)") }
        guard options.batchSize > 0 else { throw LearnError(.badParameter, "batch size must be positive, got \(options.batchSize)") }
        guard options.adam.learningRate > 0, options.adam.learningRate.isFinite else {
            throw LearnError(.badParameter, "learning rate must be positive, got \(options.adam.learningRate)")
        }
        guard options.patience >= 0 else { throw LearnError(.badParameter, "patience must be ≥ 0, got \(options.patience)") }
        guard network.endsInSoftmax else {
            throw LearnError(.badArchitecture, "training needs a classifier whose last layer has a softmax activation")
        }
        if let w = options.classWeights, w.count != classes || w.contains(where: { !($0 >= 0) }) {
            throw LearnError(.badParameter, "class weights need \(classes) non-negative values, got \(w.count)")
        }
        guard options.threads > 0 else { throw LearnError(.badParameter, "threads must be positive, got \(options.threads)") }
        if let w = options.shardWorkers, w < 1 { throw LearnError(.badParameter, "shard workers must be positive, got \(w)") }

        var ranges: [Range<Int>] = []
        var trainable = [Bool](repeating: false, count: network.kernels.count)
        for (i, layer) in model.spec.layers.enumerated() where layer.trainable && network.kernels[i].parameterCount > 0 {
            trainable[i] = true
            ranges.append(network.offsets[i]..<(network.offsets[i] + network.kernels[i].parameterCount))
        }
        guard let lowest = trainable.firstIndex(of: true) else {
            throw LearnError(.badParameter, "every layer with weights is frozen: nothing to train")
        }

        let batchSize = min(options.batchSize, train.count)
        let adam = Adam(count: network.parameterCount, options: options.adam)
        var learningRate = options.adam.learningRate
        var shuffleRNG = SplitMix64(seed: options.seed, stream: RandomStream.shuffle.rawValue)
        let workers = try BatchWorkers(model: model, count: options.threads, batch: batchSize, seed: options.seed)
        RunningTrainings.shared.begin()
        defer { RunningTrainings.shared.end() }
        // More threads than cores would only wait for each other's time slices.
        let team = ProductTeam(threads: min(options.cores ?? availableCores, availableCores))
        team.begin()
        defer { team.end() }
        var order = Array(0..<train.count)
        let classWeights = options.classWeights
        let best = FloatBuffer(count: network.parameterCount)
        var bestLoss = Double.infinity, wait = 0
        var plateauBest = Double.infinity, plateauWait = 0, cooldown = 0
        var history = TrainingHistory()
        history.monitor = validation.map { $0.count > 0 } == true ? "val_loss" : "loss"
        let clock = ContinuousClock()

        epochs: for epoch in 1...options.epochs {
            let started = clock.now, startedCPU = processCPUSeconds()
            if options.shuffle {
                for i in stride(from: order.count - 1, to: 0, by: -1) {
                    order.swapAt(i, shuffleRNG.index(below: i + 1))
                }
            }
            var lossSum = 0.0, correct = 0, seen = 0
            var start = 0
            while start < order.count {
                if cancellation?.isCancelled == true {
                    history.cancelled = true
                    break epochs
                }
                let n = min(batchSize, order.count - start)
                let concurrency = options.shardWorkers ?? RunningTrainings.shared.shardWorkers(for: options.threads)
                // The team only while its cores are free: not beside shards running at once or other trainings.
                team.use(min(concurrency, options.threads) == 1 && RunningTrainings.shared.isAlone)
                let result = order.withUnsafeBufferPointer { o in
                    train.values.withUnsafeBufferPointer { x in
                        let run = { (w: UnsafePointer<Float>?) in
                            workers.step(model: model, rows: o.baseAddress! + start, n: n, data: train, x: x.baseAddress!,
                                         classWeights: w, trainable: trainable, lowest: lowest, ranges: ranges,
                                         concurrency: concurrency)
                        }
                        return classWeights.map { $0.withUnsafeBufferPointer { run($0.baseAddress!) } } ?? run(nil)
                    }
                }
                lossSum += result.loss
                correct += result.correct
                seen += n
                adam.step(weights: network.weights.pointer, gradients: network.gradients.pointer, ranges: ranges, learningRate: learningRate)
                start += n
            }

            var record = EpochRecord(epoch: epoch, loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen),
                                     learningRate: learningRate, seconds: 0)
            if let validation, validation.count > 0 {
                let v = evaluate(model, on: validation, chunk: batchSize)
                record.valLoss = v.loss
                record.valAccuracy = v.accuracy
            }
            record.seconds = (clock.now - started).seconds
            record.cpuSeconds = processCPUSeconds() - startedCPU
            history.epochs.append(record)
            onEpoch(record)

            let monitored = record.valLoss ?? record.loss
            if monitored < bestLoss - options.minDelta || history.bestEpoch == nil {
                if monitored < bestLoss { bestLoss = monitored }
                history.bestEpoch = epoch
                wait = 0
                best.pointer.update(from: network.weights.pointer, count: network.parameterCount)
            } else {
                wait += 1
                if options.patience > 0 && wait >= options.patience {
                    history.stoppedEarly = epoch < options.epochs
                    break epochs
                }
            }
            if let plateau = options.reduceLROnPlateau {
                if cooldown > 0 { cooldown -= 1; plateauWait = 0 }
                if monitored < plateauBest - plateau.minDelta {
                    plateauBest = monitored
                    plateauWait = 0
                } else if cooldown == 0 {
                    plateauWait += 1
                    if plateauWait >= plateau.patience, learningRate > plateau.minLearningRate {
                        learningRate = max(learningRate * plateau.factor, plateau.minLearningRate)
                        cooldown = plateau.cooldown
                        plateauWait = 0
                    }
                }
            }
        }

        if (options.patience > 0 || history.cancelled) && options.restoreBestWeights && history.bestEpoch != nil {
            network.weights.pointer.update(from: best.pointer, count: network.parameterCount)
            history.restoredBestWeights = true
        }
        model.history = history
        return history
    }

    /// Loss (unweighted mean categorical cross-entropy) and accuracy of `model` on `data`, without dropout.
    public static func evaluate(_ model: Model, on data: Dataset, chunk: Int = 256) -> Evaluation {
        let network = model.network
        let classes = network.outputSize
        guard data.count > 0 else { return Evaluation(loss: 0, accuracy: 0, count: 0) }
        let chunk = max(1, min(chunk, data.count))
        network.reserve(batch: chunk)
        var labels = [Int32](repeating: 0, count: chunk)
        var rng = SplitMix64(seed: 0)
        var lossSum = 0.0, correct = 0, start = 0
        data.values.withUnsafeBufferPointer { x in
            while start < data.count {
                let n = min(chunk, data.count - start)
                model.loadRows(x.baseAddress! + start * data.width, count: n, into: network.input)
                for r in 0..<n { labels[r] = Int32(data.labels[start + r]) }
                network.forward(batch: n, training: false, rng: &rng)
                let result = labels.withUnsafeBufferPointer {
                    SoftmaxCrossEntropy.evaluate(probabilities: network.output, labels: $0.baseAddress!, batch: n,
                                                 classes: classes, classWeights: nil, grad: nil)
                }
                lossSum += result.loss
                correct += result.correct
                start += n
            }
        }
        return Evaluation(loss: lossSum / Double(data.count), accuracy: Double(correct) / Double(data.count), count: data.count)
    }

    static func check(_ data: Dataset, against model: Model, name: String) throws(LearnError) {
        guard data.width == model.inputSize else {
            throw LearnError(.badData, "\(name) rows have \(data.width) values but the model takes \(model.inputSize)")
        }
        if let bad = data.labels.firstIndex(where: { $0 >= model.outputSize }) {
            throw LearnError(.badData, "\(name) row \(bad) has label \(data.labels[bad]) but the model has \(model.outputSize) classes")
        }
    }
}

/// CPU time used so far by all threads of this process, in seconds.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

extension Duration {
    /// This duration in seconds.
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
