import ArgumentParser
import Notebook

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

    /// The options as Notebook's `StudyFigures`.
    var study: StudyFigures {
        var study = StudyFigures()
        (study.data, study.seeds, study.size, study.epochs, study.patience) = (data, seeds, size, epochs, patience)
        (study.out, study.notebooks, study.cacheFolder) = (out, notebooks, cacheFolder)
        return study
    }

    func validate() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        guard ["small", "full"].contains(size) else { throw ValidationError("--size is small or full, got '\(size)'") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if let patience, patience < 0 { throw ValidationError("--patience must be 0 (never stop early) or more, got \(patience)") }
        if let data, !study.missingCorpora.isEmpty {
            throw ValidationError("--data \(data) must hold EMOVO/, RAVDESS/ and CREMA-D/; missing: " + study.missingCorpora.joined(separator: ", "))
        }
    }

    func run() throws {
        let job: NotebookJob
        do { job = try study.job() } catch {
            Output.message(error.description)
            throw ExitCode(1)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let executed = try NotebookRun.run(job, progress: progress)
        let elapsed = clock.now - start
        let figures = executed.flatMap { $0.results.flatMap(\.output.figures) }
        let hits = executed.reduce(0) { $0 + $1.results.reduce(0) { $0 + $1.output.cacheHits } }
        print("\(figures.count) figures in \(out)/ from \(executed.count) notebooks in "
            + NotebookRun.seconds(Double(elapsed.components.seconds)) + (hits > 0 ? " (\(hits) results from the cache)" : ""))
        let (missing, tables) = study.missing()
        if !missing.isEmpty { Output.message("missing: " + missing.joined(separator: ", ")) }
        if executed.contains(where: \.cancelled) { throw ExitCode(130) }
        if !tables.isEmpty { Output.message("missing: " + tables.joined(separator: ", ")) }
        if executed.contains(where: { !$0.succeeded }) || !missing.isEmpty || !tables.isEmpty { throw ExitCode(1) }
    }
}
