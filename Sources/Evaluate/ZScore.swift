import Support
/// A z-score normaliser, `(x − mean) / std` per column, like scikit-learn's `StandardScaler`.
///
/// Fit it on training rows only: statistics from test rows would leak information into training.
/// `std` is the population standard deviation (ddof 0); a column with zero spread gets scale 1, as in
/// scikit-learn, so it maps to 0 instead of NaN. Sums run in Double.
public struct ZScore: Sendable, Equatable, Hashable {
    /// Per-column means (length `columns`).
    public let mean: [Float]
    /// Per-column divisors: the standard deviation, or 1 where it is 0.
    public let scale: [Float]

    /// The number of columns it normalises.
    public var columns: Int { mean.count }

    public init(mean: [Float], scale: [Float]) {
        precondition(mean.count == scale.count, "mean and scale must have the same length")
        self.mean = mean
        self.scale = scale
    }

    /// Fits on `rows` of a row-major matrix `values` (rows × `columns`); `rows` nil = all rows.
    public static func fit(_ values: [Float], columns: Int, rows: [Int]? = nil) throws(EvaluateError) -> ZScore {
        guard columns > 0, values.count % columns == 0 else {
            throw EvaluateError(.lengthMismatch, "\(values.count) values do not form rows of \(columns) columns")
        }
        let total = values.count / columns
        let chosen = rows ?? Array(0..<total)
        guard !chosen.isEmpty else { throw EvaluateError(.tooFew, "cannot fit a normaliser on 0 rows") }
        if let bad = chosen.first(where: { $0 < 0 || $0 >= total }) {
            throw EvaluateError(.badParameter, "row \(bad) is out of range (matrix has \(total) rows)")
        }
        var sum = [Double](repeating: 0, count: columns)
        var squares = [Double](repeating: 0, count: columns)
        values.withUnsafeBufferPointer { v in
            sum.withUnsafeMutableBufferPointer { s in
                for r in chosen {
                    let base = r * columns
                    for c in 0..<columns { s[c] += Double(v[base + c]) }
                }
                let n = Double(chosen.count)
                for c in 0..<columns { s[c] /= n }
                squares.withUnsafeMutableBufferPointer { q in
                    for r in chosen {
                        let base = r * columns
                        for c in 0..<columns {
                            let d = Double(v[base + c]) - s[c]
                            q[c] += d * d
                        }
                    }
                    for c in 0..<columns { q[c] = (q[c] / n).squareRoot() }
                }
            }
        }
        return ZScore(mean: sum.map { Float($0) }, scale: squares.map { $0 == 0 ? 1 : Float($0) })
    }

    /// Normalises every row of a row-major matrix (rows × `columns`) and returns the result.
    public func transform(_ values: [Float]) -> [Float] {
        var out = values
        transform(&out)
        return out
    }

    /// Normalises every row of a row-major matrix (rows × `columns`) in place.
    public func transform(_ values: inout [Float]) {
        precondition(values.count % columns == 0, "values do not form rows of \(columns) columns")
        let cols = columns
        mean.withUnsafeBufferPointer { m in
            scale.withUnsafeBufferPointer { s in
                values.withUnsafeMutableBufferPointer { v in
                    var i = 0
                    while i < v.count {
                        for c in 0..<cols { v[i + c] = (v[i + c] - m[c]) / s[c] }
                        i += cols
                    }
                }
            }
        }
    }
}
