import ArgumentParser

@main
struct SER: ParsableCommand {
    static let version = "0.1.0"

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
            CacheCommand.self,
            TrainCommand.self,
            EvaluateCommand.self,
            PlotCommand.self,
            DemoCommand.self,
        ],
        defaultSubcommand: ReplCommand.self
    )
}
