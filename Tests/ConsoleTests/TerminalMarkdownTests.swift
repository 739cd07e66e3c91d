import Console
import Features
import Foundation
import Language
import Testing

/// Markdown laid out for a terminal: tables fit the width, no Markdown syntax is left, styles only when asked.
@Suite struct TerminalMarkdownTests {
    static let wide = """
    **a wide table**

    | argument | type | default | description |
    | --- | --- | ---: | --- |
    | `epochs=` | whole number in 1…100000 | 200 | maximum number of passes over the training rows before early stopping ends the run \\| or not |
    | `lr=` | number | 0.001 | Adam's learning rate; Keras's default, which the study's text does not give and ser chose for it |
    """

    @Test func aWideTableFitsAndLosesItsSyntax() {
        let plain = TerminalMarkdown(width: 80, styled: false).render(Self.wide)
        let lines = plain.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(lines.count > 6)   // cells wrapped
        #expect(!plain.contains("**") && !plain.contains("\\|") && !plain.contains("| ---"))
        #expect(plain.hasPrefix("a wide table\n"))
        #expect(plain.contains("| or not"))   // the escaped bar is text
        // Every word of the table is still there.
        for word in ["maximum", "passes", "stopping", "Keras's", "chose", "0.001", "`epochs=`"] {
            #expect(plain.contains(word), "\(word) missing")
        }
        // The right-aligned column stays right-aligned.
        #expect(lines.contains { $0.contains("  200  ") })
        // Rows whose last cells are empty (or shorter than the column) end without blanks.
        let sparse = TerminalMarkdown(width: 80, styled: true).render("| a | b | c |\n| --- | ---: | --- |\n| x |  |  |\n| y | 2 | long text |")
        #expect(sparse.split(separator: "\n").allSatisfy { !$0.hasSuffix(" ") }, "\(sparse.debugDescription)")
    }

    /// As on GitHub, `\|` in a table cell is a bar, inside a code span too.
    @Test func anEscapedBarInACodeSpanOfATableIsABar() {
        let table = "| command | what |\n| --- | --- |\n| `:inline on\\|off` | draws figures |"
        let styled = TerminalMarkdown(width: 80, styled: true).render(table)
        #expect(styled.contains("\u{1B}[36m:inline on|off\u{1B}[0m"))
        #expect(!styled.contains("\\"))
        #expect(TerminalMarkdown(width: 80, styled: false).render(table).contains("`:inline on|off`"))
    }

    @Test func stylesOnlyWhenAsked() {
        let styled = TerminalMarkdown(width: 60, styled: true).render("**Bold words** and `code`")
        #expect(styled == "\u{1B}[1mBold words\u{1B}[0m and \u{1B}[36mcode\u{1B}[0m")
        #expect(TerminalMarkdown(width: 60, styled: false).render("**Bold words** and `code`") == "Bold words and `code`")
    }

    @Test func proseIsRewrappedAndFencesDropped() {
        let text = "# Title\n\nA first line\nthat goes on.\n\n```\nx = 1\n```\n\n- an item that is long enough to wrap onto a second line here"
        let out = TerminalMarkdown(width: 30, styled: false).render(text)
        #expect(out == "Title\n\nA first line that goes on.\n\n  x = 1\n\n• an item that is long enough\n  to wrap onto a second line\n  here")
    }

    /// `describe` of a labelled feature table at an 80-column terminal: the numeric table keeps its columns and
    /// the rows per value (24 speakers here, as in RAVDESS) wrap within their cell of a second table.
    @Test func describeOfFeaturesReadsAt80Columns() throws {
        var t = FeatureTable(width: 160)
        for actor in 1...24 {
            for emotion in ["anger", "happiness", "sadness"] {
                t.append([Float](repeating: Float(actor), count: 160),
                         FeatureRow(file: "Actor_\(actor)/\(emotion).wav", window: 0, start: 0, end: 2,
                                    attributes: ["corpus": "ravdess", "speaker": String(format: "%02d", actor), "emotion": emotion]))
            }
        }
        let dir = NSTemporaryDirectory() + "ser-describe-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try t.write(prefix: dir + "/f")
        let markdown = try Session().execute("f = load features \"\(dir)/f\"\ndescribe f", file: "t").text
        let out = TerminalMarkdown(width: 79, styled: false).render(markdown)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 79 }, "\(out)")
        // The numeric table is one line per block, its "min" column holding numbers only.
        #expect(lines.filter { $0.hasPrefix("mel ") || $0.hasPrefix("mfcc ") || $0.hasPrefix("chroma ") }.count == 3, "\(out)")
        // The counts: a second table, one row per label column, the values wrapping within their own cell.
        #expect(lines.contains { $0.hasPrefix("corpus ") && $0.hasSuffix(" ravdess 72") }, "\(out)")
        #expect(lines.contains { $0.hasPrefix("emotion ") && $0.hasSuffix(" anger 24, happiness 24, sadness 24") }, "\(out)")
        let speakers = lines.firstIndex { $0.hasPrefix("speaker ") }
        #expect(speakers != nil, "\(out)")
        if let speakers, let first = lines[speakers].range(of: "01 3, ") {
            let column = lines[speakers].distance(from: lines[speakers].startIndex, to: first.lowerBound)
            // Continuation lines start blank up to the counts' column, every count next to its value.
            let cell = lines[(speakers + 1)...].prefix { $0.prefix(column).allSatisfy { $0 == " " } && $0.count > column }
            #expect(!cell.isEmpty, "\(out)")
            let text = ([lines[speakers]] + cell).map { String($0.dropFirst(column)) }.joined(separator: " ")
            for actor in 1...24 { #expect(text.contains(String(format: "%02d 3", actor)), "\(actor): \(out)") }
        } else {
            Issue.record("no speaker counts: \(out)")
        }
    }
}
