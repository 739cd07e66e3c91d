import Foundation
import Support
import Testing

/// The package's own rules about names, checked on its source tree.
@Suite struct PackageNameTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every type declared at the top level of a Swift file under Sources, with the file it is in.
    static func topLevelTypes() throws -> [(name: String, file: String, isPublic: Bool)] {
        let declaration = try Regex(#"^(public |package |internal |fileprivate |private )?(final )?(struct|class|enum|protocol|actor|typealias) ([A-Za-z_][A-Za-z0-9_]*)"#)
        var found: [(String, String, Bool)] = []
        let walker = FileManager.default.enumerator(atPath: sources.path)
        while let relative = walker?.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let text = try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8)
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                guard let match = line.prefixMatch(of: declaration), let name = match.output[4].substring else { continue }
                found.append((String(name), relative, match.output[1].substring == "public "))
            }
        }
        return found
    }

    @Test func everyPublicTypeNameIsDefinedOnce() throws {
        let types = try Self.topLevelTypes()
        #expect(types.count > 100, "the scan found too few types in \(Self.sources.path)")
        let publicNames = Set(types.filter(\.isPublic).map(\.name))
        let byName = Dictionary(grouping: types.filter { publicNames.contains($0.name) }, by: \.name)
        let twice = byName.filter { $0.value.count > 1 }.map { "\($0.key): \($0.value.map(\.file).sorted().joined(separator: ", "))" }
        #expect(twice.isEmpty, "public type names defined more than once: \(twice.sorted())")
    }

    @Test func theScanSeesADuplicate() throws {
        // The check above would fail for a name declared in two modules: the scan reads both declarations.
        let types = try Self.topLevelTypes()
        #expect(types.contains { $0.name == "CodedError" && $0.file == "Support/ModuleError.swift" && $0.isPublic })
        #expect(types.contains { $0.name == "AudioError" && $0.file == "Audio/AudioError.swift" })
    }
}

@Suite struct ModuleErrorTests {
    enum Kind: String, ModuleErrorCode { case broken }
    struct Plain: ModuleError { var message: String }

    @Test func descriptionsNameTheFileAndLineFirst() {
        #expect(CodedError(Kind.broken, path: "a.csv", line: 3, "bad row").description == "a.csv:3: bad row")
        #expect(CodedError(Kind.broken, path: "a.wav", "cannot open").description == "a.wav: cannot open")
        #expect(CodedError(Kind.broken, "no file").description == "no file")
        #expect(Plain(message: "just a message").description == "just a message")
        #expect(userMessage(CodedError(Kind.broken, path: "x", "y")) == "x: y")
        #expect("\(Kind.broken)" == "broken")
    }
}
