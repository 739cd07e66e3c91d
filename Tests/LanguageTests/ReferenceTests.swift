import Foundation
import Testing
@testable import Language

/// docs/language.md's language reference is generated from the verb declarations (scripts/language-reference);
/// this fails when a verb changed and the reference was not regenerated.
@Suite struct ReferenceTests {
    @Test func languageDocReferenceMatchesTheRegistry() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("docs/language.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- language-reference:begin"))
        let afterBegin = try #require(readme.range(of: "-->\n", range: begin.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "<!-- language-reference:end -->"))
        let section = String(readme[afterBegin.upperBound..<end.lowerBound])
        #expect(section == Help.markdownReference(.standard), "docs/language.md is out of date: run scripts/language-reference")
    }

    @Test func everyVerbIsInTheReference() {
        let reference = Help.markdownReference(.standard)
        for verb in VerbRegistry.standard.verbs {
            #expect(reference.contains("#### `\(verb.name)`"))
            for p in verb.parameters { #expect(reference.contains(p.doc), "\(verb.name) \(p.name)") }
        }
    }
}
