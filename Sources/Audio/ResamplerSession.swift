import CSoxr

extension Resampler {
    /// A reusable resampler for one thread: keeps one soxr converter per (source, target, quality) and resets
    /// it with `soxr_clear` between signals, so the filter is designed once rather than per file. Feeds input
    /// in chunks of `48000 · source / target` frames and then flushes, as python-soxr's `resample` does
    /// (librosa.load's path); the output is padded or cut to librosa's length. Not thread-safe.
    public final class Session {
        private struct Key: Hashable {
            var source: Int, target: Int, quality: Quality
        }

        private var converters: [Key: soxr_t] = [:]

        public init() {}

        deinit { for (_, c) in converters { soxr_delete(c) } }

        /// Resamples mono float32 samples; same result as `Resampler.resample`.
        ///
        /// Wraps `soxr_create` (once per rate pair), `soxr_clear`, `soxr_process`.
        public func resample(_ samples: [Float], from source: Int, to target: Int,
                             quality: Quality = .high) throws(AudioError) -> [Float] {
            guard source > 0, target > 0 else {
                throw AudioError(.badParameter, "sample rates must be positive (got \(source) → \(target) Hz)")
            }
            if source == target || samples.isEmpty { return samples }
            let converter = try self.converter(Key(source: source, target: target, quality: quality))
            if let error = soxr_clear(converter) {
                throw AudioError(.resampleFailed, "soxr: \(String(cString: error))")
            }
            let wanted = Resampler.outputLength(inputLength: samples.count, from: source, to: target)
            // python-soxr's buffer: ilen * out / in + 1 frames.
            let capacity = Int(Double(samples.count) * Double(target) / Double(source)) + 1
            var output = [Float](repeating: 0, count: max(capacity, wanted))
            let chunk = max(1, Int(48000.0 * Double(source) / Double(target)))
            var produced = 0
            var failure: soxr_error_t?
            samples.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    var index = 0
                    while index < input.count, failure == nil {
                        var done = 0
                        let n = min(chunk, input.count - index)
                        failure = soxr_process(converter, input.baseAddress! + index, n, nil,
                                               out.baseAddress! + produced, capacity - produced, &done)
                        produced += done
                        index += n
                    }
                    if failure == nil {
                        var done = 0
                        failure = soxr_process(converter, nil, 0, nil, out.baseAddress! + produced, capacity - produced, &done)
                        produced += done
                    }
                }
            }
            if let failure { throw AudioError(.resampleFailed, "soxr: \(String(cString: failure))") }
            // librosa's fix_length: zeros past what soxr produced, cut at the wanted length.
            for i in produced..<output.count { output[i] = 0 }
            output.removeSubrange(wanted...)
            return output
        }

        private func converter(_ key: Key) throws(AudioError) -> soxr_t {
            if let c = converters[key] { return c }
            var error: soxr_error_t?
            var io = ser_soxr_io_float32()
            var q = ser_soxr_quality(key.quality.recipe, 0)
            guard let c = soxr_create(Double(key.source), Double(key.target), 1, &error, &io, &q, nil), error == nil else {
                throw AudioError(.resampleFailed, "soxr: \(error.map { String(cString: $0) } ?? "cannot create a resampler")")
            }
            converters[key] = c
            return c
        }
    }
}
