import CFFTW
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real-to-complex forward FFT, or its complex-to-real inverse, of one size, through FFTW (single precision).
///
/// Plans are made once per size and direction and shared (`FFT.forward(size:)`, `FFT.inverse(size:)`);
/// they use `FFTW_ESTIMATE`, so the same input always gives the same bits. FFTW's planner is not thread-safe, so
/// planning is serialized behind one lock, while `transform` may run on several threads at once (it uses
/// the new-array execute interface with buffers owned by the caller).
public final class FFT: @unchecked Sendable {
    /// Number of input samples.
    public let size: Int
    /// Number of complex output bins: `size / 2 + 1`.
    public var bins: Int { size / 2 + 1 }

    /// `true` for the complex-to-real inverse plan.
    public let isInverse: Bool

    private let plan: fftwf_plan

    private init(size: Int, inverse: Bool) {
        self.size = size
        self.isInverse = inverse
        // Plan on scratch buffers; execution uses the new-array interface with the caller's (equally aligned) buffers.
        let real = fftwf_alloc_real(size)!
        let complex = fftwf_alloc_complex(size / 2 + 1)!
        if inverse {
            plan = fftwf_plan_dft_c2r_1d(Int32(size), complex, real, SER_FFTW_ESTIMATE | SER_FFTW_DESTROY_INPUT)!
        } else {
            plan = fftwf_plan_dft_r2c_1d(Int32(size), real, complex, SER_FFTW_ESTIMATE | SER_FFTW_DESTROY_INPUT)!
        }
        fftwf_free(real)
        fftwf_free(complex)
    }

    deinit { FFT.lock.withLock { fftwf_destroy_plan(plan) } }

    private static let lock = Lock()
    nonisolated(unsafe) private static var plans: [Int: FFT] = [:]
    nonisolated(unsafe) private static var inversePlans: [Int: FFT] = [:]

    /// The shared forward (real-to-complex) plan for `size` real samples (made on first use).
    public static func forward(size: Int) -> FFT {
        precondition(size > 0, "FFT size must be positive")
        return lock.withLock {
            if let plan = plans[size] { return plan }
            let plan = FFT(size: size, inverse: false)
            plans[size] = plan
            return plan
        }
    }

    /// The shared inverse (complex-to-real) plan producing `size` real samples (made on first use).
    public static func inverse(size: Int) -> FFT {
        precondition(size > 0, "FFT size must be positive")
        return lock.withLock {
            if let plan = inversePlans[size] { return plan }
            let plan = FFT(size: size, inverse: true)
            inversePlans[size] = plan
            return plan
        }
    }

    /// Forward plan: transforms `size` real samples into `bins` complex values (interleaved re, im).
    ///
    /// Wraps `fftwf_execute_dft_r2c`. `input` is destroyed (used as scratch). Both buffers must come from
    /// `FFT.Buffer` so they have FFTW's alignment.
    public func transform(_ input: Buffer, into output: Buffer) {
        precondition(!isInverse, "transform(_:into:) needs a forward plan")
        precondition(input.count >= size && output.count >= 2 * bins, "FFT buffers too small")
        fftwf_execute_dft_r2c(plan, input.pointer, OpaquePointer(output.pointer).map { UnsafeMutablePointer<fftwf_complex>($0) })
    }

    /// Inverse plan: transforms `bins` complex values (interleaved re, im) into `size` real samples,
    /// unnormalized (the result is `size` times numpy's `irfft`). The imaginary parts of the DC and Nyquist
    /// bins are ignored, as `numpy.fft.irfft` ignores them.
    ///
    /// Wraps `fftwf_execute_dft_c2r`. `input` is destroyed (used as scratch). Both buffers must come from
    /// `FFT.Buffer`.
    public func inverseTransform(_ input: Buffer, into output: Buffer) {
        precondition(isInverse, "inverseTransform(_:into:) needs an inverse plan")
        precondition(input.count >= 2 * bins && output.count >= size, "FFT buffers too small")
        input.pointer[1] = 0
        if size % 2 == 0 { input.pointer[2 * (bins - 1) + 1] = 0 }
        fftwf_execute_dft_c2r(plan, OpaquePointer(input.pointer).map { UnsafeMutablePointer<fftwf_complex>($0) }, output.pointer)
    }

    /// An FFTW-aligned float buffer (`fftwf_alloc_real`), freed on deinit.
    public final class Buffer: @unchecked Sendable {
        public let pointer: UnsafeMutablePointer<Float>
        public let count: Int

        public init(count: Int) {
            self.count = count
            pointer = fftwf_alloc_real(max(count, 1))!
            pointer.initialize(repeating: 0, count: max(count, 1))
        }

        deinit { fftwf_free(pointer) }

        public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
    }
}

/// A double-precision real-to-complex forward FFT of one size, through FFTW (`fftw_plan_dft_r2c_1d`).
///
/// The STFT uses it because librosa transforms in double precision (its float64 window promotes each frame)
/// before storing complex64: spectra of near-silent frames then match librosa's, which matters for
/// piptrack's peak picking and so for the tuning estimate. Plans are shared per size like `FFT`'s.
public final class DoubleFFT: @unchecked Sendable {
    public let size: Int
    public var bins: Int { size / 2 + 1 }
    private let plan: fftw_plan

    private init(size: Int) {
        self.size = size
        let real = fftw_alloc_real(size)!
        let complex = fftw_alloc_complex(size / 2 + 1)!
        plan = fftw_plan_dft_r2c_1d(Int32(size), real, complex, SER_FFTW_ESTIMATE | SER_FFTW_DESTROY_INPUT)!
        fftw_free(real)
        fftw_free(complex)
    }

    deinit { DoubleFFT.lock.withLock { fftw_destroy_plan(plan) } }

    private static let lock = Lock()
    nonisolated(unsafe) private static var plans: [Int: DoubleFFT] = [:]

    /// The shared plan for `size` real samples (made on first use).
    public static func forward(size: Int) -> DoubleFFT {
        precondition(size > 0, "FFT size must be positive")
        return lock.withLock {
            if let plan = plans[size] { return plan }
            let plan = DoubleFFT(size: size)
            plans[size] = plan
            return plan
        }
    }

    /// Transforms `size` real samples into `bins` complex values (interleaved re, im).
    ///
    /// Wraps `fftw_execute_dft_r2c`. `input` is destroyed. Both buffers must come from `DoubleFFT.Buffer`.
    public func transform(_ input: Buffer, into output: Buffer) {
        precondition(input.count >= size && output.count >= 2 * bins, "FFT buffers too small")
        fftw_execute_dft_r2c(plan, input.pointer, OpaquePointer(output.pointer).map { UnsafeMutablePointer<fftw_complex>($0) })
    }

    /// An FFTW-aligned double buffer (`fftw_alloc_real`), freed on deinit.
    public final class Buffer: @unchecked Sendable {
        public let pointer: UnsafeMutablePointer<Double>
        public let count: Int

        public init(count: Int) {
            self.count = count
            pointer = fftw_alloc_real(max(count, 1))!
            pointer.initialize(repeating: 0, count: max(count, 1))
        }

        deinit { fftw_free(pointer) }
    }
}
