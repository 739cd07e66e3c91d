import Foundation
import Language
import Support
import Testing
@testable import Notebook

/// notebooks/07-your-recordings.md runs on the small demo corpus: trains with a held-out speaker, classifies
/// that speaker's files (a per-file table with a score) and draws one `plot emotions` figure.
@Suite(.serialized) struct YourRecordingsNotebookTests {
    @Test func runsOnTheSmallDemoCorpus() throws {
        var repository = #filePath
        for _ in 0..<3 { repository = (repository as NSString).deletingLastPathComponent }
        let folder = NSTemporaryDirectory() + "ser-07-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let notebook = try Notebook(contentsOf: repository + "/notebooks/07-your-recordings.md")
        var options = RunOptions()
        options.outputFolder = folder + "/executed"
        options.overrides = [("size", "small"), ("epochs", "3"), ("patience", "1"), ("figures", folder + "/figures")]
            .map { ParameterOverride(name: $0.0, value: $0.1) }
        let runner = NotebookRunner(makeSession: { LanguageNotebookSession(cache: DiskCache(folder: folder + "/cache")) })
        let executed = try runner.run([notebook], options: options)
        for run in executed {
            for failure in run.failures {
                if case .failed(_, let message) = failure.status { Issue.record("\(failure.cell.title): \(message)") }
            }
        }
        #expect(FileManager.default.fileExists(atPath: folder + "/figures/emotions.png"))
        let text = (try? String(contentsOfFile: executed[0].outputPath, encoding: .utf8)) ?? ""
        #expect(text.contains("files right"), "the held-out speaker's files are scored")
        #expect(text.contains("synthetic DEMO corpus"), "the model card says it was trained on a demo corpus")
    }
}
