import Testing
@testable import Language

@Suite struct ParserTests {
    func parse(_ text: String) throws(Diagnostic) -> [Statement] {
        try Parser.parse(SourceFile(name: "t", text: text))
    }

    @Test func assignmentVerbPositionalAndLabelled() throws {
        let s = try #require(try parse("fit = train net s epochs=200 lr=1e-3").first)
        #expect(s.target?.name == "fit")
        #expect(s.head.kind == .name("train"))
        #expect(s.arguments.count == 4)
        #expect(s.arguments[0].label == nil && s.arguments[0].value.kind == .name("net"))
        #expect(s.arguments[2].label?.name == "epochs" && s.arguments[2].value.kind == .number(200, .none))
        #expect(s.arguments[3].value.kind == .number(0.001, .none))
    }

    @Test func memberIndexListsAndTo() throws {
        let s = try #require(try parse(#"plot mel emovo["f1/rab-f1-b1.wav"] to "mel.png" sizes=[1, 2,]"#).first)
        #expect(s.arguments.count == 4)
        guard case .index(let base, let index) = s.arguments[1].value.kind else { Issue.record("not an index"); return }
        #expect(base.kind == .name("emovo"))
        #expect(index.kind == .string("f1/rab-f1-b1.wav"))
        #expect(s.arguments[2].label?.name == "to")
        #expect(s.arguments[2].value.kind == .string("mel.png"))
        #expect(s.arguments[3].label?.name == "sizes")
        #expect(s.arguments[3].value.kind.isListOfTwo)
        let m = try #require(try parse("r = evaluate fit s.test").first)
        guard case .member(let b, let name) = m.arguments[1].value.kind else { Issue.record("not a member"); return }
        #expect(b.kind == .name("s") && name.name == "test")
    }

    @Test func spacedBracketIsASeparateArgument() throws {
        let s = try #require(try parse("show a [1]").first)
        #expect(s.arguments.count == 2)
    }

    @Test func callsNegativeNumbersAndSeveralStatements() throws {
        let stmts = try parse("a = -2s\nb = a; show b\n")
        #expect(stmts.count == 3)
        #expect(stmts[0].head.kind == .number(-2, .seconds))
        let s = try #require(try parse("m = model custom layers=[conv1d(64, 5, activation=\"relu\"), dense(7)]").first)
        guard case .list(let layers) = s.arguments[1].value.kind, case .call(let name, let args) = layers[0].kind else {
            Issue.record("not a list of calls"); return
        }
        #expect(name.name == "conv1d" && args.count == 3 && args[2].label?.name == "activation")
    }

    @Test func rangesCoverStatement() throws {
        let text = "x = show y"
        let s = try #require(try parse(text).first)
        #expect(s.range == SourceRange(0, 10))
    }

    @Test(arguments: [
        ("= demo", "expected a name before '='", 1),
        ("a =", "expected a command or a value after '='", 4),
        ("train epochs=", "expected a value after 'epochs='", 14),
        ("show [1, 2", "unterminated list: expected ']'", 6),
        ("show [1 2]", "expected ',' or ']' in list, found a number 2", 9),
        ("show a.", "expected a member name after '.', found end of statement", 8),
        ("show a.[", "expected a member name after '.', found '['", 8),
        (#"show c["x""#, "expected ']' to close the index, found end of statement", 11),
        ("show c[]", "expected an index inside '[]'", 8),
        ("m = f(1", "unterminated call: expected ')'", 6),
        ("m = f(1 2)", "expected ',' or ')' in 'f(…)', found a number 2", 9),
        ("a = b = c", "unexpected '='; only a name can be given a value, as in epochs=200", 7),
        ("split 5=3", "only a name can be given a value with '=', not a number", 8),
        ("show a, b", "unexpected ','; arguments are separated by spaces (commas separate list items)", 7),
        ("show a)", "unexpected ')' with nothing open", 7),
        ("show -x", "expected a number after '-', found 'x'", 7),
        ("show - 3", "expected a number after '-', found a number 3", 8),
        ("show ,", "unexpected ','; arguments are separated by spaces (commas separate list items)", 6),
    ])
    func syntaxErrors(text: String, message: String, column: Int) {
        do {
            _ = try parse(text)
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.message == message, "\(text)")
            #expect(error.column == column, "\(text)")
        }
    }

    @Test func nestingLimit() {
        let deep = "show " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: Diagnostic.self) { try parse(deep) }
        let ok = "show " + String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        #expect(throws: Never.self) { try parse(ok) }
    }
}

extension Expression.Kind {
    var isListOfTwo: Bool { if case .list(let items) = self { items.count == 2 } else { false } }
}
