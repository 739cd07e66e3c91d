import Dispatch
@testable import Learn
import Support
import Synchronization
import Testing

@Suite struct TrainerTests {
    static func smallCNN(classes: Int, width: Int) -> ModelSpec {
        ModelSpec.cnn1d(classes: classes, inputLength: width, blocks: [(4, 3), (8, 3)], dense: [16], dropout: 0.2)
    }

    static func options(epochs: Int, patience: Int = 0, seed: UInt64 = 0) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = 16
        o.patience = patience
        o.seed = seed
        o.adam.learningRate = 3e-3
        return o
    }

    @Test func reachesNinetyNinePercentOnSeparableData() throws {
        let train = try blobs(classes: 4, perClass: 60, width: 16, spread: 1, seed: 1)
        let test = try blobs(classes: 4, perClass: 30, width: 16, spread: 1, seed: 2)
        let model = try Model(spec: Self.smallCNN(classes: 4, width: 16), seed: 1)
        let history = try Trainer.fit(model, train: train, validation: test, options: Self.options(epochs: 30, patience: 5))
        let accuracy = Trainer.evaluate(model, on: test).accuracy
        #expect(accuracy >= 0.99, "test accuracy \(accuracy) after \(history.epochs.count) epochs")
        #expect(history.epochs.allSatisfy { $0.seconds >= 0 && $0.learningRate == 3e-3 })
    }

    @Test func earlyStoppingRestoresTheBestEpoch() throws {
        // Few noisy rows and a big model: validation loss bottoms out and rises.
        let train = try blobs(classes: 3, perClass: 8, width: 16, spread: 6, seed: 3)
        let validation = try blobs(classes: 3, perClass: 20, width: 16, spread: 6, seed: 4)
        let model = try Model(spec: Self.smallCNN(classes: 3, width: 16), seed: 2)
        var options = Self.options(epochs: 200, patience: 4)
        options.adam.learningRate = 1e-2
        let history = try Trainer.fit(model, train: train, validation: validation, options: options)
        let best = try #require(history.bestEpoch)
        #expect(history.stoppedEarly)
        #expect(history.restoredBestWeights)
        #expect(history.epochs.count == best + 4, "stops `patience` epochs after the best")
        let bestLoss = try #require(history.epochs[best - 1].valLoss)
        #expect(history.epochs.compactMap(\.valLoss).min() == bestLoss)
        // The model now holds the best epoch's weights: its validation loss is that epoch's, bit for bit.
        #expect(Trainer.evaluate(model, on: validation, chunk: options.batchSize).loss == bestLoss)
    }

    @Test func patienceZeroTrainsAllEpochs() throws {
        let train = try blobs(classes: 3, perClass: 8, width: 16, spread: 6, seed: 3)
        let model = try Model(spec: Self.smallCNN(classes: 3, width: 16), seed: 2)
        let history = try Trainer.fit(model, train: train, validation: train, options: Self.options(epochs: 7, patience: 0))
        #expect(history.epochs.count == 7)
        #expect(!history.stoppedEarly && !history.restoredBestWeights)
    }

    @Test func sameSeedSameWeightsDifferentSeedDifferentWeights() throws {
        let train = try blobs(classes: 3, perClass: 20, width: 16, spread: 2, seed: 5)
        func run(_ seed: UInt64, threads: Int = 2, dropout: Float = 0.2) throws -> [Float] {
            let spec = ModelSpec.cnn1d(classes: 3, inputLength: 16, blocks: [(4, 3), (8, 3)], dense: [16], dropout: dropout)
            let model = try Model(spec: spec, seed: seed)
            var options = Self.options(epochs: 3, seed: seed)
            options.threads = threads
            try Trainer.fit(model, train: train, validation: train, options: options)
            return model.flatWeights
        }
        let a = try run(11), b = try run(11), c = try run(12)
        #expect(a == b)
        #expect(a != c)
        #expect(try run(11, threads: 1) == run(11, threads: 1))
        #expect(try run(11, threads: 3) == run(11, threads: 3))
        // Without dropout, sharding a batch changes only the order of the gradient sums.
        let one = try run(4, threads: 1, dropout: 0), two = try run(4, threads: 2, dropout: 0)
        let gap = zip(one, two).map { abs($0 - $1) }.max() ?? .infinity
        #expect(gap < 1e-4, "1 vs 2 threads: max weight difference \(gap)")
    }

    /// The shards of every batch give the same weights, bit for bit, whether they run at once on their own
    /// threads or one after another on the training's thread (as while other trainings run beside it).
    @Test func shardWorkersChangeNoBit() throws {
        let train = try blobs(classes: 3, perClass: 21, width: 16, spread: 2, seed: 7)
        @Sendable func run(threads: Int, workers: Int?) throws -> [Float] {
            let spec = ModelSpec.cnn1d(classes: 3, inputLength: 16, blocks: [(4, 3), (8, 3)], dense: [16], dropout: 0.2)
            let model = try Model(spec: spec, seed: 5)
            var options = Self.options(epochs: 3, seed: 5)
            options.batchSize = 10
            options.threads = threads
            options.shardWorkers = workers
            try Trainer.fit(model, train: train, validation: train, options: options)
            return model.flatWeights
        }
        for threads in [2, 3] {
            let alone = try run(threads: threads, workers: threads)
            #expect(try run(threads: threads, workers: 1) == alone)
            #expect(try run(threads: threads, workers: 2) == alone)
            #expect(try run(threads: threads, workers: nil) == alone)
        }
        #expect(try run(threads: 3, workers: 1) != run(threads: 1, workers: 1), "the shard count itself is part of the result")
        // Several trainings at once (each running its shards on its own thread) give each one's weights alone.
        let alone = try run(threads: 2, workers: nil)
        let together = Mutex<[[Float]]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            let w = try? run(threads: 2, workers: nil)
            together.withLock { $0.append(w ?? []) }
        }
        #expect(together.withLock { $0 } == [alone, alone, alone])
    }

    @Test func frozenLayersDoNotChange() throws {
        let train = try blobs(classes: 3, perClass: 20, width: 16, spread: 2, seed: 6)
        let model = try Model(spec: Self.smallCNN(classes: 3, width: 16), seed: 3)
        try model.freeze(.group(.conv))
        let conv = model.spec.layers.indices.filter { model.spec.layers[$0].kind.group == .conv }
        let dense = model.spec.layers.indices.filter { model.spec.layers[$0].kind.group == .dense }
        let before = model.spec.layers.indices.map { model.weights(layer: $0) }
        try Trainer.fit(model, train: train, options: Self.options(epochs: 2))
        for i in conv { #expect(model.weights(layer: i) == before[i], "frozen \(model.spec.layers[i].name) changed") }
        for i in dense where !before[i].isEmpty { #expect(model.weights(layer: i) != before[i], "\(model.spec.layers[i].name) did not train") }
        #expect(model.summary().trainableParameters < model.summary().totalParameters)

        try model.unfreeze(.all)
        try model.freeze(.name("dense"))
        try model.freeze(.index(0))
        let frozen = model.spec.layers.enumerated().filter { !$0.element.trainable }.map(\.element.name)
        #expect(frozen == ["conv1d", "dense"])
        #expect(throws: LearnError.self) { try model.freeze(.name("nope")) }
        #expect(throws: LearnError.self) { try model.freeze(.index(99)) }
        try model.freeze(.all)
        #expect(throws: LearnError.self) { try Trainer.fit(model, train: train, options: Self.options(epochs: 1)) }
    }

    @Test func replacingTheOutputKeepsTheOtherWeights() throws {
        let train = try blobs(classes: 3, perClass: 10, width: 16, spread: 2, seed: 7)
        let model = try Model(spec: Self.smallCNN(classes: 3, width: 16), seed: 4)
        try Trainer.fit(model, train: train, options: Self.options(epochs: 2))
        let before = model.spec.layers.indices.map { model.weights(layer: $0) }
        try model.replaceOutput(classes: 5, labels: ["a", "b", "c", "d", "e"], seed: 1)
        #expect(model.outputSize == 5)
        #expect(model.labels.count == 5)
        let last = model.spec.layers.count - 1
        for i in 0..<last { #expect(model.weights(layer: i) == before[i]) }
        #expect(model.weights(layer: last)[0].shape == [16, 5])
        #expect(model.weights(layer: last)[1].values.allSatisfy { $0 == 0 })
        // And it trains on the new class set.
        let five = try blobs(classes: 5, perClass: 10, width: 16, spread: 2, seed: 8)
        try Trainer.fit(model, train: five, options: Self.options(epochs: 2))
    }

    @Test func cancellationStopsAtTheNextBatchKeepingTheBestWeights() throws {
        let train = try blobs(classes: 3, perClass: 20, width: 16, spread: 2, seed: 9)
        let model = try Model(spec: Self.smallCNN(classes: 3, width: 16), seed: 5)
        let flag = CancellationFlag()
        var seen = 0
        let history = try Trainer.fit(model, train: train, validation: train, options: Self.options(epochs: 50, patience: 0),
                                      cancellation: flag) { record in
            seen = record.epoch
            if record.epoch == 3 { flag.cancel() }
        }
        #expect(seen == 3)
        #expect(history.cancelled)
        #expect(history.epochs.count == 3)
        #expect(history.restoredBestWeights)
        let best = try #require(history.bestEpoch)
        #expect(Trainer.evaluate(model, on: train, chunk: 16).loss == history.epochs[best - 1].valLoss)
    }

    @Test func reduceLROnPlateauLowersTheRate() throws {
        let train = try blobs(classes: 3, perClass: 8, width: 16, spread: 6, seed: 3)
        let validation = try blobs(classes: 3, perClass: 20, width: 16, spread: 6, seed: 4)
        let model = try Model(spec: Self.smallCNN(classes: 3, width: 16), seed: 2)
        var options = Self.options(epochs: 40)
        options.adam.learningRate = 1e-2
        options.reduceLROnPlateau = ReduceLROnPlateau(factor: 0.5, patience: 2)
        let history = try Trainer.fit(model, train: train, validation: validation, options: options)
        let rates = history.epochs.map(\.learningRate)
        #expect(rates.first == 1e-2)
        #expect(rates.last! < 1e-2)
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $1 == $0 || $1 == $0 * 0.5 })
    }

    @Test func badInputsAreClearErrors() throws {
        let model = try Model(spec: Self.smallCNN(classes: 3, width: 16))
        let wrongWidth = try Dataset(values: [Float](repeating: 0, count: 30), labels: [0, 1, 2], width: 10)
        #expect(throws: LearnError.self) { try Trainer.fit(model, train: wrongWidth) }
        let badLabel = try Dataset(values: [Float](repeating: 0, count: 32), labels: [0, 3], width: 16)
        #expect(throws: LearnError.self) { try Trainer.fit(model, train: badLabel) }
        #expect(throws: LearnError.self) { try Dataset(values: [1, 2, 3], labels: [0], width: 2) }
        #expect(throws: LearnError.self) {
            try ModelSpec(inputLength: 4, kinds: [.conv1D(filters: 2, kernelSize: 9), .flatten, .dense(units: 2, activation: .softmax)]).shapes()
        }
        #expect(throws: LearnError.self) {
            try ModelSpec(inputLength: 4, kinds: [.dense(units: 2)]).shapes()
        }
    }

    @Test func glorotUniformHasKerasLimits() throws {
        let model = try Model(spec: .cnn1d(classes: 7), seed: 42)
        for i in model.spec.layers.indices {
            let w = model.weights(layer: i)
            guard w.count == 2 else { continue }
            let k = w[0].shape
            let (fanIn, fanOut) = k.count == 3 ? (k[0] * k[1], k[0] * k[2]) : (k[0], k[1])
            let limit = (6 / Float(fanIn + fanOut)).squareRoot()
            let maxAbs = w[0].values.map(abs).max()!
            #expect(maxAbs <= limit && maxAbs > 0.9 * limit, "\(model.spec.layers[i].name)")
            let mean = w[0].values.reduce(0, +) / Float(w[0].count)
            #expect(abs(mean) < 4 * limit / (3 * Float(w[0].count)).squareRoot(), "mean within 4 standard errors")
            #expect(w[1].values.allSatisfy { $0 == 0 })
        }
    }
}
