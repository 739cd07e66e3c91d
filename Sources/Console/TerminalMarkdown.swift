import Foundation

/// Markdown as a terminal shows it: paragraphs and list items wrapped to the width, tables whose cells wrap so
/// the table fits, `**bold**` in bold, code spans in colour, headings bold, code blocks indented without their
/// fences, `\|` and other escapes resolved. With `styled` off (NO_COLOR, TERM=dumb) the same layout without
/// escape sequences.
///
/// ser prints Markdown (tables from `show`, `help`, reports); pipes, notebooks and `export` keep it as is, and
/// only the prompt's output goes through this.
public struct TerminalMarkdown {
    /// Columns available.
    public var width: Int
    /// Whether to use ANSI styles (bold, colour).
    public var styled: Bool

    public init(width: Int, styled: Bool) {
        self.width = max(20, width)
        self.styled = styled
    }

    /// The whole text rendered, without a final newline.
    public func render(_ markdown: String) -> String {
        var out: [String] = []
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var i = 0
        var paragraph: [String] = []
        func flush() {
            if !paragraph.isEmpty { out += wrap(paragraph.joined(separator: " "), width: width) }
            paragraph = []
        }
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                flush()
                let fence = String(trimmed.prefix { $0 == trimmed.first })
                i += 1
                while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).hasPrefix(fence) {
                    out.append(style("  " + lines[i], code: styled ? "2" : nil))
                    i += 1
                }
                i += 1
                continue
            }
            if trimmed.hasPrefix("|") {
                flush()
                var rows: [String] = []
                while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("|") {
                    rows.append(lines[i].trimmingCharacters(in: .whitespaces))
                    i += 1
                }
                out += table(rows)
                continue
            }
            if trimmed.isEmpty {
                flush()
                if out.last != "" { out.append("") }
            } else if let level = heading(trimmed) {
                flush()
                let text = String(trimmed.dropFirst(level + 1))
                out += wrap("**" + text + "**", width: width)
            } else if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") {
                flush()
                out += wrap(String(trimmed.dropFirst(2)), width: width - 2, first: "• ", rest: "  ")
            } else if trimmed.hasPrefix(">") {
                flush()
                let text = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
                out += wrap(text, width: width - 2, first: style("│ ", code: "2"), rest: style("│ ", code: "2"))
            } else {
                paragraph.append(trimmed)
            }
            i += 1
        }
        flush()
        while out.last == "" { out.removeLast() }
        return out.joined(separator: "\n")
    }

    private func heading(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    private func style(_ text: String, code: String?) -> String {
        guard styled, let code else { return text }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    // MARK: Tables

    /// A Markdown table laid out to fit: columns keep their natural width when they can; otherwise the widest
    /// shrink and their cells wrap. Columns are separated by two spaces; the header is bold and underlined by a rule.
    func table(_ rows: [String]) -> [String] {
        var cells = rows.map(splitRow)
        var alignments: [Bool] = []   // right-aligned
        if cells.count >= 2, cells[1].allSatisfy({ cell in !cell.isEmpty && cell.allSatisfy { "-:".contains($0) } }) {
            alignments = cells[1].map { $0.hasSuffix(":") && !$0.hasPrefix(":") }
            cells.remove(at: 1)
        }
        let columns = cells.map(\.count).max() ?? 0
        guard columns > 0 else { return [] }
        cells = cells.map { $0 + Array(repeating: "", count: columns - $0.count) }
        let parsed = cells.map { row in row.map { parseInline($0) } }
        var widths = (0..<columns).map { c in parsed.map { visibleWidth($0[c]) }.max() ?? 0 }
        let longestWord = (0..<columns).map { c in
            parsed.map { longestWordWidth($0[c]) }.max() ?? 1
        }
        let gap = 2
        let available = width - gap * (columns - 1)
        // Shrink the widest column one step at a time until the table fits (not below a floor of its longest word,
        // capped at a third of the width, and never below 6).
        while widths.reduce(0, +) > available {
            guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }) else { break }
            let floor = max(6, min(longestWord[widest], available / 3))
            if widths[widest] <= floor {
                // Every column is at its floor: let the widest go below it (words are cut).
                guard widths[widest] > 6 else { break }
            }
            widths[widest] -= 1
        }
        var out: [String] = []
        for (r, row) in parsed.enumerated() {
            let wrapped = row.enumerated().map { c, segments in wrapSegments(segments, width: widths[c]) }
            let height = wrapped.map(\.count).max() ?? 1
            for line in 0..<height {
                var text = ""
                for c in 0..<columns {
                    let piece = line < wrapped[c].count ? wrapped[c][line] : []
                    let w = visibleWidth(piece)
                    let pad = String(repeating: " ", count: max(0, widths[c] - w))
                    let rendered = emit(piece, bold: r == 0)
                    let right = c < alignments.count && alignments[c]
                    text += right ? pad + rendered : rendered + (c == columns - 1 ? "" : pad)
                    if c < columns - 1 { text += String(repeating: " ", count: gap) }
                }
                // Empty cells at the end of a line leave no trailing blanks (copied text stays clean).
                while text.hasSuffix(" ") { text.removeLast() }
                out.append(text)
            }
            if r == 0, parsed.count > 1 {
                let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: String(repeating: " ", count: gap))
                out.append(style(rule, code: "2"))
            }
        }
        return out
    }

    /// The cells of a `| a | b \| c |` row. As in GitHub's tables, `\|` is a bar inside a cell, in a code span
    /// too (`` `a\|b` `` shows `a|b`); other escapes are kept for the inline parser.
    private func splitRow(_ row: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var escaped = false
        var body = Substring(row)
        if body.first == "|" { body.removeFirst() }
        for c in body {
            if escaped {
                if c != "|" { current.append("\\") }
                current.append(c)
                escaped = false
                continue
            }
            if c == "\\" { escaped = true; continue }
            if c == "|" { cells.append(current.trimmingCharacters(in: .whitespaces)); current = ""; continue }
            current.append(c)
        }
        let last = current.trimmingCharacters(in: .whitespaces)
        if !last.isEmpty { cells.append(last) }
        return cells
    }

    // MARK: Inline text

    struct Segment: Equatable {
        var text: String
        var bold = false
        var italic = false
        var code = false
    }

    /// `**bold**`, `*italic*`, `` `code` ``, `[text](url)` and `![alt](path)`, backslash escapes resolved.
    func parseInline(_ text: String) -> [Segment] {
        var segments: [Segment] = []
        var bold = false, italic = false
        var current = ""
        func push(code: Bool = false) {
            if !current.isEmpty { segments.append(Segment(text: current, bold: bold, italic: italic, code: code)) }
            current = ""
        }
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, !chars[i + 1].isLetter, !chars[i + 1].isNumber, chars[i + 1] != " " {
                current.append(chars[i + 1])
                i += 2
                continue
            }
            if c == "`" {
                let run = chars[i...].prefix { $0 == "`" }.count
                var j = i + run
                var found: Int?
                while j < chars.count {
                    if chars[j] == "`" {
                        let closing = chars[j...].prefix { $0 == "`" }.count
                        if closing == run { found = j; break }
                        j += closing
                    } else {
                        j += 1
                    }
                }
                if let end = found {
                    push()
                    current = String(chars[(i + run)..<end]).trimmingCharacters(in: .whitespaces)
                    if !styled { current = "`" + current + "`" }
                    push(code: true)
                    i = end + run
                    continue
                }
            }
            if c == "*", i + 1 < chars.count, chars[i + 1] == "*" {
                push()
                bold.toggle()
                i += 2
                continue
            }
            if c == "*", italic || (i + 1 < chars.count && chars[i + 1] != " " && (i == 0 || chars[i - 1] == " " || chars[i - 1] == "(")) {
                let closes = italic || chars[(i + 1)...].contains("*")
                if closes {
                    push()
                    italic.toggle()
                    i += 1
                    continue
                }
            }
            if c == "[" || (c == "!" && i + 1 < chars.count && chars[i + 1] == "["),
               let link = linkAt(chars, i) {
                current += link.text
                i = link.end
                continue
            }
            current.append(c)
            i += 1
        }
        push()
        return segments
    }

    /// `[text](target)` or `![alt](target)` starting at `i`: the text shown and the index after it.
    private func linkAt(_ chars: [Character], _ i: Int) -> (text: String, end: Int)? {
        let image = chars[i] == "!"
        let open = image ? i + 1 : i
        guard let close = chars[open...].firstIndex(of: "]"), close + 1 < chars.count, chars[close + 1] == "(",
              let end = chars[(close + 1)...].firstIndex(of: ")") else { return nil }
        let text = String(chars[(open + 1)..<close])
        let target = String(chars[(close + 2)..<end])
        return (image ? "[figure: \(target)]" : text, end + 1)
    }

    private func visibleWidth(_ segments: [Segment]) -> Int { segments.reduce(0) { $0 + $1.text.count } }

    private func longestWordWidth(_ segments: [Segment]) -> Int {
        segments.map(\.text).joined().split(separator: " ").map(\.count).max() ?? 0
    }

    /// Segments broken into lines of at most `width` visible characters, at spaces where possible.
    func wrapSegments(_ segments: [Segment], width: Int) -> [[Segment]] {
        // Words: runs of non-spaces, each a list of styled pieces.
        var words: [[Segment]] = []
        var word: [Segment] = []
        for segment in segments {
            var piece = ""
            for c in segment.text {
                if c == " " {
                    if !piece.isEmpty { word.append(Segment(text: piece, bold: segment.bold, italic: segment.italic, code: segment.code)) }
                    piece = ""
                    if !word.isEmpty { words.append(word); word = [] }
                } else {
                    piece.append(c)
                }
            }
            if !piece.isEmpty { word.append(Segment(text: piece, bold: segment.bold, italic: segment.italic, code: segment.code)) }
        }
        if !word.isEmpty { words.append(word) }
        var lines: [[Segment]] = []
        var line: [Segment] = []
        var used = 0
        for var w in words {
            var length = visibleWidth(w)
            if used > 0, used + 1 + length > width {
                lines.append(line)
                line = []
                used = 0
            }
            // A word longer than the line is cut.
            while length > width {
                let (head, tail) = split(w, at: width - used)
                if used > 0 { line.append(Segment(text: " ")) }
                line += head
                lines.append(line)
                line = []
                used = 0
                w = tail
                length = visibleWidth(w)
            }
            if used > 0 { line.append(Segment(text: " ")); used += 1 }
            line += w
            used += length
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    private func split(_ word: [Segment], at count: Int) -> ([Segment], [Segment]) {
        var head: [Segment] = [], tail: [Segment] = []
        var left = max(1, count)
        for segment in word {
            if left >= segment.text.count {
                head.append(segment)
                left -= segment.text.count
            } else if left > 0 {
                var a = segment, b = segment
                a.text = String(segment.text.prefix(left))
                b.text = String(segment.text.dropFirst(left))
                head.append(a)
                tail.append(b)
                left = 0
            } else {
                tail.append(segment)
            }
        }
        return (head, tail)
    }

    /// Styled text of one line of segments.
    func emit(_ segments: [Segment], bold extraBold: Bool = false) -> String {
        // A space between two pieces of one style takes that style; then runs of one style are merged, so
        // `**The model**` is one bold run.
        var pieces = segments
        for i in pieces.indices.dropFirst().dropLast() where pieces[i].text == " " {
            let (a, b) = (pieces[i - 1], pieces[i + 1])
            if a.bold == b.bold, a.italic == b.italic, a.code == b.code {
                pieces[i].bold = a.bold; pieces[i].italic = a.italic; pieces[i].code = a.code
            }
        }
        var merged: [Segment] = []
        for piece in pieces {
            if let last = merged.last, last.bold == piece.bold, last.italic == piece.italic, last.code == piece.code {
                merged[merged.count - 1].text += piece.text
            } else {
                merged.append(piece)
            }
        }
        var out = ""
        for s in merged {
            var codes: [String] = []
            if s.bold || extraBold { codes.append("1") }
            if s.italic { codes.append("3") }
            if s.code { codes.append("36") }
            if styled, !codes.isEmpty, !s.text.allSatisfy({ $0 == " " }) {
                out += "\u{1B}[" + codes.joined(separator: ";") + "m" + s.text + "\u{1B}[0m"
            } else {
                out += s.text
            }
        }
        return out
    }

    /// Plain text (no Markdown), each line longer than the width broken at spaces.
    public func wrapPlain(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.count > width else { return String(line) }
            let indent = String(line.prefix { $0 == " " })
            return wrapSegments([Segment(text: String(line.dropFirst(indent.count)))], width: width - indent.count)
                .map { indent + $0.map(\.text).joined() }.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// A paragraph wrapped to `width`, the first line prefixed by `first` and the others by `rest`.
    func wrap(_ text: String, width: Int, first: String = "", rest: String = "") -> [String] {
        wrapSegments(parseInline(text), width: max(10, width)).enumerated().map { i, line in
            (i == 0 ? first : rest) + emit(line)
        }
    }
}
