import Audio
import Foundation
import Testing
@testable import Corpus

/// Issue 12: corpus folders a hostile user can give: loops of symbolic links, FIFOs named like audio.
@Suite struct CorpusHostileInputTests {
    let root: String = {
        let d = NSTemporaryDirectory() + "ser-hostile-corpus-\(UUID().uuidString)"
        for label in ["angry", "happy"] {
            try! FileManager.default.createDirectory(atPath: "\(d)/\(label)", withIntermediateDirectories: true)
            for i in 0..<2 {
                try! SoundFile.write(Signal(samples: [Float](repeating: 0.1, count: 2205), sampleRate: 22050),
                                     to: "\(d)/\(label)/\(i).wav", encoding: .wav16)
            }
        }
        return d
    }()

    /// Item 5: `ln -s . d/a; ln -s . d/b` made `load corpus`/`load folders` run forever.
    @Test func symlinkLoopsEndWithEveryFileOnceAndAWarning() throws {
        #expect(symlink(".", root + "/a") == 0)
        #expect(symlink(".", root + "/angry/b") == 0)
        #expect(symlink("../happy", root + "/angry/c") == 0)
        let corpus = try Corpus.load(root, layout: .folders)
        #expect(corpus.files.map(\.relativePath) == ["angry/0.wav", "angry/1.wav", "happy/0.wav", "happy/1.wav"])
        #expect(corpus.warnings.filter { $0.contains("a link to a folder already walked") }.count == 3)
    }

    /// Item 6: a FIFO named .wav in a corpus is left out with a note, never opened.
    @Test func fifoIsLeftOut() throws {
        #expect(mkfifo(root + "/happy/pipe.wav", 0o600) == 0)
        let corpus = try Corpus.load(root, layout: .folders)
        #expect(corpus.files.count == 4)
        #expect(corpus.warnings.contains { $0.contains("pipe.wav: a FIFO (named pipe), not a regular file") })
    }
}
