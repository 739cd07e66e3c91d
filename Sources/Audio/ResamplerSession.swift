import CSoxr
import Support

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

        /// Starts resampling a signal that arrives in pieces (a long file read chunk by chunk): the same calls
        /// as `resample` makes — input fed in chunks of `48000 · source / target` frames, then a flush — so
        /// the samples are the same, but only a chunk is in memory at a time. Feed it with `Stream.push`, end
        /// with `Stream.finish`. The session must not be used for anything else until then.
        ///
        /// Wraps `soxr_clear`.
        public func stream(from source: Int, to target: Int, quality: Quality = .high) throws(AudioError) -> Stream {
            guard source > 0, target > 0 else {
                throw AudioError(.badParameter, "sample rates must be positive (got \(source) → \(target) Hz)")
            }
            let converter = source == target ? nil : try self.converter(Key(source: source, target: target, quality: quality))
            if let converter, let error = soxr_clear(converter) {
                throw AudioError(.resampleFailed, "soxr: \(String(cString: error))")
            }
            return Stream(converter: converter, source: source, target: target)
        }

        /// A signal being resampled piece by piece (see `Session.stream`).
        public final class Stream {
            private let converter: soxr_t?
            let source: Int, target: Int
            private let chunk: Int
            private var pending: [Float] = []
            /// Input frames pushed so far.
            public private(set) var inputCount = 0
            /// Output samples returned so far.
            public private(set) var outputCount = 0

            init(converter: soxr_t?, source: Int, target: Int) {
                self.converter = converter
                self.source = source
                self.target = target
                chunk = max(1, Int(48000.0 * Double(source) / Double(target)))
            }

            /// Feeds input samples; returns the output samples ready so far.
            public func push(_ samples: [Float]) throws(AudioError) -> [Float] {
                inputCount += samples.count
                guard converter != nil else {
                    outputCount += samples.count
                    return samples
                }
                pending += samples
                var out: [Float] = []
                var start = 0
                while pending.count - start >= chunk {
                    out += try process(pending, start..<(start + chunk))
                    start += chunk
                }
                pending.removeSubrange(0..<start)
                outputCount += out.count
                return out
            }

            /// Feeds what is left and flushes; returns the last samples, padded with zeros or cut so that the
            /// whole output has librosa's length `ceil(inputCount · target / source)`.
            public func finish() throws(AudioError) -> [Float] {
                let wanted = Resampler.outputLength(inputLength: inputCount, from: source, to: target)
                var out: [Float] = []
                if converter != nil {
                    if !pending.isEmpty { out += try process(pending, 0..<pending.count) }
                    pending = []
                    // The flush: drain until soxr has nothing left.
                    while true {
                        let tail = try process(nil, 0..<0)
                        out += tail
                        if tail.isEmpty { break }
                    }
                }
                let total = outputCount + out.count
                if total < wanted { out += [Float](repeating: 0, count: wanted - total) }
                if total > wanted { out.removeLast(min(out.count, total - wanted)) }
                outputCount += out.count
                return out
            }

            /// One `soxr_process` call: `range` of `input`, or the flush when `input` is nil.
            private func process(_ input: [Float]?, _ range: Range<Int>) throws(AudioError) -> [Float] {
                guard let converter else { return [] }
                let room = Int(Double(max(range.count, chunk)) * Double(target) / Double(source)) + 4096
                var out = [Float](repeating: 0, count: room)
                var done = 0
                var failure: soxr_error_t?
                out.withUnsafeMutableBufferPointer { o in
                    if let input {
                        input.withUnsafeBufferPointer { i in
                            failure = soxr_process(converter, i.baseAddress! + range.lowerBound, range.count, nil, o.baseAddress, room, &done)
                        }
                    } else {
                        failure = soxr_process(converter, nil, 0, nil, o.baseAddress, room, &done)
                    }
                }
                if let failure { throw AudioError(.resampleFailed, "soxr: \(String(cString: failure))") }
                out.removeSubrange(done...)
                return out
            }
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
