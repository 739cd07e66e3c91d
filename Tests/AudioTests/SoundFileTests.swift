@testable import Audio
import Foundation
import Support
import Testing

@Suite struct SoundFileTests {
    let dir: String = {
        let d = NSTemporaryDirectory() + "ser-audio-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    /// A deterministic test signal: a chirp-like sum of sines, well inside [-1, 1].
    func tone(frames: Int, channels: Int, rate: Int) -> [Float] {
        var out = [Float](repeating: 0, count: frames * channels)
        for f in 0..<frames {
            for c in 0..<channels {
                let t = Double(f) / Double(rate)
                out[f * channels + c] = Float(0.5 * sin(2 * .pi * (440 + 110 * Double(c)) * t) + 0.25 * sin(2 * .pi * 97 * t))
            }
        }
        return out
    }

    static let cases: [(SoundFile.Encoding, Int, Float)] = [
        (.wav16, 1, 1.0 / 32768),
        (.wav16, 2, 1.0 / 32768),
        (.wavFloat, 1, 0),
        (.wavFloat, 2, 0),
        (.wav24, 1, 1.0 / 8_388_608),
        (.flac16, 1, 1.0 / 32768),
        (.flac16, 2, 1.0 / 32768),
    ]

    @Test(arguments: cases)
    func roundTrip(encoding: SoundFile.Encoding, channels: Int, tolerance: Float) throws {
        let rate = 44100
        let samples = tone(frames: 4410, channels: channels, rate: rate)
        let path = "\(dir)/t-\(encoding)-\(channels).\(encoding == .flac16 ? "flac" : "wav")"
        try SoundFile.write(.init(interleaved: samples, channels: channels, sampleRate: rate), to: path, encoding: encoding)
        let back = try SoundFile.read(path)
        #expect(back.sampleRate == rate)
        #expect(back.channels == channels)
        #expect(back.interleaved.count == samples.count)
        let maxErr = zip(back.interleaved, samples).map { abs($0 - $1) }.max() ?? 1
        #expect(maxErr <= tolerance)
        if tolerance == 0 { #expect(back.interleaved == samples) }
    }

    @Test func monoIsMeanOfChannels() {
        let c = SoundFile.Contents(interleaved: [1, 0, 0.5, -0.5, 0.2, 0.4], channels: 2, sampleRate: 8000)
        #expect(c.mono() == [0.5, 0, Float(0.2 + 0.4) / 2])
        #expect(c.channel(1) == [0, -0.5, 0.4])
    }

    @Test func missingFileNamesThePath() {
        #expect(throws: AudioError.self) { try SoundFile.read("\(dir)/nope.wav") }
        do { _ = try SoundFile.read("\(dir)/nope.wav") } catch {
            #expect(error.code == .cannotOpen)
            #expect(error.description.contains("nope.wav"))
        }
    }

    @Test func emptyAndNonAudioFilesAreReported() throws {
        let empty = "\(dir)/empty.wav"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        do { _ = try SoundFile.read(empty); Issue.record("empty file read") } catch { #expect(error.code == .empty) }
        let text = "\(dir)/notes.wav"
        _ = FileManager.default.createFile(atPath: text, contents: Data("hello, this is not audio at all".utf8))
        do { _ = try SoundFile.read(text); Issue.record("text file read") } catch {
            #expect(error.code == .notAudio || error.code == .corrupt)
            #expect(error.description.hasPrefix(text))
        }
    }

    @Test func writeLeavesNoTemporaryFiles() throws {
        let path = "\(dir)/clean.wav"
        try SoundFile.write(Signal(samples: [0, 0.5, -0.5], sampleRate: 8000), to: path, encoding: .wavFloat)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("clean") }
        #expect(names == ["clean.wav"])
    }
}
