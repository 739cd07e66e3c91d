import Console
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
}
