import Testing
@testable import Language

@Suite struct LexerTests {
    func kinds(_ text: String) throws(Diagnostic) -> [TokenKind] {
        try Lexer.tokenize(SourceFile(name: "t", text: text)).map(\.kind)
    }

    @Test func statementTokensAndRanges() throws {
        let source = SourceFile(name: "t", text: #"s = split feats naive train=70%"#)
        let tokens = try Lexer.tokenize(source)
        #expect(tokens.map(\.kind) == [.identifier, .equals, .identifier, .identifier, .identifier, .identifier, .equals,
                                        .number(0.7, .percent), .separator, .end])
        #expect(tokens.map { source.text($0.range) } == ["s", "=", "split", "feats", "naive", "train", "=", "70%", "", ""])
    }

    @Test(arguments: [
        ("2s", 2.0, NumberUnit.seconds), ("500ms", 0.5, .seconds), ("70%", 0.7, .percent), ("1e-3", 0.001, .none),
        ("2.5E+2", 250, .none), ("16kHz", 16000, .hertz), ("440Hz", 440, .hertz), ("0", 0, .none), ("12", 12, .none),
    ])
    func numbersWithUnits(text: String, value: Double, unit: NumberUnit) throws {
        let k = try kinds(text)
        guard case .number(let v, let u) = k[0] else { Issue.record("not a number: \(k)"); return }
        #expect(abs(v - value) < 1e-12)
        #expect(u == unit)
    }

    @Test func stringsWithEscapes() throws {
        #expect(try kinds(#""a \"b\" \\ \n""#)[0] == .string("a \"b\" \\ \n"))
        #expect(try kinds("'single \"q\"'")[0] == .string("single \"q\""))
        #expect(try kinds(#""f1/rab-f1-b1.wav""#)[0] == .string("f1/rab-f1-b1.wav"))
    }

    @Test func commentsContinuationAndSeparators() throws {
        #expect(try kinds("a # comment\nb") == [.identifier, .separator, .identifier, .separator, .end])
        #expect(try kinds("a \\\n b") == [.identifier, .identifier, .separator, .end])
        #expect(try kinds("a \\ # why\n b") == [.identifier, .identifier, .separator, .end])
        #expect(try kinds("a; b;; c") == [.identifier, .separator, .identifier, .separator, .identifier, .separator, .end])
        #expect(try kinds("[1,\n 2]") == [.leftBracket, .number(1, .none), .comma, .number(2, .none), .rightBracket, .separator, .end])
        #expect(try kinds("\n\n  # only a comment\n") == [.end])
    }

    @Test(arguments: [
        ("\"open", "unterminated string", 1),
        ("x = \"abc\ny\"", "unterminated string (strings end on the line they start)", 5),
        (#""a\q""#, "unknown escape '\\q' in string; use \\\\ for a backslash", 3),
        ("2x", "unknown unit 'x' after number (units: s, ms, %, Hz, kHz)", 2),
        ("2sec", "unknown unit 'sec' after number (units: s, ms, %, Hz, kHz)", 2),
        ("1e", "malformed number: exponent needs digits, as in 1e-3", 1),
        ("1.2.3", "malformed number", 1),
        ("a \\ b", "'\\' continues a statement and must end its line", 3),
        ("a @ b", "unexpected character '@'", 3),
        ("show “x”", "unexpected character '“'; use straight quotes \"…\"", 6),
        ("[1; 2]", "';' inside brackets; close them before ending the statement", 3),
        ("1e999", "number '1e999' is out of range", 1),
    ])
    func lexicalErrors(text: String, message: String, column: Int) {
        #expect(throws: Diagnostic.self) { try kinds(text) }
        do { _ = try kinds(text) } catch {
            #expect(error.message == message)
            #expect(error.column == column)
        }
    }
}
