import ArgumentParser
import Notebook

import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ser figures`: runs the study's notebooks headlessly and regenerates every figure and Table 1.
struct FiguresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figures",
        abstract: "Regenerate the paper's figures (fig1 … fig8) and Table 1 by running the study's notebooks.",
        discussion: """
        Runs notebooks/01-*.md … 06-*.md in order (each in its own session, sharing the value cache) and \
        writes figures/fig1-*.png … fig8-*.png under the paper's figure numbers, figures/table1.md, .csv and \
        .png (the paper's number beside ser's on every row), and ser's own extras to figures/extra/; the \
        executed notebooks go to build/notebooks/. When stdout is not a terminal, one line is printed as each \
        cell starts and ends (--progress). Ctrl-C stops at the next batch and exits with status 130. With \
        --data DIR holding EMOVO/, RAVDESS/ and CREMA-D/ the \
        real corpora are used; without it demo corpora are synthesized (once; the cache keeps them) and every \
        figure title says "demo corpus". A second run with nothing changed is served from the cache.
        """
    )

    @Option(help: ArgumentHelp("Folder holding EMOVO/, RAVDESS/ and CREMA-D/ (default: demo corpora).", valueName: "dir"))
    var data: String?

    @Option(help: "Seeds to repeat each Table 1 experiment over (mean ± std).")
    var seeds = 3

    @Option(help: "Demo corpus size: small (fast) or full.")
    var size = "full"

    @Option(help: "Maximum training epochs (default: the notebooks' 200, the paper's; early stopping usually ends sooner).")
    var epochs: Int?

    @Option(help: "Epochs without a lower validation loss before training stops (default: the notebooks' 20, ser's choice).")
    var patience: Int?

    @Option(help: ArgumentHelp("Where figures and Table 1 go.", valueName: "dir"))
    var out = "figures"

    @Option(help: ArgumentHelp("Folder of the study's notebooks.", valueName: "dir"))
    var notebooks = "notebooks"

    @Option(name: .customLong("cache"), help: ArgumentHelp("The value cache folder.", valueName: "dir"))
    var cacheFolder = ".ser-cache"

    @Option(help: ArgumentHelp("Progress: auto (a line in place on a terminal, plain lines otherwise), plain or none.",
                               valueName: "mode"))
    var progress: ProgressMode = .auto

    func validate() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        guard ["small", "full"].contains(size) else { throw ValidationError("--size is small or full, got '\(size)'") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if let patience, patience < 0 { throw ValidationError("--patience must be 0 (never stop early) or more, got \(patience)") }
        if let data {
            let missing = ["EMOVO", "RAVDESS", "CREMA-D"].filter { !isFolder(data + "/" + $0) }
            guard missing.isEmpty else {
                throw ValidationError("--data \(data) must hold EMOVO/, RAVDESS/ and CREMA-D/; missing: "
                    + missing.map { "\($0)/" }.joined(separator: ", "))
            }
        }
    }

    func run() throws {
        // The study is notebooks 01–06 (00 is the tour; later ones are not the paper's).
        let study = Set((1...6).map { "0\($0)-" })
        let paths = (Files.entries(notebooks, hidden: true) ?? [])
            .filter { $0.hasSuffix(".md") && study.contains(String($0.prefix(3))) }
            .map { notebooks + "/" + $0 }
        guard !paths.isEmpty else {
            Output.message("\(notebooks): error: no study notebooks (01-*.md … 06-*.md) in this folder")
            throw ExitCode(1)
        }
        var parameters = ["figures=\(out)", "seeds=" + (1...seeds).map(String.init).joined(separator: ","), "size=\(size)"]
        if let data { parameters.append("data=\(data)") }
        if let epochs { parameters.append("epochs=\(epochs)") }
        if let patience { parameters.append("patience=\(patience)") }
        // Only pass what the notebooks declare.
        let declared = Set(paths.compactMap { try? Notebook(contentsOf: $0) }.flatMap(\.parameters).map(\.name))
        parameters = parameters.filter { declared.contains(String($0.prefix { $0 != "=" })) }

        let clock = ContinuousClock()
        let start = clock.now
        var options = RunOptions()
        options.outputFolder = "build/notebooks"
        let executed = try NotebookRun.run(paths: paths, parameters: parameters, options: options, cacheFolder: cacheFolder,
                                           progress: progress)
        let elapsed = clock.now - start
        let figures = executed.flatMap { $0.results.flatMap(\.output.figures) }
        let hits = executed.reduce(0) { $0 + $1.results.reduce(0) { $0 + $1.output.cacheHits } }
        print("\(figures.count) figures in \(out)/ from \(executed.count) notebooks in "
            + NotebookRun.seconds(Double(elapsed.components.seconds)) + (hits > 0 ? " (\(hits) results from the cache)" : ""))
        let names = Files.entries(out, hidden: true) ?? []
        let missing = (1...8).filter { n in !names.contains { $0.hasPrefix("fig\(n)-") && $0.hasSuffix(".png") } }
        if !missing.isEmpty {
            Output.message("missing: " + missing.map { "fig\($0)-*.png" }.joined(separator: ", "))
        }
        let tables = ["table1.md", "table1.csv", "table1.png"].filter { !names.contains($0) }
            + ((Files.entries(out + "/extra", hidden: true) ?? []).contains("table-extras.md") ? [] : ["extra/table-extras.md"])
        if executed.contains(where: \.cancelled) { throw ExitCode(130) }
        if !tables.isEmpty { Output.message("missing: " + tables.joined(separator: ", ")) }
        if executed.contains(where: { !$0.succeeded }) || !missing.isEmpty || !tables.isEmpty { throw ExitCode(1) }
    }
}

func isFolder(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
}
