#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam as Keras 3 implements it (keras/src/optimizers/adam.py), in float32:
///
///     t = iterations + 1
///     α = lr · sqrt(1 − β2^t) / (1 − β1^t)
///     m ← m + (g − m)(1 − β1)
///     v ← v + (g² − v)(1 − β2)
///     w ← w − α · m / (sqrt(v) + ε)
///
/// Defaults are Keras's: lr 1e-3, β1 0.9, β2 0.999, ε 1e-7. Moments exist for every weight; frozen
/// weights are skipped (their moments stay zero).
public struct AdamOptions: Equatable, Sendable, Codable {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }
}

final class Adam {
    let options: AdamOptions
    let m: FloatBuffer
    let v: FloatBuffer
    /// Updates done so far (Keras's `optimizer.iterations`).
    private(set) var iterations = 0

    init(count: Int, options: AdamOptions) {
        self.options = options
        m = FloatBuffer(count: count)
        v = FloatBuffer(count: count)
    }

    /// One update of `weights` from `gradients` over `ranges` with learning rate `lr`.
    func step(weights: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, ranges: [Range<Int>], learningRate lr: Float) {
        let t = Float(iterations + 1)
        let b1 = options.beta1, b2 = options.beta2, eps = options.epsilon
        let alpha = lr * (1 - powf(b2, t)).squareRoot() / (1 - powf(b1, t))
        let c1 = 1 - b1, c2 = 1 - b2
        let m = self.m.pointer, v = self.v.pointer
        for range in ranges {
            for i in range {
                let g = gradients[i]
                m[i] += (g - m[i]) * c1
                v[i] += (g * g - v[i]) * c2
                weights[i] -= m[i] * alpha / (v[i].squareRoot() + eps)
            }
        }
        iterations += 1
    }
}
