import CSoxr
import Support

extension Resampler {
    /// Resampling of a signal that arrives in pieces (a microphone, a pipe): samples go in as they come and
    /// the converted ones come out as soon as soxr has them. Together the pieces equal what
    /// `Resampler.resample` gives for the whole signal (soxr HQ, librosa's output length): `push` never
    /// returns a sample past `ceil(n · target / source)` for the `n` samples pushed so far, and `finish` adds
    /// the rest (zeros if soxr gives fewer, as librosa's `fix_length`). Not thread-safe.
    public final class Stream {
        public let source: Int
        public let target: Int
        private let converter: soxr_t?
        /// Input samples pushed, output samples returned.
        public private(set) var consumed = 0
        public private(set) var produced = 0
        /// Converted samples held back until the input says they are inside librosa's length.
        private var pending: [Float] = []
        private var finished = false

        /// A stream converting from `source` Hz to `target` Hz (no conversion when they are equal).
        ///
        /// Wraps `soxr_create`.
        public init(from source: Int, to target: Int, quality: Quality = .high) throws(AudioError) {
            guard source > 0, target > 0 else {
                throw AudioError(.badParameter, "sample rates must be positive (got \(source) → \(target) Hz)")
            }
            self.source = source
            self.target = target
            if source == target {
                converter = nil
                return
            }
            var error: soxr_error_t?
            var io = ser_soxr_io_float32()
            var q = ser_soxr_quality(quality.recipe, 0)
            guard let c = soxr_create(Double(source), Double(target), 1, &error, &io, &q, nil), error == nil else {
                throw AudioError(.resampleFailed, "soxr: \(error.map { String(cString: $0) } ?? "cannot create a resampler")")
            }
            converter = c
        }

        deinit { if let converter { soxr_delete(converter) } }

        /// Converts the next samples; returns the output samples now known.
        ///
        /// Wraps `soxr_process`.
        public func push(_ samples: [Float]) throws(AudioError) -> [Float] {
            precondition(!finished, "Resampler.Stream: push after finish")
            if samples.isEmpty { return [] }
            consumed += samples.count
            guard let converter else {
                produced += samples.count
                return samples
            }
            try process(converter, samples, flush: false)
            return release(limit: Resampler.outputLength(inputLength: consumed, from: source, to: target))
        }

        /// Flushes soxr and returns the last samples, so that the whole output has librosa's length.
        public func finish() throws(AudioError) -> [Float] {
            precondition(!finished, "Resampler.Stream: finish twice")
            finished = true
            guard let converter else { return [] }
            let wanted = consumed == 0 ? 0 : Resampler.outputLength(inputLength: consumed, from: source, to: target)
            if consumed > 0 { try process(converter, [], flush: true) }
            if produced + pending.count < wanted {
                pending.append(contentsOf: repeatElement(0, count: wanted - produced - pending.count))
            }
            return release(limit: wanted)
        }

        private func process(_ converter: soxr_t, _ samples: [Float], flush: Bool) throws(AudioError) {
            var failure: soxr_error_t?
            let capacity = Int(Double(samples.count) * Double(target) / Double(source)) + 1024
            var out = [Float](repeating: 0, count: capacity)
            var index = 0
            repeat {
                var done = 0
                var used = 0
                samples.withUnsafeBufferPointer { input in
                    out.withUnsafeMutableBufferPointer { o in
                        if flush {
                            failure = soxr_process(converter, nil, 0, nil, o.baseAddress, o.count, &done)
                        } else {
                            failure = soxr_process(converter, input.baseAddress! + index, input.count - index, &used,
                                                   o.baseAddress, o.count, &done)
                        }
                    }
                }
                if let failure { throw AudioError(.resampleFailed, "soxr: \(String(cString: failure))") }
                pending.append(contentsOf: out[0..<done])
                index += used
                // Loop while soxr fills the buffer (more output waiting) or input is left.
                if flush ? done < out.count : (index >= samples.count && done < out.count) { break }
            } while true
        }

        /// Returns pending samples up to output position `limit`.
        private func release(limit: Int) -> [Float] {
            let n = max(0, min(pending.count, limit - produced))
            let out = Array(pending[0..<n])
            pending.removeFirst(n)
            produced += n
            return out
        }
    }
}
