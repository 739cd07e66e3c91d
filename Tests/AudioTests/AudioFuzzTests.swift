import CSndFile
import Foundation
import FuzzSupport
import Support
import Testing
@testable import Audio

/// The audio reader never crashes or hangs: mutated WAV, FLAC, Ogg and AIFF files (bytes flipped, cut,
/// inserted, header fields overwritten) are read or refused with an `AudioError` naming the file.
/// CI runs 10 000 inputs; `make fuzz` runs SER_FUZZ_COUNT.
@Suite struct AudioFuzzTests {
    /// Flips, cuts, inserts and overwrites bytes and 32-bit fields; headers (the first 64 bytes) are hit most.
    static let mutations: [Mutation] = [
        .flipBit(.mostly(0..<64)), .cut, .insertBytes(upTo: 1, .all), .remove(.all), .insertBytes(upTo: 64, .all),
        .overwrite(width: 4, .bytes(0..<64), values: [0, 0xFFFF_FFFF, 0x7FFF_FFFF]),
    ]

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
        let count = Fuzz.count()
        let (read, refused) = try Fuzz.run(seed: 20_261_127, count: count) { rng in
            let which = rng.below(seeds.count)
            let bytes = Fuzz.mutate(seeds[which], &rng, with: Self.mutations)
            let path = "\(dir)/input.\(extensions[which])"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do throws(AudioError) {
                let contents = try SoundFile.read(path)
                #expect(contents.channels > 0 && contents.sampleRate > 0)
                #expect(contents.interleaved.allSatisfy { $0.isFinite })
                return true
            } catch {
                #expect(error.path == path)
                #expect(!error.message.isEmpty)
                return false
            }
        }
        #expect(read > count / 50, "the mutations should leave some files readable (\(read) of \(count))")
        #expect(refused > count / 50, "the mutations should break some files (\(refused) of \(count))")
    }
}
