import Evaluate
import Features
import Foundation
import Language
import Support
import Testing
@testable import Notebook

/// Runs every study notebook in notebooks/ end to end on small demo corpora with a few epochs, sharing one
/// cache, as `ser figures --size small` does, and checks the study as the paper ran it: every figure under its
/// paper number, Table 1's paper numbers on the rows of their experiments (by id), ser's extras apart, and no
/// augmented training row made from validation or test audio under the naive, grouped, LOSO and LOPO splits.
@Suite(.serialized) struct StudyNotebookTests {
    static let repository: String = {
        var path = #filePath
        for _ in 0..<3 { path = Files.parentFolder(path) }
        return path
    }()

    /// The paper's numbers, by Table 1 row id.
    static let paper: [String: String] = [
        "emovo": "0.54", "transfer": "0.60", "augmented_naive": "0.65", "augmented_loso": "0.20", "augmented_lopo": "0.70",
        "source_test": "0.39", "source_on_emovo": "0.30", "augmented_loso_transfer": "0.32",
    ]

    @Test func theStudyNotebooksRunThePapersProtocolOnTheSmallDemoCorpora() throws {
        let folder = NSTemporaryDirectory() + "ser-study-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let notebooks = (Files.entries(Self.repository + "/notebooks", hidden: true) ?? []).filter { $0.hasSuffix(".md") && $0.first?.isNumber == true }
        #expect(notebooks.map { String($0.prefix(3)) }.prefix(7) == ["00-", "01-", "02-", "03-", "04-", "05-", "06-"])
        let parsed = try notebooks.filter { $0 < "07-" }.map { try Notebook(contentsOf: Self.repository + "/notebooks/" + $0) }

        var options = RunOptions()
        options.outputFolder = folder + "/executed"
        let small: [String: String] = ["size": "small", "epochs": "2", "patience": "1", "seeds": "1,2",
                                       "figures": folder + "/figures"]
        let declared = Set(parsed.flatMap(\.parameters).map(\.name))
        options.overrides = small.keys.sorted().filter(declared.contains).map { ParameterOverride(name: $0, value: small[$0]!) }
        let cacheFolder = folder + "/cache"
        let sessions = Sessions()
        let runner = NotebookRunner(makeSession: {
            let s = LanguageNotebookSession(cache: DiskCache(folder: cacheFolder))
            sessions.all.append(s)
            return s
        })
        let executed = try runner.run(parsed, options: options)
        for run in executed {
            for failure in run.failures {
                if case .failed(_, let message) = failure.status { Issue.record("\(failure.cell.title): \(message)") }
            }
        }
        #expect(executed.allSatisfy { FileManager.default.fileExists(atPath: $0.outputPath) })

        // Every figure under the paper's number for the same content; ser's extras in extra/.
        let figures = Set(Files.entries(folder + "/figures", hidden: true) ?? [])
        for name in ["fig1-features.png", "fig2-model.png", "fig3-emovo-confusion.png", "fig4-source-confusion.png",
                     "fig5-source-on-emovo.png", "fig6-transfer.png", "fig7-augmentation.png", "fig8-loso-transfer.png",
                     "table1.md", "table1.csv", "table1.png"] {
            #expect(figures.contains(name), "\(name) missing")
        }
        #expect(figures.filter { $0.hasPrefix("fig") }.count == 8, "only the paper's figures carry a figure number: \(figures.sorted())")
        let extras = Set(Files.entries(folder + "/figures/extra", hidden: true) ?? [])
        for name in ["emovo-history.png", "source-history.png", "transfer-all-layers.png", "augmentation-bars.png",
                     "augmented-loso-speakers.png", "loso-transfer-speakers.png", "table-extras.md", "table-extras.csv"] {
            #expect(extras.contains(name), "extra/\(name) missing")
        }

        // Table 1: one row per paper experiment, in the paper's order, each paper number on its experiment's row.
        let table = try csv(folder + "/figures/table1.csv")
        #expect(table.first == ["id", "experiment", "paper", "accuracy", "UAR", "macro-F1", "runs"])
        let rows = table.dropFirst()
        #expect(rows.map { $0[0] } == ["emovo", "transfer", "augmented_naive", "augmented_loso", "augmented_lopo",
                                       "source_test", "source_on_emovo", "augmented_loso_transfer"])
        for row in rows {
            #expect(row.count == 7, "\(row)")
            #expect(row[2] == Self.paper[row[0]], "\(row[0]): paper column \(row[2])")
            #expect(row[3].contains(" ± "), "\(row[0]): accuracy \(row[3])")
        }
        // Runs: one per seed, or one per speaker (two in the small demo corpus) for LOSO.
        let runs = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], $0[6]) })
        #expect(runs["emovo"] == "2" && runs["augmented_lopo"] == "2" && runs["source_on_emovo"] == "2")
        #expect(runs["augmented_loso"] == "2" && runs["augmented_loso_transfer"] == "2")
        let extraTable = try csv(folder + "/figures/extra/table-extras.csv")
        #expect(extraTable.first == ["id", "experiment", "accuracy", "UAR", "macro-F1", "runs"])
        #expect(extraTable.dropFirst().map { $0[0] } == ["transfer_all_layers", "augmented_naive_leaky", "augmented_grouped", "loso",
                                                         "augmented_lopo_all_phrases"])

        // No augmented training row was made from validation or test audio (notebook 4's splits).
        let augmentation = try #require(sessions.all.first { $0.session.values["aug_split"] != nil }, "notebook 4's session").session
        var checked: [String] = []
        for name in ["aug_split", "aug_grouped_split", "by_speaker", "lopo_split"] {
            guard case .split(let value)? = augmentation.values[name]?.payload else { Issue.record("no split \(name)"); continue }
            for split in value.splits {
                Self.expectTrainingOnlyOnTrainingAudio(split, value.table, byFile: name != "aug_split")
                checked.append(split.name)
            }
        }
        #expect(checked.contains("naive") && checked.contains("grouped") && checked.contains { $0.hasPrefix("loso ") }
                && checked.contains { $0.hasPrefix("lopo ") }, "\(checked)")
        // The leaky variant does train on copies of held-out audio, and says so.
        guard case .split(let leaky)? = augmentation.values["leaky_split"]?.payload else { Issue.record("no leaky split"); return }
        #expect(leaky.splits[0].augmentation?.isLeaking == true)
    }

    /// Checks from the table alone (not from the split's own report): no augmented row in validation or test,
    /// and every augmented training row's audio — its window mapped back through a time stretch — misses every
    /// original validation and test window of its recording (`byFile`: its recording has none at all).
    static func expectTrainingOnlyOnTrainingAudio(_ split: Split, _ table: FeatureTable, byFile: Bool) {
        func source(_ r: Int) -> String { table.rows[r].attributes["source"] ?? table.rows[r].file }
        func augmented(_ r: Int) -> Bool { (table.rows[r].attributes["augmentation"] ?? "none") != "none" }
        let heldOut = split.validation + split.test
        #expect(heldOut.allSatisfy { !augmented($0) }, "\(split.name): an augmented row is validated or tested on")
        var spans: [String: [(Double, Double)]] = [:]
        for r in heldOut { spans[source(r), default: []].append((table.rows[r].start, table.rows[r].end)) }
        var copies = 0
        for r in split.train where augmented(r) {
            copies += 1
            let params = table.rows[r].attributes["augment_params"] ?? ""
            let rate = params.split(separator: ";").first { $0.hasPrefix("stretch=") }.flatMap { Double($0.dropFirst(8)) } ?? 1
            let (a, b) = (table.rows[r].start * rate, table.rows[r].end * rate)
            let held = spans[source(r)] ?? []
            if byFile {
                #expect(held.isEmpty, "\(split.name): a copy of \(source(r)) trains while the file is held out")
            } else {
                #expect(!held.contains { $0.0 < b && a < $0.1 },
                        "\(split.name): a copy of \(source(r)) (\(a)–\(b) s of the original) trains on held-out audio")
            }
        }
        #expect(copies > 0, "\(split.name): augmented rows train")
    }

    func csv(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            // Quoted fields may hold commas ("augmented, LOSO").
            var fields: [String] = [], field = "", quoted = false
            for c in line {
                if c == "\"" { quoted.toggle() } else if c == ",", !quoted { fields.append(field); field = "" } else { field.append(c) }
            }
            fields.append(field)
            return fields
        }
    }
}

/// The sessions the runner made, to look at their values after the run.
final class Sessions: @unchecked Sendable {
    var all: [LanguageNotebookSession] = []
}
