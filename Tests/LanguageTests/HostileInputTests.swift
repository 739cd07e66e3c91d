import Foundation
import Testing
@testable import Language

/// Issue 12: statements a hostile user can type. Each must give a diagnostic and leave the session usable,
/// never overflow the stack, trip a precondition or abort in the allocator.
@Suite struct LanguageHostileInputTests {
    func diagnostic(_ source: String, in session: Session = Session()) -> Diagnostic? {
        do {
            _ = try session.execute(source, file: "t")
            return nil
        } catch {
            return error
        }
    }

    /// Item 2: 5 000 member accesses or 10 000 indexes overflowed the interpreter's stack.
    @Test func longMemberChainsAndIndexChainsAreNestingErrors() {
        let members = "x = a" + String(repeating: ".a", count: 5000)
        #expect(diagnostic(members)?.message.contains("nested too deeply") == true)
        let indexes = "x = a" + String(repeating: "[0]", count: 10000)
        #expect(diagnostic(indexes)?.message.contains("nested too deeply") == true)
        let mixed = "x = a" + String(repeating: "[b.c", count: 3000) + String(repeating: "]", count: 3000)
        #expect(diagnostic(mixed)?.message.contains("nested too deeply") == true)
        let lists = "x = " + String(repeating: "[", count: 10000) + String(repeating: "]", count: 10000)
        #expect(diagnostic(lists)?.message.contains("nested too deeply") == true)
    }

    @Test func shortChainsStillWork() throws {
        let session = Session()
        _ = try session.execute("a = [[1, 2], [3, [4, 5]]]", file: "t")
        #expect(try session.execute("a[1][1][0]", file: "t").text == "4")
    }

    /// Item 3: `features x sets=[]` tripped a precondition.
    @Test func emptyListsAreDiagnostics() throws {
        let session = Session()
        _ = try session.execute("x = [1]", file: "t")
        let d = diagnostic("f = features x sets=[]", in: session)
        #expect(d?.message == "'sets' of 'features' needs at least one item, given an empty list")
        let merge = diagnostic("m = merge []", in: session)
        #expect(merge?.message.contains("needs at least one item") == true)
        let e = diagnostic("e = []\nm = merge e", in: session)
        #expect(e?.message.contains("needs at least one item") == true)
    }

    @Test func denseMayBeEmpty() throws {
        let session = Session()
        let out = try session.execute("net = model cnn1d classes=3 dense=[]", file: "t")
        #expect(out.bound == ["net"])
    }

    /// Item 4: sizes that reach an allocation are range-checked with a message.
    @Test func hugeLayersAreRefusedByValue() {
        let dense = diagnostic(#"net = model custom layers=[flatten(), dense(1000000000000, activation="softmax")]"#)
        #expect(dense?.message.contains("needs a whole number units") == true)
        let wide = diagnostic(#"net = model custom layers=[flatten(), dense(900000000, activation="softmax")]"#)
        #expect(wide?.message.contains("is too large: at most 16777216 values per row") == true)
        let tall = diagnostic(#"net = model custom input=1000000 layers=[conv1d(4096, 1000), flatten(), dense(2)]"#)
        #expect(tall?.message.contains("at most") == true)
        let huge = diagnostic("x = 1e400")
        #expect(huge != nil)
    }

    @Test func absurdDurationsAreRefused() throws {
        let session = Session()
        let d = diagnostic("x = [1]\nf = features x window=1e300s", in: session)
        #expect(d?.message.contains("at most 1000000 s") == true)
    }

    /// A cache entry nesting lists without end is refused, not followed down the stack.
    @Test func deeplyNestedValueBytesAreRefused() throws {
        var bytes = ValueCoder.magic
        let listTag = ValueType.list.tag
        for _ in 0..<100_000 {
            bytes.append(listTag)
            bytes += [UInt8](repeating: 0, count: 32)
            bytes += [1, 0, 0, 0, 0, 0, 0, 0]
        }
        #expect(throws: ValueCoder.Failure.self) { try ValueCoder.decode(bytes) }
    }

    /// Misleading messages: a non-UTF-8 script said only "cannot read"; a BOM showed in diagnostics.
    @Test func scriptTextIsUTF8WithoutItsByteOrderMark() throws {
        let bad: [UInt8] = Array("x = 1\ny = \"caf".utf8) + [0xE9] + Array("\"\n".utf8)
        let error = #expect(throws: ScriptFile.Failure.self) { try ScriptFile.text(bad, name: "s.ser") }
        #expect(error?.description == "s.ser:2:9: not UTF-8 text (byte 0xE9); save the file as UTF-8")
        let text = try ScriptFile.text([0xEF, 0xBB, 0xBF] + Array("x = 1".utf8), name: "bom.ser")
        #expect(text == "x = 1")
        #expect(try ScriptFile.text(Array("é ok".utf8), name: "u.ser") == "é ok")
    }
}
