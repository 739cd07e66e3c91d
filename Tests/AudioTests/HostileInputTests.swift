import CSndFile
import Foundation
import Testing
@testable import Audio
import Support

/// Issue 12: inputs a hostile user can give the audio reader and the folder walk. Each must end in a named
/// error (or a note), never a signal, a hang or a silent wrong result. Every input is made by the test.
@Suite struct AudioHostileInputTests {
    let dir: String = {
        let d = NSTemporaryDirectory() + "ser-hostile-audio-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    /// An Ogg Vorbis file of `seconds` of a tone, written with libsndfile (ser itself writes no Ogg).
    static func oggBytes(seconds: Int, in dir: String) throws -> [UInt8] {
        let path = "\(dir)/tone-\(seconds).ogg"
        var info = SF_INFO()
        info.channels = 1
        info.samplerate = 22050
        info.format = Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
        let handle = try #require(sf_open(path, Int32(SFM_WRITE), &info))
        let x = (0..<(22050 * seconds)).map { Float(0.3 * sin(Double($0) * 0.05)) }
        _ = x.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(x.count)) }
        sf_close(handle)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func write(_ bytes: [UInt8], _ name: String) -> String {
        let path = "\(dir)/\(name)"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// Item 1: libsndfile reports an unknown length (SF_COUNT_MAX) for an Ogg cut anywhere past its first pages;
    /// the reader used to allocate that many frames and crash.
    @Test(arguments: [25, 40, 50, 75, 90, 99])
    func truncatedOggIsANamedError(percent: Int) throws {
        let ogg = try Self.oggBytes(seconds: 10, in: dir)
        let path = write(Array(ogg.prefix(ogg.count * percent / 100)), "cut\(percent).ogg")
        let error = #expect(throws: AudioError.self) { try Audio.load(path) }
        #expect(error?.path == path)
        #expect(error?.code == .corrupt || error?.code == .notAudio)
    }

    @Test func wholeOggStillReads() throws {
        let path = write(try Self.oggBytes(seconds: 2, in: dir), "whole.ogg")
        let signal = try Audio.load(path, sampleRate: nil)
        #expect(signal.samples.count == 44100)
    }

    @Test func truncatedOggSaysHowMuchDecoded() throws {
        let ogg = try Self.oggBytes(seconds: 10, in: dir)
        let path = write(Array(ogg.prefix(ogg.count * 9 / 10)), "cut.ogg")
        let error = #expect(throws: AudioError.self) { try SoundFile.read(path) }
        #expect(error?.message.contains("cannot find the end of the stream") == true)
    }

    /// Item 6: a FIFO named .wav used to block forever in sf_open.
    @Test func fifoIsRefusedWithoutBlocking() throws {
        let path = "\(dir)/pipe.wav"
        #expect(mkfifo(path, 0o600) == 0)
        let error = #expect(throws: AudioError.self) { try Audio.load(path) }
        #expect(error?.code == .notAudio)
        #expect(error?.description == "\(path): is a FIFO (named pipe), not an audio file; only regular files are read")
    }

    /// Misleading messages: /dev/zero was "empty"; a folder was "not an audio file libsndfile can read".
    @Test func devicesAndFoldersSayWhatTheyAre() throws {
        let device = #expect(throws: AudioError.self) { try Audio.load("/dev/zero") }
        #expect(device?.message.contains("is a character device") == true)
        let folder = #expect(throws: AudioError.self) { try Audio.load(dir) }
        #expect(folder?.description == "\(dir): is a folder, not an audio file")
    }

    /// Item 8: one rule for non-finite samples: an error naming the file and the sample.
    @Test func nanSamplesAreAnErrorNamingTheSample() throws {
        var x = [Float](repeating: 0.1, count: 22050)
        x[11025] = .nan
        let path = "\(dir)/nan.wav"
        try SoundFile.write(Signal(samples: x, sampleRate: 22050), to: path, encoding: .wavFloat)
        let error = #expect(throws: AudioError.self) { try Audio.load(path) }
        #expect(error?.code == .notFinite)
        #expect(error?.description == "\(path): sample 11025 (0.5 s) is nan; audio must be finite")
    }

    /// A loud but finite file is read as it is (it is not "NaN or infinite").
    @Test func loudFiniteFileReads() throws {
        let x = [Float](repeating: 1e29, count: 2205)
        let path = "\(dir)/loud.wav"
        try SoundFile.write(Signal(samples: x, sampleRate: 22050), to: path, encoding: .wavFloat)
        #expect(try Audio.load(path, sampleRate: nil).samples.allSatisfy { $0 == 1e29 })
    }

    /// Item 4: a sample rate that would allocate gigabytes is refused by value.
    @Test func hugeSampleRateIsRefused() throws {
        let path = "\(dir)/ok.wav"
        try SoundFile.write(Signal(samples: [Float](repeating: 0.1, count: 22050), sampleRate: 22050), to: path, encoding: .wav16)
        let error = #expect(throws: AudioError.self) { try Audio.load(path, sampleRate: 4_000_000_000) }
        #expect(error?.code == .badParameter)
        #expect(error?.message.contains("4000000000 Hz is out of range") == true)
    }

    /// Item 5: symbolic links that loop made the walk run forever; each real folder is now walked once and
    /// the links are reported.
    @Test func symlinkLoopsEndAndAreReported() throws {
        let root = "\(dir)/d"
        try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try SoundFile.write(Signal(samples: [Float](repeating: 0.1, count: 2205), sampleRate: 22050), to: root + "/sub/x.wav", encoding: .wav16)
        #expect(symlink(".", root + "/a") == 0)
        #expect(symlink(".", root + "/b") == 0)
        #expect(symlink("..", root + "/sub/up") == 0)
        var notes: [String] = []
        let entries = try AudioFiles.find([root], notes: &notes)
        #expect(entries.map(\.name) == ["sub/x.wav"])
        #expect(notes.count == 3)
        #expect(notes.allSatisfy { $0.contains("a link to a folder already walked") })
    }

    @Test func fifoInAFolderIsLeftOutWithANote() throws {
        let root = "\(dir)/withpipe"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        #expect(mkfifo(root + "/pipe.wav", 0o600) == 0)
        let walk = FolderWalk(root: root)
        #expect(walk.files.isEmpty)
        #expect(walk.notes == ["\(root)/pipe.wav: a FIFO (named pipe), not a regular file; left out"])
    }
}
