/// Categorical cross-entropy on softmax probabilities, fused with the softmax's gradient.
///
/// The loss of one sample is −log(clip(p[label], 1e−7, 1 − 1e−7)) (Keras's `categorical_crossentropy` on
/// probabilities, epsilon 1e−7), times the class weight of its label when class weights are given; a batch's
/// loss is the sum over samples divided by the batch size (Keras's "sum_over_batch_size"). The gradient with
/// respect to the logits, w·(p − onehot)/batch, is exact and never forms 1/p.
enum SoftmaxCrossEntropy {
    static let epsilon: Float = 1e-7

    /// Returns the weighted sum of sample losses (not divided by `batch`) and the number of samples whose
    /// largest probability (first one on ties) is at their label. Writes the logits' gradient into `grad`
    /// when given.
    ///
    /// `normalizer` is the size of the whole batch when this call sees one shard of it (default `batch`).
    static func evaluate(probabilities p: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int, classes: Int,
                         classWeights: UnsafePointer<Float>?, grad: UnsafeMutablePointer<Float>?,
                         normalizer: Int? = nil) -> (loss: Double, correct: Int) {
        var total: Double = 0
        var correct = 0
        let invBatch = 1 / Float(normalizer ?? batch)
        for b in 0..<batch {
            let row = p + b * classes
            let label = Int(labels[b])
            var best = 0
            for j in 1..<max(classes, 1) where row[j] > row[best] { best = j }
            if best == label { correct += 1 }
            let w = classWeights?[label] ?? 1
            let clipped = min(max(row[label], epsilon), 1 - epsilon)
            total += Double(w * -PortableMath.log(clipped))
            if let grad {
                let g = grad + b * classes, scale = w * invBatch
                for j in 0..<classes { g[j] = row[j] * scale }
                g[label] -= scale
            }
        }
        return (total, correct)
    }
}
