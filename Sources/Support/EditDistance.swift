/// Damerau–Levenshtein (optimal string alignment) distance over characters: insertions, deletions,
/// substitutions and transpositions of neighbours each cost 1, so `cahce` is one edit from `cache`.
public func editDistance(_ a: String, _ b: String) -> Int {
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

/// The closest candidate to `word` by edit distance (case ignored), if close enough to be a plausible typo
/// (distance at most 1 for short words, at most a third of the length otherwise, never more than 3).
public func didYouMean(_ word: String, among candidates: some Sequence<String>) -> String? {
    let w = word.lowercased()
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(w, c.lowercased())
        if d == 0 && c != word { return c }
        if best == nil || d < best!.1 { best = (c, d) }
    }
    guard let (candidate, distance) = best else { return nil }
    let limit = max(1, min(3, (word.count + 1) / 3))
    return distance <= limit && distance > 0 ? candidate : nil
}

/// `"; did you mean 'x'?"` for the closest candidate (see `didYouMean`), or the empty string: the tail of
/// an error message about an unknown name.
public func suggestion(_ word: String, among candidates: some Sequence<String>) -> String {
    if let s = didYouMean(word, among: candidates) { return "; did you mean '\(s)'?" }
    return ""
}
