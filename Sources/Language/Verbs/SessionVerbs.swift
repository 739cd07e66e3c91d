import Audio
import Features
import Support

/// Verbs about the session itself: help, show/describe, seed, threads, table, export.
enum SessionVerbs {
    static var all: [Verb] { [help, show, describe, seed, threads, table, export] }

    static let help = Verb(
        "help", summary: "Lists the verbs, or shows one verb's arguments with their types, defaults and an example.",
        parameters: [Parameter("verb", .verbName, positional: true, defaultText: "all verbs",
                               doc: "a verb (`train`), a family (`plot`) or a verb with its kind (`\"plot mel\"`)")],
        examples: ["help", "help train"], result: nil, scheduling: .output
    ) { call in
        let registry = call.session.registry
        if let name = call.optionalText("verb") {
            call.print(Help.topic(name, registry) ?? Help.overview(registry))
        } else {
            call.print(Help.overview(registry))
        }
        return .none
    }

    static let show = Verb(
        "show", summary: "Shows any value as a table (a corpus's files, a report's metrics, a model's card and layers).",
        parameters: [Parameter("value", .value(ValueType.allCases), positional: true, doc: "the value to show")],
        examples: ["show emovo", "show r", "show net"], result: nil, scheduling: .output
    ) { call in
        let value = call.value("value")
        let model: ModelValue? = switch value.payload {
        case .model(let m): m
        case .run(let r): r.model
        default: nil
        }
        if let model {
            do throws(PredictionError) { call.print(try ModelCard(metadata: model.metadata, classes: model.labels).table.markdown()) } catch {
                call.print("model card: \(error.message)")
            }
            call.print("")
        }
        call.print(value.describe().markdown())
        return .none
    }

    static let describe = Verb(
        "describe", summary: "Shows a value in detail: per-block statistics of a feature table, then its rows per corpus, speaker, emotion and augmentation; class counts of a corpus.",
        parameters: [Parameter("value", .value(ValueType.allCases), positional: true, doc: "the value to describe")],
        examples: ["describe feats"], result: nil, scheduling: .output
    ) { call in
        call.print(Describe.markdown(call.value("value")))
        return .none
    }

    static let seed = Verb(
        "seed", summary: "Sets the session seed that every random choice derives from (splits, weights, shuffling, noise), or shows it.",
        parameters: [Parameter("value", .integer(0...Int(UInt32.max)), positional: true, defaultText: "show the seed",
                               doc: "the new seed")],
        examples: ["seed 42"], result: nil
    ) { call in
        if let v = call.optionalInteger("value") {
            call.session.seed = UInt64(v)
        }
        call.print("seed = \(call.session.seed)")
        return .none
    }

    static let threads = Verb(
        "threads", summary: "Sets how many worker threads parallel verbs use (features, augment, the runs of crossval and repeat, the shards of a training given threads=, the matrix products of a training running alone), or shows it. It changes the speed, never a result: a training's shards are its own `threads=`, and a product shared by several threads is cut by output tiles, each element computed as one thread would.",
        parameters: [Parameter("count", .integer(1...1024), positional: true, defaultText: "show the count",
                               doc: "number of threads")],
        examples: ["threads 2"], result: nil
    ) { call in
        if let v = call.optionalInteger("count") { call.session.threads = v }
        call.print("threads = \(call.session.threads)")
        return .none
    }

