import Testing
@testable import Language
import Support

/// Golden tests: the whole rendered diagnostic, as a user sees it.
@Suite struct DiagnosticTests {
    func rendered(_ text: String, file: String = "nb.md", firstLine: Int = 1, setup: String = "") -> String {
        let session = Session()
        if !setup.isEmpty { try! session.execute(setup, file: "<setup>") }
        do {
            try session.execute(text, file: file, firstLine: firstLine)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func unknownOptionWithSuggestion() {
        #expect(rendered("x = 1\nseed valeu=3", firstLine: 13) == """
        nb.md:14:6: error: unknown option 'valeu' for 'seed'; did you mean 'value'?
        seed valeu=3
             ^~~~~
        note: 'seed' takes: value
        """)
    }

    @Test func unknownVerbWithSuggestion() {
        #expect(rendered("  sed 3") == """
        nb.md:1:3: error: unknown verb 'sed'; did you mean 'seed'?
          sed 3
          ^~~
        """)
    }

    @Test func unknownNameWithSuggestion() {
        #expect(rendered("show emovp", setup: "emovo = 3") == """
        nb.md:1:6: error: unknown name 'emovp'; did you mean 'emovo'?
        show emovp
             ^~~~~
        """)
    }

    @Test func typeErrorSaysExpectedAndGiven() {
        #expect(rendered(#"threads "four""#) == """
        nb.md:1:9: error: 'count' of 'threads' expects a whole number in 1…1024, given the string "four"
        threads "four"
                ^~~~~~
        """)
        #expect(rendered("seed s", setup: "s = \"x\"") == """
        nb.md:1:6: error: 'value' of 'seed' expects a whole number in 0…4294967295, given 's' (a string)
        seed s
             ^
        """)
        #expect(rendered("threads 2s") == """
        nb.md:1:9: error: 'count' of 'threads' expects a whole number in 1…1024, given the number 2s
        threads 2s
                ^~
        """)
    }

    @Test func missingArgumentAndUnknownKind() {
        #expect(rendered("x = load audio") == """
        nb.md:1:15: error: missing argument 'path' for 'load audio': expected a path (string)
        x = load audio
                      ^
        note: usage: load audio PATH [rate=22050Hz]
        """)
        #expect(rendered(#"x = load adio "a.wav""#) == """
        nb.md:1:10: error: unknown kind 'adio' for 'load'; did you mean 'audio'? (kinds: \(Session().registry.kinds(of: "load").joined(separator: ", ")))
        x = load adio "a.wav"
                 ^~~~
        """)
    }

    @Test func runtimeErrorNamesTheFile() {
        let d = rendered(#"x = load audio "/nonexistent/a.wav""#)
        #expect(d.hasPrefix("nb.md:1:16: error: "))
        #expect(d.contains("/nonexistent/a.wav"))
        #expect(d.contains("\n               ^~~~~~~~~~~~~~~~~~~~"))
    }

    @Test func lexicalErrorInLaterLine() {
        #expect(rendered("seed 1\nshow \"abc", file: "script.ser") == """
        script.ser:2:6: error: unterminated string
        show "abc
             ^
        """)
    }

    @Test func verbUsedAsValueAndAsTarget() {
        #expect(rendered("show seed") == """
        nb.md:1:6: error: 'seed' is a verb, not a value; 'help seed' shows its arguments
        show seed
             ^~~~
        """)
        #expect(rendered("help = 3") == """
        nb.md:1:1: error: 'help' is a verb and cannot name a value
        help = 3
        ^~~~
        """)
    }

    @Test func editDistance() {
        #expect(Support.editDistance("patiense", "patience") == 1)
        #expect(Support.editDistance("tarin", "train") == 1)
        #expect(Support.editDistance("", "abc") == 3)
        #expect(didYouMean("patiense", among: ["patience", "epochs"]) == "patience")
        #expect(didYouMean("zzz", among: ["patience", "epochs"]) == nil)
    }
}
