import CSoxr
import Support

/// Sample-rate conversion with libsoxr.
public enum Resampler {
    /// soxr's quality recipes. `librosa.load` uses `.high` (res_type "soxr_hq").
    public enum Quality: Sendable {
        case quick, low, medium, high, veryHigh

        var recipe: UInt {
            switch self {
            case .quick: UInt(SER_SOXR_QQ)
            case .low: UInt(SER_SOXR_LQ)
            case .medium: UInt(SER_SOXR_MQ)
            case .high: UInt(SER_SOXR_HQ)
            case .veryHigh: UInt(SER_SOXR_VHQ)
            }
        }
    }

    /// The output length librosa gives: `ceil(n * target / source)` (librosa.resample's `fix_length`).
    public static func outputLength(inputLength n: Int, from source: Int, to target: Int) -> Int {
        // Integer arithmetic: exact where floating point could round the wrong way.
        (n * target + source - 1) / source
    }

    /// Resamples mono float32 samples from `source` Hz to `target` Hz; the result has
    /// `outputLength(inputLength:from:to:)` samples (padded with zeros or trimmed, as librosa does).
    ///
    /// Wraps `soxr_oneshot` with float32 I/O.
    public static func resample(_ samples: [Float], from source: Int, to target: Int,
                                quality: Quality = .high) throws(AudioError) -> [Float] {
        guard source > 0, target > 0 else {
            throw AudioError(.badParameter, "sample rates must be positive (got \(source) → \(target) Hz)")
        }
        if source == target || samples.isEmpty { return samples }
        return try oneshot(samples, from: Double(source), to: Double(target),
                           length: outputLength(inputLength: samples.count, from: source, to: target), quality: quality)
    }

    /// soxr's one-shot conversion (`soxr_oneshot`, float32 I/O) of `samples` from `source` to `target` Hz,
    /// padded with zeros or trimmed to `length` samples (librosa's `fix_length`).
    static func oneshot(_ samples: [Float], from source: Double, to target: Double, length wanted: Int,
                        quality: Quality) throws(AudioError) -> [Float] {
        var output = [Float](repeating: 0, count: wanted + 16)
        var io = ser_soxr_io_float32()
        var q = ser_soxr_quality(quality.recipe, 0)
        var done = 0
        let error: soxr_error_t? = samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                soxr_oneshot(source, target, 1,
                             input.baseAddress, input.count, nil,
                             out.baseAddress, out.count, &done,
                             &io, &q, nil)
            }
        }
        if let error {
            throw AudioError(.resampleFailed, "soxr: \(String(cString: error))")
        }
        output.removeSubrange(min(done, output.count)...)
        if output.count < wanted {
            output.append(contentsOf: repeatElement(0, count: wanted - output.count))
        } else if output.count > wanted {
            output.removeSubrange(wanted...)
        }
        return output
    }
}
