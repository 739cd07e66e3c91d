import Foundation
import Language
import Testing
@testable import Console

@Suite struct CompleterTests {
    func completer() throws -> Completer {
        let session = Session()
        try session.execute("emovo = 3\nemo_feats = 4\nnet = [1]", file: "t")
        return Completer(session: session, directory: NSTemporaryDirectory())
    }

    @Test func verbsAndNamesAtStatementStart() throws {
        let c = try completer()
        #expect(c.complete("se").candidates == ["seed"])
        #expect(c.complete("emo").candidates == ["emo_feats", "emovo"])
        #expect(c.complete("emo").commonPrefix == "emo")
        #expect(c.complete("x = tr").candidates == ["train"])
        #expect(c.complete("a = 1; sh").candidates == ["show"])
    }

    @Test func kindsOptionsAndWords() throws {
        let c = try completer()
        #expect(c.complete("plot m").candidates == ["mel", "mfcc", "model"])
        #expect(c.complete("fit = train net s pat").candidates == ["patience="])
        #expect(c.complete("s = split emo_feats naive st").candidates == ["stratify="])
        #expect(c.complete("s = split emo_feats naive stratify=t").candidates == ["true"])
        #expect(c.complete("s = split emo_feats lo").candidates == ["loso", "lopo"].sorted())
        // Given options are not offered again.
        #expect(!c.complete("train net s epochs=3 ").candidates.contains("epochs="))
        #expect(c.complete("help tra").candidates == ["train"])
    }

    @Test func metaCommandsAndPaths() throws {
        let c = try completer()
        #expect(c.complete(":r").candidates == [":reset", ":run"])
        let dir = NSTemporaryDirectory() + "ser-complete-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/speech.wav", contents: Data())
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(c.complete("x = load audio \"\(dir)/sp").candidates == ["\(dir)/speech.wav"])
        #expect(c.complete("x = load audio \"\(dir)/").candidates == ["\(dir)/speech.wav", "\(dir)/sub/"])
        #expect(c.complete(":run \(dir)/s").candidates == ["\(dir)/speech.wav", "\(dir)/sub/"])
        // A closed string is not completed as a path.
        #expect(!c.complete("x = load audio \"a\" ra").candidates.isEmpty)
        #expect(c.complete("x = load audio \"a\" ra").candidates == ["rate="])
    }
}

@Suite struct ReplPieceTests {
    @Test func varsListsValues() throws {
        let session = Session()
        #expect(Repl.vars(session) == "no values yet")
        try session.execute("a = 3", file: "t")
        #expect(Repl.vars(session).contains("| a    | number | 3     |"))
    }
}
