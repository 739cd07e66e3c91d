/// Whether typed text is a complete statement group or needs more lines: it does when its last line
/// ends with `\` (continuation) or a `[` or `(` is still open. Unterminated strings do not wait (a
/// string ends on its line), so the error is reported at once.
public func needsMoreInput(_ text: String) -> Bool {
    var depth = 0
    var quote: UInt8?
    var escaped = false
    var comment = false
    var lastSignificant: UInt8?
    for c in text.utf8 {
        if comment {
            if c == UInt8(ascii: "\n") { comment = false; lastSignificant = c }
            continue
        }
        if let q = quote {
            if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == q || c == UInt8(ascii: "\n") { quote = nil }
            lastSignificant = c
            continue
        }
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = c
        case UInt8(ascii: "#"): comment = true; continue
        case UInt8(ascii: "["), UInt8(ascii: "("): depth += 1
        case UInt8(ascii: "]"), UInt8(ascii: ")"): depth = max(0, depth - 1)
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): continue
        default: break
        }
        lastSignificant = c
    }
    return depth > 0 || lastSignificant == UInt8(ascii: "\\")
}
