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
        let t = iterations + 1
        let b1 = options.beta1, b2 = options.beta2, eps = options.epsilon
        let alpha = lr * (1 - PortableMath.power(b2, t)).squareRoot() / (1 - PortableMath.power(b1, t))
        let c1 = 1 - b1, c2 = 1 - b2
        let m = self.m.pointer, v = self.v.pointer
        for range in ranges {
            var i = range.lowerBound
            // Eight lanes at a time (the same operations in the same order as the scalar tail: the result does
            // not depend on where a range starts).
            let c1v = SIMD8<Float>(repeating: c1), c2v = SIMD8<Float>(repeating: c2)
            let alphav = SIMD8<Float>(repeating: alpha), epsv = SIMD8<Float>(repeating: eps)
            while i + 8 <= range.upperBound {
                let g = UnsafeRawPointer(gradients + i).loadUnaligned(as: SIMD8<Float>.self)
                var mi = UnsafeRawPointer(m + i).loadUnaligned(as: SIMD8<Float>.self)
                var vi = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self)
                var w = UnsafeRawPointer(weights + i).loadUnaligned(as: SIMD8<Float>.self)
                mi += (g - mi) * c1v
                vi += (g * g - vi) * c2v
                w -= mi * alphav / (vi.squareRoot() + epsv)
                UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(weights + i).storeBytes(of: w, as: SIMD8<Float>.self)
                i += 8
            }
            while i < range.upperBound {
                let g = gradients[i]
                m[i] += (g - m[i]) * c1
                v[i] += (g * g - v[i]) * c2
                weights[i] -= m[i] * alpha / (v[i].squareRoot() + eps)
                i += 1
            }
        }
        iterations += 1
    }
}
