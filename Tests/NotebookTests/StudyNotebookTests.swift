import Foundation
import Language
import Testing
import Support
@testable import Notebook

/// Runs every study notebook in notebooks/ end to end on small demo corpora with a few epochs, sharing one
/// cache, as `ser figures --size small` does, and checks that every figure and Table 1 are written.
@Suite(.serialized) struct StudyNotebookTests {
    static let repository: String = {
        var path = #filePath
        for _ in 0..<3 { path = Files.parentFolder(path) }
        return path
    }()

    @Test func everyStudyNotebookRunsOnTheSmallDemoCorpora() throws {
        let folder = NSTemporaryDirectory() + "ser-study-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let notebooks = (Files.entries(Self.repository + "/notebooks", hidden: true) ?? []).filter { $0.hasSuffix(".md") }
        #expect(notebooks.map { String($0.prefix(3)) } == ["00-", "01-", "02-", "03-", "04-", "05-", "06-"])
        let parsed = try notebooks.map { try Notebook(contentsOf: Self.repository + "/notebooks/" + $0) }

        var options = RunOptions()
        options.outputFolder = folder + "/executed"
        let small: [String: String] = ["size": "small", "epochs": "2", "patience": "1", "seeds": "1,2",
                                       "figures": folder + "/figures"]
        let declared = Set(parsed.flatMap(\.parameters).map(\.name))
        options.overrides = small.keys.sorted().filter(declared.contains).map { ParameterOverride(name: $0, value: small[$0]!) }
        let cacheFolder = folder + "/cache"
        let runner = NotebookRunner(makeSession: { LanguageNotebookSession(cache: DiskCache(folder: cacheFolder)) })
        let executed = try runner.run(parsed, options: options)
        for run in executed {
            for failure in run.failures {
                if case .failed(_, let message) = failure.status { Issue.record("\(failure.cell.title): \(message)") }
            }
        }
        let figures = Files.entries(folder + "/figures", hidden: true) ?? []
        for n in 1...8 {
            #expect(figures.contains { $0.hasPrefix("fig\(n)-") && $0.hasSuffix(".png") }, "fig\(n)-*.png missing")
        }
        #expect(figures.contains("table1.md") && figures.contains("table1.csv"))
        let table = (try? String(contentsOfFile: folder + "/figures/table1.md", encoding: .utf8)) ?? ""
        #expect(table.contains("EMOVO alone (study: 54 %)") && table.contains("leave one speaker out (study: 20 %)"))
        #expect(executed.allSatisfy { FileManager.default.fileExists(atPath: $0.outputPath) })
    }
}
