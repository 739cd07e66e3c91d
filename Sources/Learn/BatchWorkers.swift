import Dispatch

/// Batch-parallel training: each batch is cut into `count` contiguous shards that run forward, loss and
/// backward at once on their own network replica (own workspaces and gradients, shared weights, single-threaded
/// OpenBLAS inside); the replicas' gradients are then summed in a fixed order into the first network's.
/// Same shard count → same sums → same weights, bit for bit.
final class BatchWorkers {
    let networks: [Network]
    let capacity: Int
    private let labels: UnsafeMutablePointer<Int32>
    private let rngs: UnsafeMutablePointer<SeededGenerator>
    private let losses: UnsafeMutablePointer<Double>
    private let corrects: UnsafeMutablePointer<Int>

    /// Workers for `model` and batches of up to `batch` rows; dropout streams come from `seed`.
    init(model: Model, count: Int, batch: Int, seed: UInt64) throws(LearnError) {
        let count = max(1, min(count, batch))
        var networks = [model.network]
        for _ in 1..<count { networks.append(try Network(spec: model.spec, sharing: model.network.weights)) }
        self.networks = networks
        capacity = (batch + count - 1) / count
        for n in networks { n.reserve(batch: capacity) }
        labels = .allocate(capacity: count * capacity)
        labels.initialize(repeating: 0, count: count * capacity)
        rngs = .allocate(capacity: count)
        for w in 0..<count {
            // Worker 0 uses the dropout stream itself: one worker trains exactly as a plain loop would.
            let stream = w == 0 ? RandomStream.dropout.rawValue : RandomStream.dropout.rawValue + 100 + UInt64(w)
            (rngs + w).initialize(to: SeededGenerator(seed: seed, stream: stream))
        }
        losses = .allocate(capacity: count)
        losses.initialize(repeating: 0, count: count)
        corrects = .allocate(capacity: count)
        corrects.initialize(repeating: 0, count: count)
    }

    deinit {
        labels.deallocate()
        rngs.deinitialize(count: networks.count)
        rngs.deallocate()
        losses.deallocate()
        corrects.deallocate()
    }

    /// One batch: the rows `rows[0..<n]` of `data`; leaves the summed weight gradients in `networks[0].gradients`
    /// and returns the (class-weighted) loss sum and the number of correct predictions.
    func step(model: Model, rows: UnsafePointer<Int>, n: Int, data: Dataset, x: UnsafePointer<Float>,
              classWeights: UnsafePointer<Float>?, trainable: [Bool], lowest: Int, ranges: [Range<Int>]) -> (loss: Double, correct: Int) {
        let count = networks.count, width = data.width, classes = networks[0].outputSize
        let work = { (w: Int) in
            let lo = w * n / count, hi = (w + 1) * n / count, size = hi - lo
            self.losses[w] = 0
            self.corrects[w] = 0
            guard size > 0 else { return }
            let net = self.networks[w], l = self.labels + w * self.capacity
            for r in 0..<size {
                let row = rows[lo + r]
                model.loadRows(x + row * width, count: 1, into: net.input + r * width)
                l[r] = Int32(truncatingIfNeeded: data.labels[row])
            }
            net.forward(batch: size, training: true, rng: &self.rngs[w])
            let result = SoftmaxCrossEntropy.evaluate(probabilities: net.output, labels: l, batch: size, classes: classes,
                                                      classWeights: classWeights, grad: net.outputDelta, normalizer: n)
            net.backward(batch: size, trainable: trainable, lowest: lowest)
            self.losses[w] = result.loss
            self.corrects[w] = result.correct
        }
        if count == 1 {
            work(0)
        } else {
            // Safe: worker w touches only its own replica, label slice, generator and result slots; the shared
            // weights and the data are only read during the step.
            let shared = UncheckedSendable(work)
            DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
        }

        var loss = losses[0], correct = corrects[0]
        let total = networks[0].gradients.pointer
        for w in 1..<max(count, 1) where (w + 1) * n / count > w * n / count {
            let g = networks[w].gradients.pointer
            for range in ranges { addInPlace(total + range.lowerBound, g + range.lowerBound, count: range.count) }
            loss += losses[w]
            correct += corrects[w]
        }
        return (loss, correct)
    }
}

/// A value handed to worker threads whose safety the code around it argues (see `BatchWorkers.step`).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
