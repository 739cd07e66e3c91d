/// A notebook that cannot be read, parameters that do not type-check, or options that name no cell.
///
/// The message is complete: it names the file and line (`notebooks/02.md:14: …`) whenever there is one.
public struct NotebookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of mistake this is.
    public enum Code: String, Sendable {
        /// The notebook file cannot be read or written.
        case io
        /// The Markdown is malformed for ser: unclosed cell, bad cell options, duplicate labels.
        case syntax
        /// A parameter declaration or a `--param` override is malformed or has the wrong type.
        case parameter
        /// `--from` or `--only` names a cell the notebook does not have.
        case unknownCell
    }

    public var code: Code
    /// The file the mistake is in (a notebook path, or `--param` for a command-line override).
    public var file: String
    /// The 1-based line in `file`, or nil when the mistake has no line (command-line input, I/O).
    public var line: Int?
    /// The human message, without the location.
    public var message: String

    public init(_ code: Code, file: String, line: Int? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: error: message`, the form compilers use.
    public var description: String {
        if let line { return "\(file):\(line): error: \(message)" }
        return "\(file): error: \(message)"
    }
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a plausible typo.
func suggestion(for word: String, among candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(1, word.count / 3) ? best.0 : nil
}

/// Edit distance between two strings by characters, counting a swap of two neighbours as one edit
/// (optimal string alignment), so `cahce` is one edit from `cache`.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    let width = b.count + 1
    var d = [Int](repeating: 0, count: (a.count + 1) * width)
    for i in 0...a.count { d[i * width] = i }
    for j in 0...b.count { d[j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            var best = min(d[(i - 1) * width + j - 1] + cost, d[(i - 1) * width + j] + 1, d[i * width + j - 1] + 1)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                best = min(best, d[(i - 2) * width + j - 2] + 1)
            }
            d[i * width + j] = best
        }
    }
    return d[a.count * width + b.count]
}

/// `"; did you mean 'x'?"` or the empty string.
func didYouMean(_ word: String, among candidates: [String]) -> String {
    suggestion(for: word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
}
