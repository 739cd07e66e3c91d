#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide memory settings.
public enum Memory {
    /// Keeps freed large buffers (STFTs, spectrograms, resampled signals) in the heap for reuse instead of
    /// returning them to the kernel after each file: by default glibc maps and zeroes fresh pages for every
    /// array over 128 KiB, which costs augmentation and feature extraction much of their time. Called once
    /// at start by `ser` (every command, the REPL and notebooks alike). Wraps glibc's
    /// `mallopt(M_MMAP_THRESHOLD, 256 MiB)` and `mallopt(M_TRIM_THRESHOLD, 256 MiB)`, looked up with `dlsym`
    /// (malloc.h is not part of Swift's Glibc module); elsewhere it does nothing.
    public static func keepLargeBuffersInHeap() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mTrimThreshold: Int32 = -1, mMmapThreshold: Int32 = -3
        _ = mallopt(mMmapThreshold, 256 << 20)
        _ = mallopt(mTrimThreshold, 256 << 20)
        #endif
    }
}
