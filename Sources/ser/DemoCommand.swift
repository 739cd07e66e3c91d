import ArgumentParser
import Corpus
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DemoSize: ExpressibleByArgument {}

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

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 1

    @Option(help: "small (a few speakers and sentences, for quick runs) or full (the corpus's design).")
    var size: DemoSize = .full

    @Option(help: "Files synthesized in parallel.")
    var jobs: Int = 2

    func run() throws {
        let layout = Layout(rawValue: corpus.rawValue)!
        let folder = out ?? "data/demo/\(corpus.rawValue)"
        let tty = isatty(2) != 0
        let name = layout.rawValue
        var progress: (@Sendable (Int, Int) -> Void)?
        if tty {
            progress = { done, total in
                guard done == total || done % 10 == 0 else { return }
                let line = "\rsynthesizing \(name): \(done)/\(total) files" + (done == total ? "\n" : "")
                _ = line.withCString { write(2, $0, strlen($0)) }
            }
        }
        let start = ContinuousClock.now
        let result = try DemoCorpus.synthesize(layout, into: folder, seed: seed, size: size, jobs: max(1, jobs),
                                               progress: progress)
        let tenths = (ContinuousClock.now - start) / .milliseconds(100)
        print("wrote \(result.files.count) files to \(folder) in \(Int(tenths) / 10).\(Int(tenths) % 10) s")
        print("SYNTHETIC stand-in for \(layout): espeak-ng voices, not the real recordings.")
        for w in result.warnings { print("note: \(w)") }
        print()
        print(result.summary.text, terminator: "")
    }
}
