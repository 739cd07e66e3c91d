import Testing
@testable import Learn
import Support

/// Finite-difference checks of every layer's backward pass and of the fused softmax cross-entropy.
@Suite struct GradientTests {
    /// Loss of `model` on a fixed batch; with `grads`, also back-propagates and returns the weight and input gradients.
    static func loss(_ model: Model, _ x: [Float], _ labels: [Int32], classWeights: [Float]? = nil, training: Bool,
                     grads: Bool = false) -> (loss: Double, weights: [Float], input: [Float]) {
        let net = model.network, batch = labels.count
        net.reserve(batch: batch)
        x.withUnsafeBufferPointer { net.input.update(from: $0.baseAddress!, count: x.count) }
        var rng = SplitMix64(seed: 99)   // same dropout mask on every call
        net.forward(batch: batch, training: training, rng: &rng)
        let result = labels.withUnsafeBufferPointer { l in
            SoftmaxCrossEntropy.evaluate(probabilities: net.output, labels: l.baseAddress!, batch: batch, classes: net.outputSize,
                                         classWeights: classWeights, grad: net.outputDelta)
        }
        guard grads else { return (result.loss / Double(batch), [], []) }
        net.backward(batch: batch, trainable: [Bool](repeating: true, count: net.kernels.count), lowest: 0, inputGradient: true)
        return (result.loss / Double(batch),
                Array(UnsafeBufferPointer(start: net.gradients.pointer, count: net.parameterCount)),
                Array(UnsafeBufferPointer(start: net.deltas[0].pointer, count: x.count)))
    }

    static let stacks: [(String, ModelSpec)] = [
        ("conv same relu → conv valid → pool 3/2 → ReLU → flatten → dense relu → dropout → dense softmax",
         ModelSpec(inputLength: 12, inputChannels: 2, kinds: [
             .conv1D(filters: 3, kernelSize: 3, padding: .same, activation: .relu),
             .conv1D(filters: 4, kernelSize: 4, padding: .valid, activation: .linear),
             .maxPooling1D(poolSize: 3, strides: 2), .relu, .flatten,
             .dense(units: 5, activation: .relu), .dropout(rate: 0.4),
             .dense(units: 3, activation: .softmax)])),
        ("conv same even kernel → pool 2 → flatten → dense linear → dense softmax",
         ModelSpec(inputLength: 9, inputChannels: 3, kinds: [
             .conv1D(filters: 2, kernelSize: 4, padding: .same, activation: .linear),
             .maxPooling1D(poolSize: 2), .flatten,
             .dense(units: 4, activation: .linear), .dense(units: 4, activation: .softmax)])),
    ]