    static let table = Verb(
        "table", summary: "Writes values as one table, in Markdown (`.md`) and CSV (same name, `.csv`); reports become a results table, one row each, with optional stable row ids and the paper's numbers beside ser's.",
        parameters: [
            Parameter("values", .list(.value(ValueType.allCases)), positional: true, doc: "the values, one row (or table) each"),
            Parameter("names", .list(.string), defaultText: "the values' types", doc: "row labels, one per value"),
            Parameter("ids", .list(.string), defaultText: "none", doc: "reports: a stable id per row (first column), for scripts reading the CSV"),
            Parameter("paper", .list(.fraction), defaultText: "none", doc: "reports: the paper's accuracy per row (e.g. 54%), in a column before ser's"),
            Parameter("to", .path, defaultText: "print only", doc: "Markdown file to write; the CSV goes beside it"),
            Parameter("title", .string, defaultText: "none", doc: "title line above the table"),
        ],
        examples: [#"table [r1, r2] names=["EMOVO only", "transfer"] to "figures/table1.md""#,
                   #"table [r1, r2] ids=["emovo", "transfer"] names=["EMOVO only", "transfer learning"] paper=[54%, 60%]"#], result: .table
    ) { call in
        let values = call.list("values").compactMap { b -> Value? in if case .value(let v) = b { v } else { nil } }
        var names = call.has("names") ? call.list("names").compactMap { b -> String? in if case .text(let s) = b { s } else { nil } } : []
        if names.isEmpty { names = values.map { $0.type.rawValue } }
        guard names.count == values.count else {
            throw VerbFailure("\(names.count) names for \(values.count) values", argument: "names")
        }
        let ids = call.has("ids") ? call.list("ids").compactMap { b -> String? in if case .text(let s) = b { s } else { nil } } : nil
        let paper = call.has("paper") ? call.list("paper").compactMap { b -> Double? in if case .number(let v, _) = b { v } else { nil } } : nil
        for (name, list) in [("ids", ids?.count), ("paper", paper?.count)] {
            if let n = list, n != values.count { throw VerbFailure("\(n) \(name) for \(values.count) values", argument: name) }
        }
        if let ids, let dup = ids.enumerated().first(where: { ids[..<$0.offset].contains($0.element) })?.element {
            throw VerbFailure("id '\(dup)' is given twice", argument: "ids")
        }
        var t = try Describe.resultsTable(values, names: names, ids: ids, paper: paper)
        t.title = call.optionalText("title")
        if let path = call.optionalText("to") {
            try writeText(t.markdown() + "\n", to: path, argument: "to")
            let csvPath = replacingExtension(path, with: "csv")
            try writeText(t.csv(), to: csvPath, argument: "to")
            call.print("wrote \(path) and \(csvPath)")
        }
        return call.make(.table(t))
    }

    static let export = Verb(
        "export", summary: "Writes a value to files: features as PREFIX.npy + PREFIX.csv (numpy.load reads the .npy), a table (results, predictions) as Markdown or CSV, a signal as WAV (float) or FLAC (24-bit).",
        parameters: [
            Parameter("value", .value([.features, .table, .signal]), positional: true, doc: "what to write"),
            Parameter("to", .path, positional: true, doc: "features: a prefix; tables: .md or .csv; signals: .wav or .flac"),
        ],
        examples: [#"export feats to "build/features/emovo""#, #"export p to "predictions.csv""#], result: nil
    ) { call in
        let path = call.text("to")
        let ext = fileExtension(path)
        switch call.value("value").payload {
        case .signal(let s):
            let encoding: SoundFile.Encoding
            switch ext {
            case "wav": encoding = .wavFloat
            case "flac": encoding = .flac24
            default: throw VerbFailure("a signal is exported as .wav or .flac, not '.\(ext)'", argument: "to")
            }
            do {
                try Files.makeParentDirectories(of: path)
                try SoundFile.write(s.signal, to: path, encoding: encoding)
            } catch { throw VerbFailure(userMessage(error), argument: "to") }
        case .features(let t):
            var prefix = path
            if ext == "npy" || ext == "csv" { prefix = String(path.dropLast(4)) }
            do {
                try Files.makeParentDirectories(of: prefix)
                try t.write(prefix: prefix)
            } catch { throw VerbFailure(userMessage(error), argument: "to") }
            call.print("wrote \(prefix).npy and \(prefix).csv")
            return .none
        case .table(let t):
            switch ext {
            case "md": try writeText(t.markdown() + "\n", to: path, argument: "to")
            case "csv": try writeText(t.csv(), to: path, argument: "to")
            default: throw VerbFailure("a table is exported as .md or .csv, not .\(ext)", argument: "to")
            }
        default:
            throw VerbFailure("cannot export \(call.value("value").type.withArticle)", argument: "value")
        }
        call.print("wrote \(path)")
        return .none
    }
}

/// The extension of a path, lowercased, without the dot ("" when none).
func fileExtension(_ path: String) -> String {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
    return name[name.index(after: dot)...].lowercased()
}

/// `path` with its extension replaced (or added).
func replacingExtension(_ path: String, with ext: String) -> String {
    let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    if let dot = name.lastIndex(of: "."), dot != name.startIndex {
        return String(path.dropLast(name.distance(from: dot, to: name.endIndex))) + "." + ext
    }
    return path + "." + ext
}

/// Writes text atomically (temporary file + rename), creating missing parent folders.
func writeText(_ text: String, to path: String, argument: String) throws(VerbFailure) {
    do {
        try Files.makeParentDirectories(of: path)
        try AtomicFile.write(Array(text.utf8), to: path)
    } catch {
        throw VerbFailure(error.description, argument: argument)
    }
}
