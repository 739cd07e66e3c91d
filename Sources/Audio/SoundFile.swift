import CSndFile
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Audio files through libsndfile: every format it reads (WAV, FLAC, OGG, AIFF, …), any channel count.
public enum SoundFile {
    /// The raw content of an audio file: interleaved float32 frames.
    public struct Contents: Sendable, Equatable {
        /// Interleaved samples: `frames * channels` values.
        public var interleaved: [Float]
        public var channels: Int
        public var sampleRate: Int
        public var frames: Int { channels == 0 ? 0 : interleaved.count / channels }

        public init(interleaved: [Float], channels: Int, sampleRate: Int) {
            self.interleaved = interleaved
            self.channels = channels
            self.sampleRate = sampleRate
        }

        /// One channel's samples.
        public func channel(_ c: Int) -> [Float] {
            stride(from: c, to: interleaved.count, by: channels).map { interleaved[$0] }
        }

        /// The mean of the channels, as `librosa.to_mono` computes it.
        public func mono() -> [Float] {
            if channels == 1 { return interleaved }
            var out = [Float](repeating: 0, count: frames)
            let scale = 1 / Float(channels)
            interleaved.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for f in 0..<dst.count {
                        var sum: Float = 0
                        let base = f * channels
                        for c in 0..<channels { sum += src[base + c] }
                        dst[f] = sum * scale
                    }
                }
            }
            return out
        }
    }

    /// The encodings ser writes.
    public enum Encoding: Sendable, CaseIterable {
        case wav16, wav24, wavFloat, flac16, flac24

        var format: Int32 {
            switch self {
            case .wav16: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
            case .wav24: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24)
            case .wavFloat: Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
            case .flac16: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
            case .flac24: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_24)
            }
        }
    }

    /// The most samples (frames × channels) `read` holds in memory: 2^30 float32 values, 4 GiB (about 3.1 hours
    /// of 48 kHz stereo, 13.5 hours of 22 050 Hz mono). Longer files are refused by name; `ser features`
    /// streams them through `SoundFile.Reader` instead.
    public static let maxSamples = 1 << 30

    /// What a file's header says: frames per channel, channels and sample rate.
    public struct Info: Sendable, Equatable {
        public var frames: Int
        public var channels: Int
        public var sampleRate: Int
        /// Seconds of audio.
        public var duration: Double { Double(frames) / Double(sampleRate) }
    }

    /// Reads a file's header only (no decoding): enough for durations of a whole corpus in a blink. The
    /// checks are `Reader`'s: a regular file, a sane header, a known length (a truncated Ogg stream has none).
    ///
    /// Wraps `sf_open`, `sf_close`.
    public static func info(_ path: String) throws(AudioError) -> Info {
        let reader = try Reader(path)
        guard let frames = reader.frames else {
            throw AudioError(.corrupt, path: path, "truncated or damaged: libsndfile cannot find the end of the stream")
        }
        return Info(frames: frames, channels: reader.channels, sampleRate: reader.sampleRate)
    }

    /// Reads a whole file as float32 (integer PCM scaled to [-1, 1) as libsndfile and soundfile do).
    ///
    /// NaN or infinite samples (possible in float WAV/AIFF) are an error naming the first one.
    /// Only regular files are read (a FIFO, device or folder is refused before it is opened, so nothing
    /// blocks). When libsndfile cannot tell the length (a truncated Ogg stream reports `SF_COUNT_MAX`) or the
    /// header's length is implausible for the file's size, the file is decoded in chunks until its end; an
    /// unknown length is then reported as truncation, with how much audio decoded before the cut.
    ///
    /// Wraps `sf_open`, `sf_readf_float`, `sf_close`.
    public static func read(_ path: String, maxSeconds: Double? = nil) throws(AudioError) -> Contents {
        let reader = try Reader(path)
        var buffer: [Float] = []
        let limit = maxSeconds.map { max(0, Int(min($0 * Double(reader.sampleRate), Double(Int32.max)))) }
        func tooLong(_ frames: Int) -> AudioError {
            AudioError(.tooLong, path: path, "\(formatSeconds(Double(frames) / Double(reader.sampleRate))) s long; this command takes at most \(formatSeconds(maxSeconds ?? 0)) s (cut the file first)")
        }
        if let frames = reader.frames, let limit, frames > limit { throw tooLong(frames) }
        if let frames = reader.frames {
            guard frames.multipliedReportingOverflow(by: reader.channels).partialValue <= maxSamples,
                  !frames.multipliedReportingOverflow(by: reader.channels).overflow else {
                throw reader.tooLong(frames: frames)
            }
            buffer.reserveCapacity(frames * reader.channels)
        }
        while let chunk = try reader.next() {
            guard buffer.count + chunk.count <= maxSamples else {
                throw reader.tooLong(frames: (buffer.count + chunk.count) / reader.channels)
            }
            if let limit, reader.framesRead > limit { throw tooLong(reader.framesRead) }
            buffer.append(contentsOf: chunk)
        }
        try reader.finish()
        return Contents(interleaved: buffer, channels: reader.channels, sampleRate: reader.sampleRate)
    }

    /// An open audio file read chunk by chunk (interleaved float32), so a long file never needs to be in
    /// memory at once. `read` is built on it; `ser features` streams long files through it.
    ///
    /// Owns the libsndfile handle (`sf_close` in `deinit`). Not thread-safe.
    public final class Reader {
        public let path: String
        public let channels: Int
        public let sampleRate: Int
        /// The frame count the header announces, or nil when libsndfile cannot tell or it is implausible
        /// (then the file is read to its end and an unknown length is reported as truncation by `finish`).
        public let frames: Int?
        /// Frames delivered so far.
        public private(set) var framesRead = 0
        /// Frames per chunk.
        public let chunkFrames: Int
        private let handle: OpaquePointer
        private var finished = false

        /// Opens `path` (a regular file) for reading.
        ///
        /// Wraps `sf_open`.
        public init(_ path: String, chunkFrames: Int = 1 << 16) throws(AudioError) {
            let size = try SoundFile.regularFileSize(path)
            var info = SF_INFO()
            guard let handle = sf_open(path, Int32(SFM_READ), &info) else {
                let reason = String(cString: sf_strerror(nil))
                throw classifyOpenFailure(path: path, reason: reason)
            }
            self.handle = handle
            self.path = path
            channels = Int(info.channels)
            sampleRate = Int(info.samplerate)
            self.chunkFrames = max(1, chunkFrames)
            guard channels > 0, channels <= 1024, info.samplerate > 0 else {
                sf_close(handle)
                throw AudioError(.corrupt, path: path, "invalid header (\(info.channels) channels, \(info.samplerate) Hz)")
            }
            // libsndfile says SF_COUNT_MAX when it cannot find the end (a truncated Ogg stream). Even the most
            // compressible format (FLAC of silence) needs more than one byte per 4096 frames.
            let announced = Int(info.frames)
            frames = announced < 0 || announced == Int(Int64.max) || announced / 4096 > max(size, 1) ? nil : announced
            if frames == 0 {
                sf_close(handle)
                throw AudioError(.empty, path: path, "the file holds no audio frames")
            }
            if let shortfall = SoundFile.truncation(handle) {
                sf_close(handle)
                throw AudioError(.corrupt, path: path, "truncated: \(shortfall)")
            }
        }

        deinit { sf_close(handle) }

        /// The next chunk of interleaved samples (up to `chunkFrames` frames), or nil at the end of the file.
        ///
        /// Wraps `sf_readf_float`, `sf_error`.
        public func next() throws(AudioError) -> [Float]? {
            if finished { return nil }
            var want = chunkFrames
            if let frames { want = min(want, frames - framesRead) }
            guard want > 0 else { finished = true; return nil }
            var chunk = [Float](repeating: 0, count: want * channels)
            let got = chunk.withUnsafeMutableBufferPointer { sf_readf_float(handle, $0.baseAddress, sf_count_t(want)) }
            let err = sf_error(handle)
            if err != 0 {
                throw AudioError(.corrupt, path: path, "decoding failed: \(String(cString: sf_error_number(err)))")
            }
            if got <= 0 { finished = true; return nil }
            if Int(got) < want { chunk.removeSubrange((Int(got) * channels)...) }
            if let bad = chunk.firstIndex(where: { !$0.isFinite }) {
                let frame = framesRead + bad / channels
                throw AudioError(.notFinite, path: path,
                                 "sample \(frame) (\(formatSeconds(Double(frame) / Double(sampleRate))) s\(channels > 1 ? ", channel \(bad % channels + 1)" : "")) is \(chunk[bad]); audio must be finite")
            }
            framesRead += Int(got)
            return chunk
        }

        /// Checks, after the last chunk, that the file held what its header announced.
        public func finish() throws(AudioError) {
            guard let frames else {
                let seconds = Double(framesRead) / Double(sampleRate)
                throw AudioError(.corrupt, path: path, framesRead == 0
                    ? "truncated or damaged: libsndfile cannot find the end of the stream and no audio decodes"
                    : "truncated or damaged: libsndfile cannot find the end of the stream (\(framesRead) frames, \(formatSeconds(seconds)) s, decode before the cut)")
            }
            if framesRead < frames {
                // A header announcing more frames than the data holds: the file was cut short.
                throw AudioError(.corrupt, path: path,
                                 "truncated: header announces \(frames) frames, only \(framesRead) could be read")
            }
        }

        func tooLong(frames: Int) -> AudioError {
            let seconds = Double(frames) / Double(sampleRate)
            return AudioError(.tooLong, path: path,
                              "too long to hold in memory (\(formatSeconds(seconds)) s, \(channels) channel\(channels == 1 ? "" : "s") at \(sampleRate) Hz; at most \(SoundFile.maxSamples) samples, 4 GiB)")
        }
    }

    /// The size of `path` when it is a regular file (following symbolic links); anything else — missing, a
    /// folder, a FIFO, a device, a socket — is an error naming what it is, so that nothing blocks on it.
    ///
    /// Wraps Support's `Files.regularFileSize`.
    public static func regularFileSize(_ path: String) throws(AudioError) -> Int {
        let size: Int
        do { size = try Files.regularFileSize(path) } catch {
            switch error.reason {
            case .missing, .unreadable, .tooLarge, .other: throw AudioError(.cannotOpen, path: path, error.message)
            case .notRegular where Files.isDirectory(path): throw AudioError(.notAudio, path: path, "\(error.message), not an audio file")
            case .notRegular: throw AudioError(.notAudio, path: path, "\(error.message), not an audio file; only regular files are read")
            }
        }
        guard size > 0 else { throw AudioError(.empty, path: path, "the file is empty (0 bytes)") }
        return size
    }

    /// Writes interleaved float32 samples in the given encoding, atomically (temporary file + rename).
    ///
    /// Wraps `sf_open`, `sf_writef_float`, `sf_close`. Samples outside [-1, 1] are clipped for integer encodings.
    public static func write(_ contents: Contents, to path: String, encoding: Encoding) throws(AudioError) {
        guard contents.channels > 0, contents.sampleRate > 0 else {
            throw AudioError(.badParameter, path: path, "cannot write \(contents.channels) channels at \(contents.sampleRate) Hz")
        }
        var info = SF_INFO()
        info.channels = Int32(contents.channels)
        info.samplerate = Int32(contents.sampleRate)
        info.format = encoding.format
        guard sf_format_check(&info) != 0 else {
            throw AudioError(.badParameter, path: path, "libsndfile cannot write \(encoding) with \(contents.channels) channels at \(contents.sampleRate) Hz")
        }
        let temporary = AtomicFile.temporaryPath(for: path)
        guard let handle = sf_open(temporary, Int32(SFM_WRITE), &info) else {
            throw AudioError(.cannotWrite, path: path, String(cString: sf_strerror(nil)))
        }
        ser_sf_set_clipping(handle, 1)
        let frames = contents.frames
        let written = contents.interleaved.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(frames)) }
        let closeStatus = sf_close(handle)
        guard Int(written) == frames, closeStatus == 0 else {
            AtomicFile.remove(temporary)
            throw AudioError(.cannotWrite, path: path, "wrote \(written) of \(frames) frames")
        }
        do { try AtomicFile.commit(temporary, to: path) } catch {
            throw AudioError(.cannotWrite, path: path, error.message)
        }
    }

    /// Writes a mono signal.
    public static func write(_ signal: Signal, to path: String, encoding: Encoding) throws(AudioError) {
        try write(Contents(interleaved: signal.samples, channels: 1, sampleRate: signal.sampleRate), to: path, encoding: encoding)
    }

    /// libsndfile reads a WAV/AIFF whose data chunk is cut short without complaint (as `soundfile` and so
    /// `librosa.load` do), only noting it in its log: "data : 44100 (should be 22028)". A chunk announcing more
    /// bytes than the file holds means the file was truncated; streaming writers' placeholder sizes (0 and
    /// 0xFFFFFFFF) are not. Returns the log's note, or nil.
    ///
    /// Wraps `sf_command(SFC_GET_LOG_INFO)`.
    static func truncation(_ handle: OpaquePointer) -> String? {
        var log = [CChar](repeating: 0, count: 8192)
        let length = log.withUnsafeMutableBufferPointer { sf_command(handle, Int32(SFC_GET_LOG_INFO), $0.baseAddress, Int32($0.count - 1)) }
        guard length > 0 else { return nil }
        let text = log.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("data") || trimmed.hasPrefix("SSND") else { continue }
            let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "(" || $0 == ")" })
            // ["data", "44100", "should", "be", "22028"]
            guard parts.count >= 5, parts[2] == "should", parts[3] == "be",
                  let declared = UInt64(parts[1]), let actual = UInt64(parts[4]) else { continue }
            if declared > actual && declared != 0xFFFF_FFFF && declared != 0 {
                return "the \(parts[0]) chunk announces \(declared) bytes, the file holds \(actual)"
            }
        }
        return nil
    }

    static func classifyOpenFailure(path: String, reason: String) -> AudioError {
        let lower = reason.lowercased()
        if lower.contains("format") || lower.contains("recogni") {
            return AudioError(.notAudio, path: path, "not an audio file libsndfile can read (\(reason))")
        }
        return AudioError(.corrupt, path: path, reason)
    }
}

/// Seconds with one decimal ("7200.0").
func formatSeconds(_ s: Double) -> String {
    let tenths = (s * 10).rounded()
    return "\(Int(tenths) / 10).\(Int(tenths) % 10)"
}
