import ArgumentParser
import Language

/// `ser train`: trains a 1-D CNN on a feature table and reports the test result (`TrainJob`, the steps the
/// `split`, `train` and `evaluate` verbs run).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a 1-D CNN (cnn1d, ser's reading of the paper's model) on a feature table and test it.",
        discussion: """
        Reads PREFIX.npy + PREFIX.csv (written by `ser features`), takes the class of each row from the CSV \
        column --label, splits the rows (naive: at random, 70 % train / 10 % validation / 20 % test; grouped: \
        by source file), z-scores the features with statistics of the training rows, prints the model's \
        summary, trains with Adam and early stopping on the validation loss (restoring the best epoch), and \
        prints one line per epoch and the test metrics. Same --seed, same --threads → the same weights, bit \
        for bit, and the same as the verbs `split`, `model cnn1d`, `train` with the same seed and threads. \
        Ctrl-C stops training at the next batch and goes on with the best weights so far; a second Ctrl-C \
        ends ser.

        --out saves the model (architecture, weights, normalization, class names, history) as one \
        safetensors file; `ser evaluate` reads it back.

        Examples:
          ser train --features feats/emovo --out models/emovo.safetensors
          ser train --features feats/ravdess --epochs 50 --patience 0 --json
          ser train --features feats/emovo --from models/ravdess.safetensors --freeze conv
        """
    )

    @Option(help: ArgumentHelp("Feature table prefix: PREFIX.npy and PREFIX.csv.", valueName: "PREFIX"))
    var features: String

    @Option(help: ArgumentHelp("CSV column holding the class of each row.", valueName: "COLUMN"))
    var label = TrainOptions().label

    @Option(help: ArgumentHelp("'cnn1d' (ser's reading of the paper's model) or a JSON model description (input_shape, layers).", valueName: "NAME|FILE"))
    var model: String = "cnn1d"

    @Option(help: ArgumentHelp("Continue from a saved model (fine-tuning); its output layer is replaced when the classes differ.", valueName: "MODEL"))
    var from: String?

    @Option(help: ArgumentHelp("Layers to freeze before training: conv, dense, a layer name or index; repeatable.", valueName: "LAYERS"))
    var freeze: [String] = []

    @Option(parsing: .unconditional, help: "Passes over the training rows (at most).")
    var epochs = TrainOptions().epochs

    @Option(parsing: .unconditional, help: "Rows per Adam update.")
    var batch = TrainOptions().batch

    @Option(parsing: .unconditional, help: "Adam learning rate.")
    var lr = TrainOptions().learningRate

    @Option(parsing: .unconditional, help: "Epochs without a lower validation loss before stopping; 0 = no early stopping.")
    var patience = TrainOptions().patience

    @Option(help: ArgumentHelp("naive (rows at random, the paper's) or grouped (by source file, no leakage).", valueName: "naive|grouped"))
    var split: String = "naive"

    @Option(help: "Seed of the split, the initial weights, shuffling and dropout (the session's default).")
    var seed = TrainOptions().seed

    @Option(parsing: .unconditional, help: "Threads, each training a shard of every batch (same --threads → same weights; 2 pays on an idle 2-core machine).")
    var threads = TrainOptions().threads

    @Option(help: ArgumentHelp("Cores the training may use: they run the shards at once, or share each matrix product of a one-shard training (default: every core; changes only the speed, never the weights).", valueName: "N"))
    var cores: Int?

    @Option(help: ArgumentHelp("Save the trained model to this file (safetensors).", valueName: "MODEL"))
    var out: String?

    @Flag(help: "End with one JSON line of results on stdout.")
    var json = false

    func validate() throws {
        if from != nil, model != "cnn1d" { throw ValidationError("--from and --model both name the model: give one") }
        if let cores, !(1...256).contains(cores) { throw ValidationError("--cores must be 1…256, given \(cores)") }
        if from == nil, !freeze.isEmpty { throw ValidationError("--freeze applies to a saved model: give --from") }
    }

    func run() throws {
        var job = TrainJob(features: features)
        if let from {
            job.model = .saved(path: from, freeze: freeze)
        } else if model != "cnn1d" {
            job.model = .description(path: model)
        }
        job.split = split
        job.out = out
        job.options.label = label
        job.options.epochs = epochs
        job.options.batch = batch
        job.options.learningRate = lr
        job.options.patience = patience
        job.options.seed = seed
        job.options.threads = threads
        job.options.workers = cores
        Cancellation.installInterruptHandler(secondInterruptExits: true)
        let outcome = try Failure.reporting("train") {
            try job.run(version: SER.version) { line in Output.line(line) }
        }
        if json { Output.line(outcome.json) }
    }
}
