import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sample encodings of raw PCM, as `arecord -f` and `sox -t raw` name them (little-endian).
public enum PCMFormat: String, Sendable, CaseIterable {
    case u8, s16le, s24le, s32le, f32le, f64le

    /// Bytes per sample.
    public var bytes: Int {
        switch self {
        case .u8: 1
        case .s16le: 2
        case .s24le: 3
        case .s32le, .f32le: 4
        case .f64le: 8
        }
    }
}

/// Audio read from a stream (standard input, a pipe) as it arrives: raw PCM of a given format, rate and
/// channel count, or a WAV file whose header says them. Samples are converted to float32 as libsndfile does
/// (integers scaled by 1/2^(bits−1), unsigned 8-bit centred) and mixed to mono as `SoundFile.Contents.mono`
/// does, so a stream gives the same samples as the same audio read from a file.
public final class PCMStream {
    public let format: PCMFormat
    public let sampleRate: Int
    public let channels: Int
    /// The stream's name in messages ("standard input").
    public let name: String
    private let descriptor: Int32
    /// Bytes of audio left to read (nil: until the end of the stream).
    private var remaining: Int?
    /// Bytes read but not yet a whole frame.
    private var carry: [UInt8] = []
    /// Bytes read past the header (WAV) that are audio.
    private var buffered: [UInt8] = []
    public private(set) var framesRead = 0

