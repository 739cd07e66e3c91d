/// Every verb of the language, by name. Verbs named `family kind` (`plot mel`, `load model`) are chosen
/// by the word after the family name.
public struct VerbRegistry: Sendable {
    public private(set) var verbs: [Verb] = []
    private var byName: [String: Int] = [:]

    public init(_ verbs: [Verb] = []) {
        for v in verbs { add(v) }
    }

    /// Adds a verb; a verb of the same name is replaced.
    public mutating func add(_ verb: Verb) {
        if let i = byName[verb.name] {
            verbs[i] = verb
        } else {
            byName[verb.name] = verbs.count
            verbs.append(verb)
        }
    }

    /// The verb named exactly `name` (`train`, `plot mel`).
    public func verb(_ name: String) -> Verb? { byName[name].map { verbs[$0] } }

    /// The first words of every verb, sorted: what can start a statement.
    public var families: [String] {
        Array(Set(verbs.map(\.family))).sorted()
    }

    /// The kinds of a family (`mel`, `mfcc`, … for `plot`), empty for a plain verb.
    public func kinds(of family: String) -> [String] {
        verbs.filter { $0.family == family }.compactMap(\.kind)
    }

    /// Whether `word` starts a statement as a verb.
    public func isVerb(_ word: String) -> Bool { verbs.contains { $0.family == word } }

    /// The language's verbs, grouped as `help` lists them.
    public static let standard = VerbRegistry(
        SessionVerbs.all + CorpusVerbs.all + AudioVerbs.all + FeatureVerbs.all + AugmentVerbs.all + LearnVerbs.all + PlotVerbs.all
    )
}
