import Foundation
import Language
import Support

/// Tab completion for the REPL, from the verb registry and the session: verbs and session names at the
/// start of a statement, a family's kinds after it (`plot m` → `mel`, `mfcc`), the option names of the
/// verb being typed (`train net s pat` → `patience=`), an option's words (`split f naive` …), session
/// names for value arguments, meta-commands after `:`, and file paths inside strings.
public struct Completer {
    public let session: Session
    /// Folder relative paths are completed against (the working directory by default).
    public var directory: String

    public init(session: Session, directory: String = FileManager.default.currentDirectoryPath) {
        self.session = session
        self.directory = directory
    }

    /// A completion: the text being completed (the end of the line) and what it may become.
    public struct Result: Equatable, Sendable {
        /// The partial word the candidates extend.
        public var word: String
        /// Full replacements for `word`, sorted.
        public var candidates: [String]

        /// The longest prefix every candidate shares (what Tab inserts).
        public var commonPrefix: String {
            guard var prefix = candidates.first else { return word }
            for c in candidates.dropFirst() {
                while !c.hasPrefix(prefix) { prefix.removeLast() }
            }
            return prefix
        }
    }

    public static let metaCommands = [":help", ":vars", ":run", ":open", ":next", ":n", ":cells", ":cell", ":prose", ":save",
                                      ":figures", ":inline", ":reset", ":time", ":history", ":quit"]

    /// Completions for the text left of the cursor.
    public func complete(_ line: String) -> Result {
        // Meta-commands.
        let trimmed = line.drop(while: { $0 == " " })
        if trimmed.hasPrefix(":") {
            if let space = trimmed.firstIndex(of: " ") {
                let command = trimmed[..<space]
                if command == ":run" || command == ":open" {
                    let arg = String(trimmed[trimmed.index(after: space)...].drop(while: { $0 == " " }))
                    return Result(word: arg, candidates: paths(arg))
                }
                return Result(word: "", candidates: [])
            }
            let word = String(trimmed)
            return Result(word: word, candidates: Completer.metaCommands.filter { $0.hasPrefix(word) }.sorted())
        }
        // Inside a string: a path.
        if let open = openStringStart(line) {
            let partial = String(line[open...])
            return Result(word: partial, candidates: paths(partial))
        }
        // The statement being typed: after the last ';'.
        let statement = String(line.split(separator: ";", omittingEmptySubsequences: false).last ?? "")
        var word = ""
        for ch in statement.reversed() {
            guard ch.isLetter || ch.isNumber || ch == "_" else { break }
            word.insert(ch, at: word.startIndex)
        }
        let before = String(statement.dropLast(word.count))
        // `label=` directly before the word: that option's values.
        if before.hasSuffix("="), let label = trailingName(String(before.dropLast())),
           let verb = currentVerb(words(before)) , let p = verb.parameters.first(where: { $0.name == label }) {
            return Result(word: word, candidates: values(for: p.type).filter { $0.hasPrefix(word) }.sorted())
        }
        if before.hasSuffix(".") || before.hasSuffix("[") { return Result(word: word, candidates: []) }
        var ws = words(before)
        if ws.count >= 2, ws[1] == "=" { ws.removeFirst(2) }
        let registry = session.registry
        if ws.isEmpty {
            let all = Set(registry.families + session.order)
            return Result(word: word, candidates: all.filter { $0.hasPrefix(word) }.sorted())
        }
        let family = ws[0]
        if ws.count == 1, registry.verb(family) == nil {
            return Result(word: word, candidates: registry.kinds(of: family).filter { $0.hasPrefix(word) }.sorted())
        }
        guard let verb = currentVerb(ws) else { return Result(word: word, candidates: []) }
        let given = Set(ws.compactMap { w -> String? in
            guard let eq = w.firstIndex(of: "=") else { return nil }
            return String(w[..<eq])
        })
        var candidates = Set(verb.parameters.filter { !given.contains($0.name) }
            .map { $0.name + "=" })
        // Positional value: session names of fitting types, or the words a word-typed parameter takes.
        let positionalGiven = ws.dropFirst(verb.kind == nil ? 1 : 2).filter { !$0.contains("=") }.count
        let positional = verb.parameters.filter(\.positional)
        if positionalGiven < positional.count {
            candidates.formUnion(values(for: positional[positionalGiven].type))
        } else {
            candidates.formUnion(session.order)
        }
        return Result(word: word, candidates: candidates.filter { $0.hasPrefix(word) }.sorted())
    }

    /// The verb named by the first words (`train`, or `plot mel`).
    private func currentVerb(_ ws: [String]) -> Verb? {
        var ws = ws
        if ws.count >= 2, ws[1] == "=" { ws.removeFirst(2) }
        guard let first = ws.first else { return nil }
        if let v = session.registry.verb(first) { return v }
        if ws.count >= 2 { return session.registry.verb("\(first) \(ws[1])") }
        return nil
    }

    /// Values an argument of this type may take, as typed.
    private func values(for type: ParameterType) -> [String] {
        switch type {
        case .word(let words): return words
        case .bool: return ["true", "false"]
        case .value(let types):
            return session.order.filter { session.values[$0].map { types.contains($0.type) } ?? false }
        case .list(let item): return values(for: item)
        case .verbName: return session.registry.families
        case .number, .integer, .fraction, .duration, .frequency:
            return session.order.filter { session.values[$0]?.type == .number }
        default: return []
        }
    }

    /// Whitespace-separated words, with `a = b` split so `=` is its own word when spaced.
    private func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    private func trailingName(_ text: String) -> String? {
        var name = ""
        for ch in text.reversed() {
            guard ch.isLetter || ch.isNumber || ch == "_" else { break }
            name.insert(ch, at: name.startIndex)
        }
        return name.isEmpty ? nil : name
    }

    /// Index just after the opening quote of a string still open at the end of `line`.
    private func openStringStart(_ line: String) -> String.Index? {
        var quote: Character?
        var start: String.Index?
        var escaped = false
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil; start = nil }
            } else if c == "\"" || c == "'" {
                quote = c
                start = line.index(after: i)
            } else if c == "#" {
                return nil
            }
            i = line.index(after: i)
        }
        return start
    }

    /// Files and folders starting with `partial` (folders end in `/`; `~` expands).
    func paths(_ partial: String) -> [String] {
        let slash = partial.lastIndex(of: "/")
        let dirPart = slash.map { String(partial[...$0]) } ?? ""
        let namePart = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        var dir = dirPart.isEmpty ? directory : dirPart
        if dir.hasPrefix("~") { dir = Files.expandingTilde(dir) + (dir.hasSuffix("/") ? "/" : "") }
        if !dir.hasPrefix("/") { dir = directory + "/" + dir }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return entries.filter { $0.hasPrefix(namePart) && (namePart.hasPrefix(".") || !$0.hasPrefix(".")) }.map { name in
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDir)
            return dirPart + name + (isDir.boolValue ? "/" : "")
        }.sorted()
    }
}
