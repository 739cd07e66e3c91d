import Support
/// Rows of input values with their class ids: what the trainer fits and evaluates on.
///
/// `values` is rows × width, row-major, raw (a model's `normalization` is applied when rows are loaded);
/// `labels[i]` is the class id (0-based) of row i.
public struct Dataset: Sendable {
    public let values: [Float]
    public let labels: [Int]
    public let width: Int

    /// A dataset; `values.count` must be `labels.count × width` and labels non-negative.
    public init(values: [Float], labels: [Int], width: Int) throws(LearnError) {
        guard width > 0 else { throw LearnError(.badData, "row width must be positive, got \(width)") }
        guard values.count == labels.count * width else {
            throw LearnError(.badData, "\(values.count) values do not make \(labels.count) rows of \(width)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 }) {
            throw LearnError(.badData, "row \(bad) has a negative label \(labels[bad])")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw LearnError(.badData, "row \(bad / width) column \(bad % width) is \(values[bad]); inputs must be finite")
        }
        self.values = values
        self.labels = labels
        self.width = width
    }

    public var count: Int { labels.count }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        var v = [Float]()
        v.reserveCapacity(indices.count * width)
        for i in indices { v.append(contentsOf: values[(i * width)..<((i + 1) * width)]) }
        // The rows come from a valid dataset, so they make a valid one.
        return try! Dataset(values: v, labels: indices.map { labels[$0] }, width: width)
    }
}
