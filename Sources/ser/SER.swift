import ArgumentParser
import Support

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

@main
struct SER: ParsableCommand {
    static let version = "0.1.0"

    /// stdout is line-buffered even in a pipe or a file, so a log shows each line as it is printed; large
    /// freed buffers stay in the heap for the next file (`Memory.keepLargeBuffersInHeap`).
    static func main() {
        setvbuf(stdout, nil, _IOLBF, 0)
        Memory.keepLargeBuffersInHeap()
        main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "ser",
        abstract: "Speech emotion recognition: reproduce the EMOVO CNN study step by step.",
        discussion: """
        ser reads speech corpora, computes librosa-compatible features, trains 1-D CNNs and draws the \
        study's figures. See README.md and docs/.
        """,
        version: version,
        subcommands: [
            // one subcommand a line, in the order `ser --help` lists them
            ReplCommand.self,
            ExecCommand.self,
            FeaturesCommand.self,
            AugmentCommand.self,
            RunCommand.self,
            FiguresCommand.self,
            ExportCommand.self,
            ImportCommand.self,
            CacheCommand.self,
            TrainCommand.self,
            EvaluateCommand.self,
            PredictCommand.self,
            PlotCommand.self,
            DemoCommand.self,
        ],
        defaultSubcommand: ReplCommand.self
    )
}
