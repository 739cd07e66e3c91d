@testable import Audio
import Foundation
import Support
import Testing

/// Files that are not what they claim: each gives an error that names the file and says what is wrong.
@Suite struct DamagedFileTests {
    let dir: String = {
        let d = NSTemporaryDirectory() + "ser-damaged-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    /// A one-second 16-bit file in `encoding`, returned as bytes.
    func goodFile(_ encoding: SoundFile.Encoding, ext: String) throws -> Data {
        let path = "\(dir)/good.\(ext)"
        let x = (0..<22050).map { Float(0.3 * sin(Double($0) / 10)) }
        try SoundFile.write(Signal(samples: x, sampleRate: 22050), to: path, encoding: encoding)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    func error(reading bytes: Data, as name: String) -> AudioError? {
        let path = "\(dir)/\(name)"
        _ = FileManager.default.createFile(atPath: path, contents: bytes)
        do {
            _ = try Audio.load(path)
            return nil
        } catch {
            #expect(error.path == path)
            #expect(error.description.hasPrefix(path + ": "))
            return error
        }
    }

    @Test func truncatedWavIsCorrupt() throws {
        let wav = try goodFile(.wav16, ext: "wav")
        let e = error(reading: wav.prefix(wav.count / 2), as: "cut.wav")
        #expect(e?.code == .corrupt)
        #expect(e?.message.contains("truncated") == true)
    }

    @Test func truncatedFlacIsCorrupt() throws {
        let flac = try goodFile(.flac16, ext: "flac")
        let e = error(reading: flac.prefix(flac.count / 2), as: "cut.flac")
        #expect(e?.code == .corrupt)
    }

    @Test func headerOnlyWavIsReported() throws {
        let wav = try goodFile(.wav16, ext: "wav")
        let e = error(reading: wav.prefix(30), as: "header.wav")
        #expect(e?.code == .notAudio || e?.code == .corrupt)
    }

    @Test func textWithAudioExtensionIsNotAudio() {
        let e = error(reading: Data(String(repeating: "not audio, just words\n", count: 20).utf8), as: "words.flac")
        #expect(e?.code == .notAudio)
    }

    @Test func emptyFileIsEmpty() {
        #expect(error(reading: Data(), as: "nothing.wav")?.code == .empty)
    }

    @Test func intactFilesStillLoad() throws {
        let wav = try goodFile(.wav16, ext: "wav")
        #expect(error(reading: wav, as: "copy.wav") == nil)
    }
}

@Suite struct AudioFilesTests {
    @Test func foldersYieldSortedAudioFilesOnly() throws {
        let root = NSTemporaryDirectory() + "ser-find-\(UUID().uuidString)"
        let fm = FileManager.default
        for sub in ["b", "a/deep", ".hidden"] { try fm.createDirectory(atPath: "\(root)/\(sub)", withIntermediateDirectories: true) }
        for name in ["b/2.wav", "b/1.FLAC", "a/deep/x.ogg", "a/z.aiff", "a/notes.txt", "a/README", ".hidden/h.wav",
                     "a/._resource.wav", "top.wav", "model.npy"] {
            _ = fm.createFile(atPath: "\(root)/\(name)", contents: Data([1]))
        }
        let entries = try AudioFiles.find([root])
        #expect(entries.map(\.name) == ["a/deep/x.ogg", "a/z.aiff", "b/1.FLAC", "b/2.wav", "top.wav"])
        #expect(entries.allSatisfy { $0.path == "\(root)/\($0.name)" })
        // A file given explicitly is taken whatever its extension; its name is the path as given.
        let explicit = try AudioFiles.find(["\(root)/a/notes.txt", root + "/"])
        #expect(explicit.first == AudioFiles.Entry(path: "\(root)/a/notes.txt", name: "\(root)/a/notes.txt"))
        #expect(explicit.count == 6)
        #expect(throws: AudioError.self) { try AudioFiles.find(["\(root)/missing"]) }
    }

    @Test func libsndfileFormatsAreKnown() {
        for ext in ["wav", "flac", "ogg", "aiff", "aif", "au", "caf", "w64"] { #expect(AudioFiles.extensions.contains(ext)) }
        #expect(!AudioFiles.hasAudioExtension("notes.txt"))
        #expect(AudioFiles.hasAudioExtension("A.WAV"))
        #expect(!AudioFiles.hasAudioExtension(".wav"))
    }
}
