import Foundation
import Support
import Testing

/// The committed figures/ are what `make demo` regenerates (the reproducibility test in CLITests says the
/// arithmetic has not moved): every paper figure, Table 1 in its three forms and ser's extras are there, and
/// README.md shows Table 1 exactly as figures/table1.md has it (scripts/readme-table copies it; never by hand).
@Suite struct CommittedFiguresTests {
    static let repository: String = {
        var path = #filePath
        for _ in 0..<3 { path = Files.parentFolder(path) }
        return path
    }()

    @Test func everyFigureAndTableIsCommitted() {
        let figures = Set(Files.entries(Self.repository + "/figures", hidden: true) ?? [])
        for name in ["fig1-features.png", "fig2-model.png", "fig3-emovo-confusion.png", "fig4-source-confusion.png",
                     "fig5-source-on-emovo.png", "fig6-transfer.png", "fig7-augmentation.png", "fig8-loso-transfer.png",
                     "table1.md", "table1.csv", "table1.png"] {
            #expect(figures.contains(name), "figures/\(name) is not committed: run make demo")
        }
        let extras = Set(Files.entries(Self.repository + "/figures/extra", hidden: true) ?? [])
        for name in ["emovo-history.png", "source-history.png", "transfer-all-layers.png", "augmentation-bars.png",
                     "augmented-loso-speakers.png", "loso-transfer-speakers.png", "table-extras.md", "table-extras.csv"] {
            #expect(extras.contains(name), "figures/extra/\(name) is not committed: run make demo")
        }
    }

    @Test func readmeShowsTable1AsCommitted() throws {
        let readme = try String(contentsOfFile: Self.repository + "/README.md", encoding: .utf8)
        let table = try String(contentsOfFile: Self.repository + "/figures/table1.md", encoding: .utf8)
        let begin = try #require(readme.range(of: "\n<!-- table1:begin -->\n"), "README.md has no <!-- table1:begin --> line")
        let end = try #require(readme.range(of: "\n<!-- table1:end -->\n", range: begin.upperBound..<readme.endIndex),
                               "README.md has no <!-- table1:end --> line after the begin line")
        let shown = String(readme[begin.upperBound..<end.lowerBound]) + "\n"
        #expect(shown == table, "README.md's Table 1 differs from figures/table1.md: run scripts/readme-table")
        // The paper's numbers are on the rows of their experiments in what the README shows.
        for (id, paper) in [("emovo", "0.54"), ("transfer", "0.60"), ("augmented_naive", "0.65"), ("augmented_loso", "0.20"),
                            ("augmented_lopo", "0.70"), ("source_test", "0.39"), ("source_on_emovo", "0.30"),
                            ("augmented_loso_transfer", "0.32")] {
            let row = shown.split(separator: "\n").first { $0.hasPrefix("| \(id) ") }
            #expect(row?.contains(" \(paper) ") == true, "README Table 1: row \(id) should carry the paper's \(paper)")
        }
    }
}
