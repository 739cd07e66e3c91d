#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real matrix stored flat, row-major: element (r, c) is `values[r * columns + c]`.
///
/// Spectrograms and feature matrices use librosa's orientation: rows are frequency bins (or mel bands,
/// MFCC coefficients, chroma bins) and columns are frames, so `rows × columns` is librosa's `(n, t)` shape.
public struct Matrix: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    /// `rows * columns` values, row-major.
    public var values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns,
                     "Matrix: \(values.count) values for a \(rows) × \(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// A matrix of zeros.
    public init(rows: Int, columns: Int) {
        self.init(rows: rows, columns: columns, values: [Float](repeating: 0, count: rows * columns))
    }

    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// One row (for a spectrogram: one bin over time).
    public func row(_ r: Int) -> ArraySlice<Float> { values[(r * columns)..<((r + 1) * columns)] }

    /// One column (for a spectrogram: one frame), copied.
    public func column(_ c: Int) -> [Float] { (0..<rows).map { values[$0 * columns + c] } }

    /// The mean of each row over the columns (librosa's `np.mean(M, axis=1)`: a time average), in double precision.
    public func rowMeans() -> [Float] {
        guard columns > 0 else { return [Float](repeating: 0, count: rows) }
        return values.withUnsafeBufferPointer { v in
            (0..<rows).map { r in
                var sum = 0.0
                for c in 0..<columns { sum += Double(v[r * columns + c]) }
                return Float(sum / Double(columns))
            }
        }
    }
}

/// A complex matrix stored as two flat row-major planes (real and imaginary parts): element (r, c) is
/// `real[r * columns + c] + i·imag[r * columns + c]`.
///
/// `STFT.complex` returns one with rows = frequency bins (`nFFT / 2 + 1`) and columns = frames, librosa's
/// `(1 + n_fft // 2, t)` orientation.
public struct ComplexMatrix: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    /// Real parts, row-major.
    public var real: [Float]
    /// Imaginary parts, row-major.
    public var imag: [Float]

    public init(rows: Int, columns: Int, real: [Float], imag: [Float]) {
        precondition(real.count == rows * columns && imag.count == rows * columns,
                     "ComplexMatrix: planes of \(real.count) and \(imag.count) values for \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        self.real = real
        self.imag = imag
    }

    /// A matrix of zeros.
    public init(rows: Int, columns: Int) {
        let zeros = [Float](repeating: 0, count: rows * columns)
        self.init(rows: rows, columns: columns, real: zeros, imag: zeros)
    }

    /// Element (row, column) as (re, im).
    public subscript(row: Int, column: Int) -> (re: Float, im: Float) {
        get { (real[row * columns + column], imag[row * columns + column]) }
        set {
            real[row * columns + column] = newValue.re
            imag[row * columns + column] = newValue.im
        }
    }

    /// Element-wise `|z|^power` (power 2: the power spectrogram; 1: the magnitude), computed in double precision.
    public func magnitude(power: Double = 1) -> Matrix {
        var out = [Float](repeating: 0, count: real.count)
        for i in 0..<out.count {
            let m2 = Double(real[i]) * Double(real[i]) + Double(imag[i]) * Double(imag[i])
            out[i] = Float(power == 2 ? m2 : (power == 1 ? m2.squareRoot() : pow(m2, power / 2)))
        }
        return Matrix(rows: rows, columns: columns, values: out)
    }

    /// Element-wise phase angle in radians (`np.angle`).
    public func phase() -> Matrix {
        Matrix(rows: rows, columns: columns, values: (0..<real.count).map { Float(atan2(Double(imag[$0]), Double(real[$0]))) })
    }
}
