import ArgumentParser
import Language
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ser demo emovo|ravdess|cremad`: synthesise a demo corpus with espeak-ng.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Synthesize a demo corpus: a synthetic stand-in for EMOVO, RAVDESS or CREMA-D.",
        discussion: """
        Speaks the corpus's sentences with espeak-ng in exactly its folder layout and file naming, with \
        emotions rendered through prosody and voice quality. These are NOT the real recordings: use them to \
        try ser before downloading the corpora. Same seed and size → identical files.
        """
    )

    enum Name: String, ExpressibleByArgument, CaseIterable {
        case emovo, ravdess, cremad
    }

    @Argument(help: "Which corpus to imitate: emovo, ravdess or cremad.")
    var corpus: Name

    @Option(help: "Folder to write (default: data/demo/<corpus>).")
    var out: String?

    @Option(help: "Seed for every random choice (the session's default).")
    var seed = DemoJob(corpus: "emovo").seed

    @Option(help: ArgumentHelp("small (a few speakers and sentences, for quick runs) or full (the corpus's design).", valueName: "small|full"))
    var size = "full"

    @Option(name: [.customLong("threads"), .customLong("jobs")], help: "Files synthesized in parallel (--jobs is the older name).")
    var threads = DemoJob(corpus: "emovo").threads

    func run() throws {
        var job = DemoJob(corpus: corpus.rawValue)
        job.out = out
        job.seed = seed
        job.size = size
        job.threads = threads
        let name = corpus.rawValue
        var progress: (@Sendable (Int, Int) -> Void)?
        if Output.isTerminal {
            progress = { done, total in
                guard done == total || done % 10 == 0 else { return }
                let text = "synthesizing \(name): \(done)/\(total) files"
                if done == total { Output.clearProgress(); Output.message(text) } else { Output.progress(text) }
            }
        }
        let lines = try Failure.reporting("demo") { try job.run(progress: progress) }
        for line in lines { Output.line(line) }
    }
}
