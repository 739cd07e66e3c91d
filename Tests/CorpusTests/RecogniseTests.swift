@testable import Corpus
import Foundation
import Support
import Testing

@Suite struct RecogniseTests {
    @Test func recognisesOneCorpusFolderOnly() throws {
        let emovo = try Tree(["f1/rab-f1-b1.wav", "m2/tri-m2-n3.wav"])
        let labels = try Tree(["anger/a.wav", "sadness/b.wav"])
        #expect(try Corpus.recognise([emovo.root], layout: nil)?.layout == .emovo)
        // One folder per label is detected as `load corpus` detects it; `ser predict` leaves it to --layout.
        #expect(try Corpus.recognise([labels.root], layout: nil)?.layout == .folders)
        #expect(try Corpus.recognise([labels.root], layout: nil) == Corpus.load(labels.root))
        #expect(try Corpus.recognise([labels.root], layout: nil, detectingFolders: false) == nil)
        #expect(try Corpus.recognise([emovo.root], layout: nil, detectingFolders: false)?.layout == .emovo)
        #expect(try Corpus.recognise([labels.root], layout: .folders)?.files.map(\.emotion) == ["anger", "sadness"])
        // Several paths or a file are not a corpus …
        #expect(try Corpus.recognise([emovo.root, labels.root], layout: nil) == nil)
        #expect(try Corpus.recognise([emovo.root + "/f1/rab-f1-b1.wav"], layout: nil) == nil)
        // … and asking for a layout then is an error.
        #expect(throws: CorpusError.self) { try Corpus.recognise([emovo.root, labels.root], layout: .emovo) }
    }

    @Test func toolFailuresAreClear() throws {
        let t = try Tree([])
        #expect { try Espeak.run(["ser-no-such-tool"], log: t.root + "/log") } throws: { error in
            (error as? CorpusError)?.code == .toolFailed && "\(error)".contains("ser-no-such-tool is not installed")
        }
        #expect { try Espeak.run(["sh", "-c", "echo broken voice >&2; exit 3"], log: t.root + "/log") } throws: { error in
            "\(error)".contains("exit 3") && "\(error)".contains("broken voice")
        }
        try Espeak.run(["true"], log: t.root + "/log")
        #expect(!FileManager.default.fileExists(atPath: t.root + "/log"))
        #expect(Espeak.ssml("a < b & 'c'", range: 80) == "<speak><prosody range=\"80%\">a &lt; b &amp; &apos;c&apos;</prosody></speak>")
    }
}