    /// Raw PCM from file descriptor `descriptor`.
    public init(raw descriptor: Int32, name: String, format: PCMFormat, sampleRate: Int, channels: Int) throws(AudioError) {
        guard (1000...384_000).contains(sampleRate) else {
            throw AudioError(.badParameter, path: name, "sample rate \(sampleRate) Hz is outside 1000…384000")
        }
        guard (1...64).contains(channels) else {
            throw AudioError(.badParameter, path: name, "\(channels) channels: 1…64 are read")
        }
        self.descriptor = descriptor
        self.name = name
        self.format = format
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// A WAV file read from `descriptor`: reads its header up to the `data` chunk. A data size of 0 or
    /// ≥ 0x7FFFF000 (what recorders write when they do not know the length) means "until the end".
    public init(wav descriptor: Int32, name: String) throws(AudioError) {
        self.descriptor = descriptor
        self.name = name
        var reader = HeaderReader(descriptor: descriptor, name: name)
        let riff = try reader.take(12)
        guard riff[0..<4] == Array("RIFF".utf8)[...], riff[8..<12] == Array("WAVE".utf8)[...] else {
            throw AudioError(.notAudio, path: name, "not a WAV stream (no RIFF/WAVE header); give --raw with --rate and --format for raw PCM")
        }
        var fmt: (tag: Int, channels: Int, rate: Int, bits: Int)?
        while true {
            let head = try reader.take(8)
            let id = String(decoding: head[0..<4], as: UTF8.self)
            let size = Int(le32(head, 4))
            if id == "data" {
                guard let f = fmt else { throw AudioError(.corrupt, path: name, "WAV data chunk before its fmt chunk") }
                let tag = f.tag, bits = f.bits
                let format: PCMFormat? = switch (tag, bits) {
                case (1, 8): .u8
                case (1, 16): .s16le
                case (1, 24): .s24le
                case (1, 32): .s32le
                case (3, 32): .f32le
                case (3, 64): .f64le
                default: nil
                }
                guard let format else {
                    throw AudioError(.notAudio, path: name, "WAV encoding \(tag == 3 ? "float" : tag == 1 ? "PCM" : "format \(tag)") with \(bits) bits is not read from a stream (PCM 8/16/24/32-bit and float 32/64-bit are)")
                }
                guard (1...64).contains(f.channels), (1000...384_000).contains(f.rate) else {
                    throw AudioError(.corrupt, path: name, "WAV header says \(f.channels) channels at \(f.rate) Hz")
                }
                self.format = format
                self.sampleRate = f.rate
                self.channels = f.channels
                remaining = size == 0 || size >= 0x7FFF_F000 ? nil : size
                buffered = reader.leftover
                return
            }
            let body = try reader.take(size + (size & 1))
            if id == "fmt " {
                guard size >= 16 else { throw AudioError(.corrupt, path: name, "WAV fmt chunk of \(size) bytes") }
                var tag = Int(le16(body, 0))
                if tag == 0xFFFE, size >= 26 { tag = Int(le16(body, 24)) }  // WAVE_FORMAT_EXTENSIBLE: the sub-format
                fmt = (tag, Int(le16(body, 2)), Int(le32(body, 4)), Int(le16(body, 14)))
            }
        }
    }

    /// The next mono samples, blocking until some arrive; nil at the end of the stream. A partial frame at
    /// the end is dropped.
    ///
    /// Wraps `read(2)`.
    public func next() throws(AudioError) -> [Float]? {
        var chunk: [UInt8]
        if !buffered.isEmpty {
            chunk = buffered
            buffered = []
        } else {
            if remaining == 0 { return nil }
            let want = min(remaining ?? 65536, 65536)
            chunk = [UInt8](repeating: 0, count: want)
            var n: Int
            repeat {
                n = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, want) }
            } while n < 0 && errno == EINTR
            if n < 0 { throw AudioError(.cannotOpen, path: name, "read failed: \(String(cString: strerror(errno)))") }
            if n == 0 { return nil }
            chunk.removeSubrange(n...)
        }
        if let r = remaining {
            if chunk.count > r { chunk.removeSubrange(r...) }
            remaining = r - chunk.count
        }
        let bytes = carry + chunk
        let frameBytes = format.bytes * channels
        let frames = bytes.count / frameBytes
        carry = Array(bytes[(frames * frameBytes)...])
        framesRead += frames
        return decode(bytes, frames: frames)
    }

    /// Reads the whole stream.
    public func readAll() throws(AudioError) -> [Float] {
        var all: [Float] = []
        while let piece = try next() { all.append(contentsOf: piece) }
        return all
    }

    private func decode(_ bytes: [UInt8], frames: Int) -> [Float] {
        var out = [Float](repeating: 0, count: frames)
        let width = format.bytes, channels = channels
        let scale = 1 / Float(channels)
        bytes.withUnsafeBufferPointer { b in
            for f in 0..<frames {
                var sum: Float = 0
                for c in 0..<channels {
                    let p = (f * channels + c) * width
                    let x: Float
                    switch format {
                    case .u8: x = Float(Int(b[p]) - 128) * (1 / Float(0x80))
                    case .s16le: x = Float(Int16(bitPattern: UInt16(b[p]) | UInt16(b[p + 1]) << 8)) * (1 / Float(0x8000))
                    case .s24le:
                        let v = Int32(bitPattern: UInt32(b[p]) << 8 | UInt32(b[p + 1]) << 16 | UInt32(b[p + 2]) << 24)
                        x = Float(v) * (1 / Float(0x8000_0000))
                    case .s32le:
                        let v = Int32(bitPattern: UInt32(b[p]) | UInt32(b[p + 1]) << 8 | UInt32(b[p + 2]) << 16 | UInt32(b[p + 3]) << 24)
                        x = Float(v) * (1 / Float(0x8000_0000))
                    case .f32le:
                        x = Float(bitPattern: UInt32(b[p]) | UInt32(b[p + 1]) << 8 | UInt32(b[p + 2]) << 16 | UInt32(b[p + 3]) << 24)
                    case .f64le:
                        var bits: UInt64 = 0
                        for k in 0..<8 { bits |= UInt64(b[p + k]) << (8 * UInt64(k)) }
                        x = Float(Double(bitPattern: bits))
                    }
                    sum += x
                }
                out[f] = channels == 1 ? sum : sum * scale
            }
        }
        return out
    }

    /// Reads a header byte by byte count from a descriptor, keeping what it read past the header.
    private struct HeaderReader {
        let descriptor: Int32
        let name: String
        var leftover: [UInt8] = []
        var total = 0

        mutating func take(_ n: Int) throws(AudioError) -> [UInt8] {
            guard total + n <= 1 << 20 else { throw AudioError(.corrupt, path: name, "WAV header longer than 1 MiB before the data chunk") }
            while leftover.count < n {
                var chunk = [UInt8](repeating: 0, count: max(4096, n - leftover.count))
                var got: Int
                repeat {
                    got = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, n - leftover.count) }
                } while got < 0 && errno == EINTR
                if got < 0 { throw AudioError(.cannotOpen, path: name, "read failed: \(String(cString: strerror(errno)))") }
                if got == 0 {
                    throw AudioError(leftover.isEmpty && total == 0 ? .empty : .corrupt, path: name,
                                     leftover.isEmpty && total == 0 ? "no audio: the stream is empty" : "the WAV header ends early")
                }
                leftover.append(contentsOf: chunk[0..<got])
            }
            total += n
            let out = Array(leftover[0..<n])
            leftover.removeFirst(n)
            return out
        }
    }
}

private func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
private func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
    UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
}
