import Support
/// A set of class names and the integer codes rows carry (`0..<count`), like scikit-learn's `LabelEncoder`.
///
/// Class names are sorted (byte order of their UTF-8), so the same names always get the same codes.
public struct LabelSet: Sendable, Equatable, Hashable {
    /// Class names; `names[code]` is the class with that code.
    public let names: [String]

    /// A label set with exactly these class names, in this order.
    public init(names: [String]) {
        self.names = names
    }

    /// The sorted distinct names that occur in `labels`.
    public init(from labels: [String]) {
        names = Array(Set(labels)).sorted()
    }

    /// The number of classes.
    public var count: Int { names.count }

    /// The code of `name`, or nil if it is not a class.
    public func code(of name: String) -> Int? {
        names.firstIndex(of: name)
    }

    /// Codes for `labels`; throws `unknownName` naming the first label that is not a class.
    public func encode(_ labels: [String]) throws(EvaluateError) -> [Int] {
        var index: [String: Int] = [:]
        for (i, n) in names.enumerated() { index[n] = i }
        var codes = [Int]()
        codes.reserveCapacity(labels.count)
        for (row, label) in labels.enumerated() {
            guard let c = index[label] else {
                throw EvaluateError(.unknownName, "row \(row): label '\(label)' is not one of \(names.joined(separator: ", "))")
            }
            codes.append(c)
        }
        return codes
    }

    /// Names for `codes`.
    public func decode(_ codes: [Int]) -> [String] {
        codes.map { names[$0] }
    }
}
