/// A float32 tensor with flat row-major storage: `values.count == shape.reduce(1, *)`.
///
/// Weights are tensors in Keras's layouts: a Conv1D kernel is (kernel_size, in_channels, filters), a Dense
/// kernel (in_features, units), biases (units).
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Float]

    /// A tensor of `shape` holding `values` (row-major); their counts must agree.
    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "tensor shape \(shape) does not hold \(values.count) values")
        self.shape = shape
        self.values = values
    }

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.shape = shape
        self.values = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// Number of elements.
    public var count: Int { values.count }
}

/// A fixed-size float buffer owned by a class: the workspaces of the engine. Not copied, never resized in a
/// hot loop (`reserve` grows it between batches only when a larger batch arrives).
final class FloatBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init(count: Int) {
        capacity = max(count, 1)
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
    }

    /// Makes room for at least `count` floats; contents are not kept when it grows.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = count
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
    }

    deinit { pointer.deallocate() }
}

/// Int32 counterpart of `FloatBuffer` (max-pooling argmax indices).
final class IndexBuffer {
    private(set) var pointer: UnsafeMutablePointer<Int32>
    private(set) var capacity: Int

    init(count: Int) {
        capacity = max(count, 1)
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
    }

    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = count
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
    }

    deinit { pointer.deallocate() }
}
