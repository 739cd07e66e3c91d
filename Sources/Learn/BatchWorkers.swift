import CGEMM
import Dispatch
import Support
import Synchronization

/// Batch-parallel training: each batch is cut into `count` contiguous shards that run forward, loss and
/// backward at once on their own network replica (own workspaces and gradients, shared weights, the GEMM on the
/// worker's thread); the replicas' gradients are then summed in a fixed order into the first network's.
/// Same shard count → same sums → same weights, bit for bit.
final class BatchWorkers {
    let networks: [Network]
    let capacity: Int
    private let labels: UnsafeMutablePointer<Int32>
    private let rngs: UnsafeMutablePointer<SplitMix64>
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
            (rngs + w).initialize(to: SplitMix64(seed: seed, stream: stream))
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

    // The batch being stepped (set by `step`, read by `runShard`).
    private var model: Model?
    private var rows: UnsafePointer<Int>?
    private var rowCount = 0
    private var data: Dataset?
    private var x: UnsafePointer<Float>?
    private var classWeights: UnsafePointer<Float>?
    private var trainable: [Bool] = []
    private var lowest = 0

    /// One batch: the rows `rows[0..<n]` of `data`; leaves the summed weight gradients in `networks[0].gradients`
    /// and returns the (class-weighted) loss sum and the number of correct predictions. The shards run on
    /// `concurrency` threads (the caller's among them; 1: one after another on the caller's): each shard's
    /// result, and so the sums, do not depend on it. Allocates nothing (but a convolution's column workspace, once,
    /// when a team first shares its chunks: they grow with the team).
    func step(model: Model, rows: UnsafePointer<Int>, n: Int, data: Dataset, x: UnsafePointer<Float>,
              classWeights: UnsafePointer<Float>?, trainable: [Bool], lowest: Int, ranges: [Range<Int>],
              concurrency: Int) -> (loss: Double, correct: Int) {
        self.model = model
        self.rows = rows
        rowCount = n
        self.data = data
        self.x = x
        self.classWeights = classWeights
        self.trainable = trainable
        self.lowest = lowest
        let count = networks.count, threads = max(1, min(concurrency, count))
        if threads == 1 {
            for w in 0..<count { runShard(w) }
        } else {
            // Safe: shard w touches only its own replica, label slice, generator and result slots; the shared
            // weights and the data are only read during the step.
            let shared = UncheckedSendable(self)
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                for w in stride(from: t, to: count, by: threads) { shared.value.runShard(w) }
            }
        }
        self.model = nil
        self.data = nil

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

    /// Forward, loss and backward of shard `w` of the current batch on replica `w`.
    private func runShard(_ w: Int) {
        let count = networks.count, n = rowCount
        let lo = w * n / count, hi = (w + 1) * n / count, size = hi - lo
        losses[w] = 0
        corrects[w] = 0
        guard size > 0, let model, let data, let rows, let x else { return }
        let net = networks[w], l = labels + w * capacity, width = data.width
        for r in 0..<size {
            let row = rows[lo + r]
            model.loadRows(x + row * width, count: 1, into: net.input + r * width)
            l[r] = Int32(truncatingIfNeeded: data.labels[row])
        }
        net.forward(batch: size, training: true, rng: &rngs[w])
        let result = SoftmaxCrossEntropy.evaluate(probabilities: net.output, labels: l, batch: size, classes: net.outputSize,
                                                  classWeights: classWeights, grad: net.outputDelta, normalizer: n)
        net.backward(batch: size, trainable: trainable, lowest: lowest)
        losses[w] = result.loss
        corrects[w] = result.correct
    }
}

/// A value handed to worker threads whose safety the code around it argues (see `BatchWorkers.step`).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The trainings running in this process, so that each batch can choose how many threads run its shards: all of
/// them for a training alone, one each when several share the cores (independent trainings of a notebook cell,
/// the seeds of `repeat`), where a barrier every batch would only make each wait for the others' time slices.
final class RunningTrainings: Sendable {
    static let shared = RunningTrainings()
    private let count = Atomic<Int>(0)

    func begin() { count.add(1, ordering: .relaxed) }
    func end() { count.subtract(1, ordering: .relaxed) }

    /// Threads for a batch of `shards` shards: all of them while this is the only training, else 1.
    func shardWorkers(for shards: Int) -> Int {
        isAlone ? shards : 1
    }

    /// Whether at most one training is running.
    var isAlone: Bool { count.load(ordering: .relaxed) <= 1 }
}

/// Helper threads with which a training's own thread shares each matrix product and element-wise pass of a batch
/// (`Sources/CGEMM/team.c`): a product is cut by output tiles, a pass by samples, never inside one element's
/// arithmetic, so the weights are the same bits with any number of threads, or none. This is how a lone training
/// with one shard (the default `threads` 1) uses every core without changing a number.
final class ProductTeam {
    private let team: OpaquePointer?

    /// A team of `threads` threads (the caller's and `threads` − 1 helpers; at most `SER_TEAM_MAX`); none below 2.
    init(threads: Int) {
        team = threads > 1 ? ser_team_create(Int32(min(threads, Int(SER_TEAM_MAX)))) : nil
    }

    deinit {
        if let team { ser_team_destroy(team) }
    }

    /// The calling thread's team before `begin()`.
    private var previous: OpaquePointer?

    /// Remembers the calling thread's team, to be put back by `end()`.
    func begin() { previous = ser_team_use(nil) }

    /// Makes the team the calling thread's (`active`), or leaves that thread without one.
    func use(_ active: Bool) {
        ser_team_use(active ? team : nil)
    }

    /// Puts back the calling thread's team from before `begin()`.
    func end() { ser_team_use(previous) }
}
