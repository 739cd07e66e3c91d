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

    /// What a file's header says: frames per channel, channels and sample rate.
    public struct Info: Sendable, Equatable {
        public var frames: Int
        public var channels: Int
        public var sampleRate: Int
        /// Seconds of audio.
        public var duration: Double { Double(frames) / Double(sampleRate) }
    }

    /// Reads a file's header only (no decoding): enough for durations of a whole corpus in a blink.
    ///
    /// Wraps `sf_open`, `sf_close`.
    public static func info(_ path: String) throws(AudioError) -> Info {
        let (handle, info) = try openForReading(path)
        sf_close(handle)
        return info
    }

    /// Opens `path` for reading and checks its header (channels, rate, at least one frame); the caller closes
    /// the handle with `sf_close`. Wraps `sf_open`.
    private static func openForReading(_ path: String) throws(AudioError) -> (OpaquePointer, Info) {
        var info = SF_INFO()
        guard let handle = sf_open(path, Int32(SFM_READ), &info) else {
            throw classifyOpenFailure(path: path, reason: String(cString: sf_strerror(nil)))
        }
        guard info.channels > 0, info.samplerate > 0 else {
            sf_close(handle)
            throw AudioError(.corrupt, path: path, "invalid header (\(info.channels) channels, \(info.samplerate) Hz)")
        }
        guard info.frames > 0 else {
            sf_close(handle)
            throw AudioError(.empty, path: path, "the file holds no audio frames")
        }
        return (handle, Info(frames: Int(info.frames), channels: Int(info.channels), sampleRate: Int(info.samplerate)))
    }

    /// Reads a whole file as float32 (integer PCM scaled to [-1, 1) as libsndfile and soundfile do).
    ///
    /// Wraps `sf_open`, `sf_readf_float`, `sf_close`.
    public static func read(_ path: String) throws(AudioError) -> Contents {
        let (handle, info) = try openForReading(path)
        defer { sf_close(handle) }
        let channels = info.channels
        let frames = info.frames
        if let shortfall = truncation(handle) {
            throw AudioError(.corrupt, path: path, "truncated: \(shortfall)")
        }
        var buffer = [Float](repeating: 0, count: frames * channels)
        let got = buffer.withUnsafeMutableBufferPointer { sf_readf_float(handle, $0.baseAddress, sf_count_t(frames)) }
        let err = sf_error(handle)
        if err != 0 {
            throw AudioError(.corrupt, path: path, "decoding failed: \(String(cString: sf_error_number(err)))")
        }
        if Int(got) < frames {
            // A header announcing more frames than the data holds: the file was cut short.
            throw AudioError(.corrupt, path: path,
                             "truncated: header announces \(frames) frames, only \(got) could be read")
        }
        return Contents(interleaved: buffer, channels: channels, sampleRate: info.sampleRate)
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

    private static func classifyOpenFailure(path: String, reason: String) -> AudioError {
        var st = stat()
        if stat(path, &st) != 0 {
            return AudioError(.cannotOpen, path: path, "no such file")
        }
        if st.st_size == 0 {
            return AudioError(.empty, path: path, "the file is empty (0 bytes)")
        }
        let lower = reason.lowercased()
        if lower.contains("format") || lower.contains("recogni") {
            return AudioError(.notAudio, path: path, "not an audio file libsndfile can read (\(reason))")
        }
        return AudioError(.corrupt, path: path, reason)
    }
}
