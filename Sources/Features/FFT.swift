import CFFTW
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real-to-complex forward FFT of one size, through FFTW (single precision).
///
/// Plans are made once per size and shared (`FFT.forward(size:)`); FFTW's planner is not thread-safe, so
/// planning is serialized behind one lock, while `transform` may run on several threads at once (it uses
/// the new-array execute interface with buffers owned by the caller).
public final class FFT: @unchecked Sendable {
    /// Number of input samples.
    public let size: Int
    /// Number of complex output bins: `size / 2 + 1`.
    public var bins: Int { size / 2 + 1 }

    private let plan: fftwf_plan

    private init(size: Int) {
        self.size = size
        // Plan on scratch buffers; execution uses fftwf_execute_dft_r2c with the caller's (equally aligned) buffers.
        let input = fftwf_alloc_real(size)!
        let output = fftwf_alloc_complex(size / 2 + 1)!
        plan = fftwf_plan_dft_r2c_1d(Int32(size), input, output, SER_FFTW_ESTIMATE | SER_FFTW_DESTROY_INPUT)!
        fftwf_free(input)
        fftwf_free(output)
    }

    deinit { FFT.lock.withLock { fftwf_destroy_plan(plan) } }

    private static let lock = PlanLock()
    nonisolated(unsafe) private static var plans: [Int: FFT] = [:]

    /// The shared forward plan for `size` real samples (made on first use).
    public static func forward(size: Int) -> FFT {
        precondition(size > 0, "FFT size must be positive")
        return lock.withLock {
            if let plan = plans[size] { return plan }
            let plan = FFT(size: size)
            plans[size] = plan
            return plan
        }
    }

    /// Transforms `size` real samples into `bins` complex values (interleaved re, im).
    ///
    /// Wraps `fftwf_execute_dft_r2c`. `input` is destroyed (used as scratch). Both buffers must come from
    /// `FFT.Buffer` so they have FFTW's alignment.
    public func transform(_ input: Buffer, into output: Buffer) {
        precondition(input.count >= size && output.count >= 2 * bins, "FFT buffers too small")
        fftwf_execute_dft_r2c(plan, input.pointer, OpaquePointer(output.pointer).map { UnsafeMutablePointer<fftwf_complex>($0) })
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

/// A pthread mutex: FFTW's planner must never run on two threads at once.
final class PlanLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
