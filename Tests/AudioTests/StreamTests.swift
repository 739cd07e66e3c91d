#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import Audio
import Support

/// Audio that arrives in pieces (`Resampler.Stream`, `PCMStream`) gives the samples the whole file gives.
@Suite struct StreamTests {
    static func tone(_ count: Int, rate: Int) -> [Float] {
        (0..<count).map { i in
            let t = Float(i) / Float(rate)
            return 0.4 * sinf(2 * .pi * 220 * t) + 0.2 * sinf(2 * .pi * 1330 * t + 0.3) + (i % 97 == 0 ? 0.05 : 0)
        }
    }

    @Test(arguments: [(16000, 22050), (48000, 22050), (8000, 22050), (22050, 16000), (44100, 44100)])
    func streamEqualsWholeSignal(rates: (Int, Int)) throws {
        let (source, target) = rates
        let x = Self.tone(source * 3 + 777, rate: source)
        let whole = try Resampler.resample(x, from: source, to: target)
        for chunk in [1, 313, 4096, 100_000] {
            let stream = try Resampler.Stream(from: source, to: target)
            var out: [Float] = []
            var i = 0
            while i < x.count {
                let piece = Array(x[i..<min(x.count, i + chunk)])
                out += try stream.push(piece)
                // Never ahead of librosa's length for what came in so far.
                #expect(out.count <= Resampler.outputLength(inputLength: i + piece.count, from: source, to: target))
                i += chunk
            }
            out += try stream.finish()
            #expect(out == whole, "\(source) → \(target) Hz in pieces of \(chunk)")
        }
    }

    /// Writes `bytes` to a pipe from another thread and reads them back as a stream.
    static func stream(_ bytes: [UInt8], _ make: (Int32) throws -> PCMStream) throws -> [Float] {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writer = fds[1]
        let data = bytes
        let thread = Thread(block: {
            var offset = 0
            while offset < data.count {
                let n = data[offset..<min(data.count, offset + 1001)].withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                offset += n
            }
            close(writer)
        })
        thread.start()
        defer { close(fds[0]) }
        return try make(fds[0]).readAll()
    }

    @Test func wavStreamEqualsFile() throws {
        let dir = NSTemporaryDirectory() + "ser-stream-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let x = Self.tone(16000 * 2 + 5, rate: 16000)
        for encoding in [SoundFile.Encoding.wav16, .wav24, .wavFloat] {
            let path = "\(dir)/x.wav"
            // Two channels: the stream mixes them as the file reader does.
            let stereo = x.flatMap { [$0, -0.5 * $0] }
            try SoundFile.write(SoundFile.Contents(interleaved: stereo, channels: 2, sampleRate: 16000), to: path, encoding: encoding)
            let file = try SoundFile.read(path)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let streamed = try Self.stream(bytes) { try PCMStream(wav: $0, name: "pipe") }
            #expect(streamed == file.mono(), "\(encoding)")
        }
    }

    @Test func rawStreamEqualsFile() throws {
        let x = Self.tone(8001, rate: 16000)
        let ints = x.map { Int16(($0 * 32767).rounded()) }
        let bytes = ints.flatMap { v in [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)] }
        let streamed = try Self.stream(bytes) { try PCMStream(raw: $0, name: "pipe", format: .s16le, sampleRate: 16000, channels: 1) }
        #expect(streamed == ints.map { Float($0) / 32768 })
    }

    @Test func badStreamsAreNamed() throws {
        #expect(throws: AudioError.self) { _ = try Self.stream(Array("not a wav file at all".utf8)) { try PCMStream(wav: $0, name: "pipe") } }
        #expect(throws: AudioError.self) { _ = try Self.stream([]) { try PCMStream(wav: $0, name: "pipe") } }
        #expect(throws: AudioError.self) { _ = try PCMStream(raw: 0, name: "pipe", format: .s16le, sampleRate: 10, channels: 1) }
    }
}
