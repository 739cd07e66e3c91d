import Support
extension Resampler {
    /// The output length librosa gives for non-integer rates: `ceil(n * (target / source))`, computed in
    /// double precision exactly as `librosa.resample` does (`ratio = target_sr / orig_sr`, then `np.ceil`).
    public static func outputLength(inputLength n: Int, from source: Double, to target: Double) -> Int {
        let ratio = target / source
        return Int((Double(n) * ratio).rounded(.up))
    }

    /// Resamples mono float32 samples between rates that need not be whole numbers, as
    /// `librosa.resample(y, orig_sr=source, target_sr=target, res_type="soxr_hq")` does; `librosa.effects.pitch_shift`
    /// uses it to go from `sr / rate` back to `sr`.
    ///
    /// The result has `outputLength(inputLength:from:to:)` samples (soxr's output padded with zeros or trimmed,
    /// librosa's `fix_length`). Rates are in Hz and must be positive and finite; equal rates return the input.
    ///
    /// Wraps `soxr_oneshot` with float32 I/O.
    public static func resample(_ samples: [Float], from source: Double, to target: Double,
                                quality: Quality = .high) throws(AudioError) -> [Float] {
        guard source > 0, target > 0, source.isFinite, target.isFinite else {
            throw AudioError(.badParameter, "sample rates must be positive and finite (got \(source) → \(target) Hz)")
        }
        if source == target || samples.isEmpty { return samples }
        return try oneshot(samples, from: source, to: target,
                           length: outputLength(inputLength: samples.count, from: source, to: target), quality: quality)
    }
}
