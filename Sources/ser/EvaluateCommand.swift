import ArgumentParser
import Language

/// `ser evaluate`: a saved model's metrics and confusion matrix on a feature table (`EvaluateJob`, the step
/// the `evaluate` verb runs).
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Test a saved model on a feature table: accuracy, UAR, macro-F1, per class, confusion matrix.",
        discussion: """
        Runs MODEL (saved by `ser train --out` or the `save` verb) on every row of PREFIX.npy, normalized with \
        the statistics saved in the model, and compares its predictions with the classes in the CSV column \
        --label (class names must be among the model's).

        Example:
          ser evaluate models/emovo.safetensors --features feats/emovo-test
        """
    )

    @Argument(help: ArgumentHelp("A model saved by `ser train --out`.", valueName: "MODEL"))
    var model: String

    @Option(help: ArgumentHelp("Feature table prefix: PREFIX.npy and PREFIX.csv.", valueName: "PREFIX"))
    var features: String

    @Option(help: ArgumentHelp("CSV column holding the class of each row.", valueName: "COLUMN"))
    var label = TrainOptions().label

    @Flag(help: "End with one JSON line of results on stdout.")
    var json = false

    func run() throws {
        var job = EvaluateJob(model: model, features: features)
        job.label = label
        let line = try Failure.reporting("evaluate") { try job.run { Output.line($0) } }
        if json { Output.line(line) }
    }
}
