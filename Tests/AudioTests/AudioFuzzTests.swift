import CSndFile
import Foundation
import Testing
@testable import Audio

/// The audio reader never crashes or hangs: mutated WAV, FLAC, Ogg and AIFF files (bytes flipped, cut,
/// inserted, header fields overwritten) are read or refused with an `AudioError` naming the file.
/// CI runs 10 000 inputs; `make fuzz` runs SER_FUZZ_COUNT.
@Suite struct AudioFuzzTests {
    /// SplitMix64: the fuzzer's own seeded generator.
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    /// Flips, cuts, inserts and overwrites bytes; headers (the first 64 bytes) are hit most.
    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0...rng.below(3) {
            let headerBiased = rng.below(3) > 0 ? min(64, bytes.count) : bytes.count
            switch rng.below(6) {
            case 0 where !bytes.isEmpty: bytes[rng.below(headerBiased)] ^= UInt8(1 << rng.below(8))
            case 1: bytes = Array(bytes.prefix(rng.below(bytes.count + 1)))
            case 2: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(bytes.count + 1))
            case 3 where bytes.count >= 4:
                // A 32-bit field set to an extreme: 0, all ones, or random.
                let at = rng.below(max(1, min(64, bytes.count) - 3))
                let v: UInt32 = [0, 0xFFFF_FFFF, 0x7FFF_FFFF, UInt32(truncatingIfNeeded: rng.next())][rng.below(4)]
                for k in 0..<4 where at + k < bytes.count { bytes[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
            case 4 where !bytes.isEmpty: bytes.remove(at: rng.below(bytes.count))
            default:
                let from = rng.below(bytes.count + 1), n = rng.below(64)
                bytes.insert(contentsOf: (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: from)
            }
        }
        return bytes
    }

    /// Small valid files in the formats libsndfile reads, written by libsndfile.
    static func seeds(in dir: String) throws -> [[UInt8]] {
        let formats: [(String, Int32)] = [
            ("wav", Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)), ("wav", Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)),
            ("flac", Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)), ("ogg", Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)),
            ("aiff", Int32(SF_FORMAT_AIFF | SF_FORMAT_PCM_24)),
        ]
        return try formats.enumerated().map { i, f in
            let path = "\(dir)/seed\(i).\(f.0)"
            var info = SF_INFO()
            info.channels = Int32(1 + i % 2)
            info.samplerate = 8000
            info.format = f.1
            let handle = try #require(sf_open(path, Int32(SFM_WRITE), &info))
            let frames = 800
            let x = (0..<(frames * Int(info.channels))).map { Float(0.4 * sin(Double($0) * 0.09)) }
            _ = x.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(frames)) }
            sf_close(handle)
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }

    @Test func readerSurvivesMutatedFiles() throws {
        let dir = NSTemporaryDirectory() + "ser-fuzz-audio-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let seeds = try Self.seeds(in: dir)
        let extensions = ["wav", "wav", "flac", "ogg", "aiff"]
        let count = ProcessInfo.processInfo.environment["SER_FUZZ_COUNT"].flatMap(Int.init) ?? 10_000
        var rng = SplitMix64(state: 20_261_127)
        var read = 0, refused = 0
        for _ in 0..<count {
            let which = rng.below(seeds.count)
            let bytes = Self.mutate(seeds[which], &rng)
            let path = "\(dir)/input.\(extensions[which])"
            guard let file = fopen(path, "wb") else {
                Issue.record("cannot write \(path)")
                return
            }
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
            do {
                let contents = try SoundFile.read(path)
                #expect(contents.channels > 0 && contents.sampleRate > 0)
                #expect(contents.interleaved.allSatisfy { $0.isFinite })
                read += 1
            } catch {
                #expect(error.path == path)
                #expect(!error.message.isEmpty)
                refused += 1
            }
        }
        #expect(read + refused == count)
        #expect(read > count / 50, "the mutations should leave some files readable (\(read) of \(count))")
        #expect(refused > count / 50, "the mutations should break some files (\(refused) of \(count))")
    }
}
