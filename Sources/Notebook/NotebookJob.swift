import Language
import Support
import Synchronization

/// What `ser run` and `ser figures` run: notebooks read from files, `--param name=value` overrides checked
/// against them, each notebook run in its own session on the disk cache, the executed notebooks written,
/// and each also exported to the formats asked for. The command parses its arguments into one and prints
/// what comes back.
public struct NotebookJob {
    /// The notebooks (.md), in order.
    public var paths: [String]
    /// `--param` overrides as typed: `name=value`.
    public var parameters: [String]
    /// `--from`, `--only`, `--keep-going`, the cache switch, the output folder.
    public var options: RunOptions
    /// The value cache folder (default `.ser-cache`).
    public var cacheFolder = ".ser-cache"
    /// Also write each executed notebook as these (`--to ipynb`, `--to html`).
    public var formats: [ExportFormat] = []

    public init(paths: [String], parameters: [String] = [], options: RunOptions = RunOptions()) {
        self.paths = paths
        self.parameters = parameters
        self.options = options
    }

    /// One notebook's run: its executed form, the files it was exported to, and the exports that failed.
    public struct Outcome {
        public var executed: ExecutedNotebook
        public var exported: [String] = []
        public var exportFailures: [String] = []
    }

    /// Reads every notebook and checks every override before the first cell runs (a `NotebookError` names
    /// the file and line), then runs them. `onEvent` gets the progress of cells; `onCacheWarning` gets each
    /// warning about the cache once (a damaged entry, recomputed and replaced), prefixed with the notebook
    /// and the cell that met it: `notebooks/02.md:41: cell 3 [train-emovo]: warning: .ser-cache/…:
    /// damaged cache entry (payload checksum mismatch); recomputed and replaced` (the executed notebook keeps it too).
    /// Ctrl-C stops at the next batch and the executed notebooks are still written; a second ends ser.
    public func run(onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in },
                    onCacheWarning: @escaping @Sendable (String) -> Void = { _ in }) throws -> [Outcome] {
        var options = options
        options.overrides += try parameters.map { text throws(NotebookError) in try ParameterOverride(parsing: text) }
        let notebooks = try paths.map { path throws(NotebookError) in try Notebook(contentsOf: path) }
        let cell = Mutex<String>("")
        let cacheFolder = self.cacheFolder
        let runner = NotebookRunner(
            makeSession: {
                let session = LanguageNotebookSession(cache: DiskCache(folder: cacheFolder))
                session.onCacheWarning = { warning in onCacheWarning(cell.withLock { $0 } + warning) }
                return session
            },
            onEvent: { event in
                if case .cellStarted(let notebook, let started, _, _) = event {
                    cell.withLock { $0 = "\(notebook):\(started.fenceLine): \(started.title): " }
                }
                onEvent(event)
            }
        )
        Cancellation.installInterruptHandler(secondInterruptExits: true)
        return try runner.run(notebooks, options: options).map { executed in
            var outcome = Outcome(executed: executed)
            for format in formats {
                do { outcome.exported.append(try NotebookExport.write(executed, as: format)) } catch {
                    outcome.exportFailures.append(userMessage(error))
                }
            }
            return outcome
        }
    }

    /// `--list-params`: each notebook's parameters with type, default and meaning, one text per notebook.
    public static func parameterListings(paths: [String]) throws(NotebookError) -> [String] {
        try paths.map { path throws(NotebookError) in ParameterListing(try Notebook(contentsOf: path)).text }
    }
}

/// `ser figures`: the study's notebooks (01-*.md … 06-*.md of a folder; 00 is the tour, later ones are not the
/// paper's) run with the options the command gives, and what a finished run must have made: fig1-*.png …
/// fig8-*.png, Table 1 (.md, .csv, .png) and `extra/table-extras.md` in the figures folder.
public struct StudyFigures {
    /// Folder holding EMOVO/, RAVDESS/ and CREMA-D/; nil: demo corpora.
    public var data: String?
    /// Seeds each Table 1 experiment is repeated over (`seeds=1,2,…`).
    public var seeds = 3
    /// Demo corpus size: small or full.
    public var size = "full"
    /// Maximum epochs and patience; nil: the notebooks' own.
    public var epochs: Int?
    public var patience: Int?
    /// Where figures and Table 1 go.
    public var out = "figures"
    /// The folder of the study's notebooks.
    public var notebooks = "notebooks"
    /// The value cache folder.
    public var cacheFolder = ".ser-cache"

    public init() {}

    /// The corpora `data` lacks (`EMOVO/`, …); empty when it has them all or is nil.
    public var missingCorpora: [String] {
        guard let data else { return [] }
        return ["EMOVO", "RAVDESS", "CREMA-D"].filter { !Files.isDirectory(data + "/" + $0) }.map { $0 + "/" }
    }

    /// The run: the study notebooks in order, with only the parameters they declare; executed notebooks to
    /// build/notebooks/. Throws when the folder holds no study notebook.
    public func job() throws(NotebookError) -> NotebookJob {
        let study = Set((1...6).map { "0\($0)-" })
        let paths = (Files.entries(notebooks, hidden: true) ?? [])
            .filter { $0.hasSuffix(".md") && study.contains(String($0.prefix(3))) }
            .map { notebooks + "/" + $0 }
        guard !paths.isEmpty else { throw NotebookError(.io, file: notebooks, "no study notebooks (01-*.md … 06-*.md) in this folder") }
        var parameters = ["figures=\(out)", "seeds=" + (1...max(1, seeds)).map(String.init).joined(separator: ","), "size=\(size)"]
        if let data { parameters.append("data=\(data)") }
        if let epochs { parameters.append("epochs=\(epochs)") }
        if let patience { parameters.append("patience=\(patience)") }
        let declared = Set(paths.compactMap { try? Notebook(contentsOf: $0) }.flatMap(\.parameters).map(\.name))
        parameters = parameters.filter { declared.contains(String($0.prefix { $0 != "=" })) }
        var options = RunOptions()
        options.outputFolder = "build/notebooks"
        var job = NotebookJob(paths: paths, parameters: parameters, options: options)
        job.cacheFolder = cacheFolder
        return job
    }

    /// What the run should have made but `out` lacks: the paper's figures (`fig3-*.png`) and the tables.
    public func missing() -> (figures: [String], tables: [String]) {
        let names = Files.entries(out, hidden: true) ?? []
        let figures = (1...8).filter { n in !names.contains { $0.hasPrefix("fig\(n)-") && $0.hasSuffix(".png") } }.map { "fig\($0)-*.png" }
        let tables = ["table1.md", "table1.csv", "table1.png"].filter { !names.contains($0) }
            + ((Files.entries(out + "/extra", hidden: true) ?? []).contains("table-extras.md") ? [] : ["extra/table-extras.md"])
        return (figures, tables)
    }
}