    @Test(arguments: [0, 1], [false, true])
    func analyticGradientsMatchFiniteDifferences(stack: Int, weighted: Bool) throws {
        let (name, spec) = Self.stacks[stack]
        let model = try Model(spec: spec, seed: 3)
        // Non-zero biases so ReLUs sit away from their kink.
        for i in spec.layers.indices where model.weightShapes(layer: i).count == 2 {
            var w = model.weights(layer: i)
            w[1].values = w[1].values.indices.map { Float($0 % 3) * 0.05 + 0.02 }
            try model.setWeights(layer: i, w)
        }
        var rng = SplitMix64(seed: 5)
        let batch = 3, width = spec.inputLength * spec.inputChannels
        let x = (0..<(batch * width)).map { _ in rng.unitFloat() * 4 - 2 }
        let classes = model.outputSize
        let labels = (0..<batch).map { Int32($0 % classes) }
        let cw: [Float]? = weighted ? (0..<classes).map { 0.5 + Float($0) } : nil
        let analytic = Self.loss(model, x, labels, classWeights: cw, training: true, grads: true)
        let h: Float = 1e-3
        let f0 = analytic.loss
        // Central differences; an entry whose one-sided slopes disagree straddles a ReLU or max-pooling kink
        // within ±h and is skipped (counted: at most 10% may be).
        func compare(_ count: Int, analytic: [Float], perturb: (Int, Float) throws -> Double) rethrows -> (error: Double, skipped: Int) {
            var numeric = [Double](repeating: 0, count: count), kink = [Bool](repeating: false, count: count)
            for i in 0..<count {
                let up = try perturb(i, h), down = try perturb(i, -h)
                numeric[i] = (up - down) / Double(2 * h)
                let forward = (up - f0) / Double(h), backward = (f0 - down) / Double(h)
                kink[i] = abs(forward - backward) > 0.05 * max(abs(forward), abs(backward), 1e-2)
            }
            let scale = numeric.map(abs).max() ?? 0
            var worst = 0.0, skipped = 0
            for i in 0..<count {
                if kink[i] { skipped += 1; continue }
                worst = max(worst, abs(numeric[i] - Double(analytic[i])))
            }
            return (worst / max(scale, 1e-12), skipped)
        }
        var w = model.flatWeights
        let weights = try compare(w.count, analytic: analytic.weights) { i, d in
            let saved = w[i]
            w[i] = saved + d; try model.setFlatWeights(w)
            defer { w[i] = saved; try? model.setFlatWeights(w) }
            return Self.loss(model, x, labels, classWeights: cw, training: true).loss
        }
        var xs = x
        let inputs = compare(xs.count, analytic: analytic.input) { i, d in
            let saved = xs[i]
            xs[i] = saved + d
            defer { xs[i] = saved }
            return Self.loss(model, xs, labels, classWeights: cw, training: true).loss
        }
        #expect(weights.error < 5e-3, "\(name): weights relative error \(weights.error)")
        #expect(inputs.error < 5e-3, "\(name): inputs relative error \(inputs.error)")
        #expect(weights.skipped * 10 <= w.count && inputs.skipped * 10 <= xs.count, "too many kinks: \(weights.skipped), \(inputs.skipped)")
        let worst = weights.error, worstX = inputs.error
        print("gradient check [\(name)\(weighted ? ", class weights" : "")]: weights \(worst) (\(weights.skipped) kinks skipped), inputs \(worstX) (\(inputs.skipped))")
    }

    @Test func lossIsStableForExtremeLogits() throws {
        // A softmax input of ±1000 must give a finite loss (clipped at −log 1e−7) and a finite gradient.
        let model = try Model(spec: ModelSpec(inputLength: 2, kinds: [.flatten, .dense(units: 2, activation: .softmax)]))
        try model.setWeights(layer: 1, [Tensor(shape: [2, 2], values: [1000, -1000, 0, 0]), Tensor(shape: [2], values: [0, 0])])
        let r = Self.loss(model, [1, 0], [1], training: false, grads: true)
        #expect(r.loss.isFinite)
        #expect(abs(r.loss - Double(-logf(1e-7))) < 1e-3)
        #expect(r.weights.allSatisfy { $0.isFinite })
    }

    @Test func dropoutKeepsExpectedFractionAndScales() throws {
        let kernel = DropoutKernel(size: 10_000, rate: 0.3)
        kernel.reserve(batch: 1)
        let x = [Float](repeating: 1, count: 10_000)
        var y = [Float](repeating: 0, count: 10_000)
        var rng = SplitMix64(seed: 1)
        let dummy = [Float](repeating: 0, count: 1)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in dummy.withUnsafeBufferPointer { d in
            kernel.forward(xp.baseAddress!, yp.baseAddress!, batch: 1, params: d.baseAddress!, training: true, rng: &rng)
        } } }
        let kept = y.filter { $0 != 0 }
        #expect(abs(Double(kept.count) / 10_000 - 0.7) < 0.02)
        let scaledRight = kept.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 }
        #expect(scaledRight)
    }
}

#if canImport(Glibc)
import Glibc
#endif
