/// `help`, `help VERB` and docs/language.md's language reference, all generated from the verb declarations.
public enum Help {
    /// Every verb family with its one-line summary.
    public static func overview(_ registry: VerbRegistry) -> String {
        var rows: [[String]] = []
        for family in registry.families {
            if let v = registry.verb(family) {
                rows.append([family, v.summary])
            } else {
                let kinds = registry.kinds(of: family)
                rows.append([family + " KIND", "KIND: " + kinds.joined(separator: ", ")])
            }
        }
        let table = Table(title: "verbs", columns: ["verb", "what it does"], rows: rows, alignments: [.left, .left])
        return table.markdown() + "\n\n`help VERB` shows a verb's arguments with their types, defaults and an example."
    }

    /// One verb, or every kind of a family (`help plot`), or `nil` when `name` is neither.
    public static func topic(_ name: String, _ registry: VerbRegistry) -> String? {
        if let v = registry.verb(name) { return verb(v) }
        let kinds = registry.kinds(of: name)
        guard !kinds.isEmpty else { return nil }
        return kinds.map { verb(registry.verb("\(name) \($0)")!) }.joined(separator: "\n\n")
    }

    /// Usage line, summary, argument table and examples of one verb.
    public static func verb(_ v: Verb, heading: String? = nil) -> String {
        var out = heading.map { "\($0)\n\n" } ?? ""
        out += "`\(v.usage)`\n\n\(v.summary)"
        if let r = v.result { out += " Makes \(r.withArticle)." }
        if !v.parameters.isEmpty {
            let rows = v.parameters.map { p in
                [p.positional ? p.name.uppercased() : p.name + "=", p.type.shortName, p.defaultDescription, p.doc]
            }
            out += "\n\n" + Table(columns: ["argument", "type", "default", "description"], rows: rows,
                                  alignments: [.left, .left, .left, .left]).markdown()
        }
        out += "\n\n" + (v.examples.count == 1 ? "Example:" : "Examples:") + "\n\n```\n" + v.examples.joined(separator: "\n") + "\n```"
        return out
    }

    /// docs/language.md's "Language reference": every verb with its arguments and examples, in Markdown.
    public static func markdownReference(_ registry: VerbRegistry) -> String {
        var out = "Every verb, generated from its declaration (`ser exec --reference`; at the prompt, `help VERB`).\n"
        for family in registry.families {
            let verbs = registry.verb(family).map { [$0] } ?? registry.kinds(of: family).map { registry.verb("\(family) \($0)")! }
            for v in verbs {
                out += "\n" + verb(v, heading: "#### `\(v.name)`") + "\n"
            }
        }
        return out
    }
}
