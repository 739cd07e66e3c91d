import ArgumentParser
import Evaluate
import Features
import Foundation
import Language
import Learn

/// `ser train`: trains a 1-D CNN on a feature table and reports the test result.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a 1-D CNN (the study's cnn1d) on a feature table and test it.",
        discussion: """
        Reads PREFIX.npy + PREFIX.csv (written by `ser features`), takes the class of each row from the CSV \
        column --label, splits the rows (naive: at random, 70 % train / 10 % validation / 20 % test; grouped: \
        by source file), z-scores the features with statistics of the training rows, prints the model's \
        summary, trains with Adam and \
        early stopping on the validation loss (restoring the best epoch), and prints one line per epoch and \
        the test metrics. Same --seed, same --threads → the same weights, bit for bit. Ctrl-C stops training \
        at the next batch and goes on with the best weights so far.

        --out saves the model (architecture, weights, normalization, class names, history) as one \
        safetensors file; `ser evaluate` reads it back.

        Examples:
          ser train --features feats/emovo --label emotion --out models/emovo.safetensors
          ser train --features feats/ravdess --label emotion --epochs 50 --patience 0 --json
          ser train --features feats/emovo --label emotion --from models/ravdess.safetensors --freeze conv
        """
    )

    @Option(help: ArgumentHelp("Feature table prefix: PREFIX.npy and PREFIX.csv.", valueName: "PREFIX"))
    var features: String

    @Option(help: ArgumentHelp("CSV column holding the class of each row (e.g. emotion).", valueName: "COLUMN"))
    var label: String

    @Option(help: ArgumentHelp("'cnn1d' (the study's model) or a JSON model description (input_shape, layers).", valueName: "NAME|FILE"))
    var model: String = "cnn1d"

    @Option(help: ArgumentHelp("Continue from a saved model (fine-tuning); its output layer is replaced when the classes differ.", valueName: "MODEL"))
    var from: String?

    @Option(help: ArgumentHelp("Layers to freeze before training: conv, dense, a layer name or index; repeatable.", valueName: "LAYERS"))
    var freeze: [String] = []

    @Option(help: "Passes over the training rows (at most).")
    var epochs: Int = 200

    @Option(help: "Rows per Adam update.")
    var batch: Int = 32

    @Option(help: "Adam learning rate.")
    var lr: Float = 1e-3

    @Option(help: "Epochs without a lower validation loss before stopping; 0 = no early stopping.")
    var patience: Int = 20

    @Option(help: ArgumentHelp("naive (rows at random, the study's) or grouped (by source file, no leakage).", valueName: "naive|grouped"))
    var split: String = "naive"

    @Option(help: "Seed of the split, the initial weights, shuffling and dropout.")
    var seed: UInt64 = 0

    @Option(help: "Worker threads, each training a shard of every batch (same --threads → same weights; 2 pays on an idle 2-core machine).")
    var threads: Int = 1

    @Option(help: ArgumentHelp("Save the trained model to this file (safetensors).", valueName: "MODEL"))
    var out: String?

    @Flag(help: "End with one JSON line of results on stdout.")
    var json = false

    func run() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive") }
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
        guard lr > 0 else { throw ValidationError("--lr must be positive") }
        guard patience >= 0 else { throw ValidationError("--patience must be 0 or more") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }

        let data = try LabeledTable(prefix: features, column: label)
        let sources = data.table.rows.map { $0.attributes["source"].flatMap { $0.isEmpty ? nil : $0 } ?? $0.file }
        var partition: Split
        switch split {
        case "naive": partition = try Splits.naive(sources: sources, seed: seed)
        case "grouped": partition = try Splits.grouped(sources: sources, seed: seed)
        default: throw ValidationError("unknown split '\(split)' (known: naive, grouped)")
        }
        // Augmented copies (rows of `ser features` on augmented audio) are training data only.
        let augmented = data.table.rows.map { row in
            let a = row.attributes["augmentation"] ?? ""
            return !a.isEmpty && a != "none"
        }
        partition = try partition.trainingOnlyAugmentation(augmented: augmented, sources: sources)
        guard !partition.train.isEmpty, !partition.test.isEmpty else {
            throw CommandFailure("\(data.table.count) rows are too few to split into train and test")
        }

        let net = try makeModel(data: data)
        let zscore = try ZScore.fit(data.table.values, columns: data.table.width, rows: partition.train)
        net.normalization = Normalization(mean: zscore.mean, std: zscore.scale)
        for selector in freeze { try net.freeze(LayerSelector(parsing: selector)) }

        let all = try Dataset(values: data.table.values, labels: data.codes, width: data.table.width)
        let train = all.subset(partition.train), validation = all.subset(partition.validation), test = all.subset(partition.test)
        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = batch
        options.adam.learningRate = lr
        options.patience = patience
        options.seed = seed
        options.threads = threads

        print("\(data.table.count) rows, \(data.classes.count) classes (\(data.classes.names.joined(separator: ", "))); "
              + "\(partition.name) split: \(train.count) train, \(validation.count) validation, \(test.count) test")
        print(net.summary().text)
        let cancellation = Interrupt.install()
        let history = try Trainer.fit(net, train: train, validation: validation.count > 0 ? validation : nil,
                                      options: options, cancellation: cancellation) { record in
            print(EpochLine.format(record, of: epochs))
            fflush(nil)
        }
        Interrupt.uninstall()
        if history.cancelled { print("interrupted: training stopped at epoch \(history.epochs.count)") }
        if history.stoppedEarly { print("early stopping: no lower val_loss for \(patience) epochs") }
        if history.restoredBestWeights, let best = history.bestEpoch, best < history.epochs.count {
            print("restored the weights of epoch \(best) (lowest \(history.monitor))")
        }

        let predicted = try net.predictClasses(test.values)
        let report = try Report(truth: test.labels, predicted: predicted, classes: data.classes)
        print("")
        print("test (\(test.count) rows): " + report.markdown)
        print(report.confusionMarkdown())

        net.metadata = ModelCard.metadata(recipe: data.table.recipe, table: features, label: label, split: partition.name, seed: seed,
                                          trainRows: train.count, validationRows: validation.count, testRows: test.count,
                                          testAccuracy: report.accuracy, testUAR: report.uar)
        if data.table.recipe == nil {
            print("note: \(features).json is missing: the model's card cannot say which features it takes (ser predict will assume the study's)")
        }
        if let out {
            try net.save(to: out)
            print("saved \(out)")
        }
        if json {
            let result = TrainResult(
                test_accuracy: report.accuracy, test_uar: report.uar, test_macro_f1: report.macroF1,
                epochs: history.epochs.count, best_epoch: history.bestEpoch, stopped_early: history.stoppedEarly,
                cancelled: history.cancelled, seconds_per_epoch: history.secondsPerEpoch,
                epoch_seconds: history.epochs.map(\.seconds), epoch_cpu_seconds: history.epochs.map(\.cpuSeconds), train_rows: train.count,
                validation_rows: validation.count, test_rows: test.count, classes: data.classes.names,
                split: partition.name, model: out)
            print(try JSONLine.encode(result))
        }
    }

    /// A new model for the table, or the `--from` model adapted to its classes.
    func makeModel(data: LabeledTable) throws -> Model {
        let classes = data.classes.count
        if let from {
            let net = try Model.load(from: from)
            guard net.inputSize == data.table.width else {
                throw CommandFailure("\(from) takes rows of \(net.inputSize) values, the table has \(data.table.width)")
            }
            if net.labels != data.classes.names {
                try net.replaceOutput(classes: classes, labels: data.classes.names, seed: seed)
            }
            return net
        }
        let spec: ModelSpec
        if model == "cnn1d" {
            spec = .cnn1d(classes: classes, inputLength: data.table.width)
        } else if FileManager.default.fileExists(atPath: model) {
            do {
                spec = try JSONDecoder().decode(ModelSpec.self, from: Data(contentsOf: URL(fileURLWithPath: model)))
            } catch {
                throw CommandFailure("\(model): not a model description: \(error)")
            }
        } else {
            throw ValidationError("unknown model '\(model)' (known: cnn1d, or a JSON model description file)")
        }
        let net = try Model(spec: spec, seed: seed)
        guard net.inputSize == data.table.width else {
            throw CommandFailure("the model takes rows of \(net.inputSize) values, the table has \(data.table.width)")
        }
        guard net.outputSize == classes else {
            throw CommandFailure("the model has \(net.outputSize) outputs, the table \(classes) classes")
        }
        net.labels = data.classes.names
        return net
    }
}

/// A feature table with the class codes of one of its CSV columns.
struct LabeledTable {
    let table: FeatureTable
    let classes: LabelSet
    let codes: [Int]

    /// Reads PREFIX.npy/.csv and the class names in `column`; `classes` given → codes in that class set.
    init(prefix: String, column: String, classes given: LabelSet? = nil) throws {
        table = try FeatureTable.read(prefix: prefix)
        let names: [String]
        switch column {
        case "file": names = table.rows.map(\.file)
        default:
            let columns = table.attributeNames
            guard columns.contains(column) else {
                throw CommandFailure("\(prefix).csv has no column '\(column)' (columns: \((["file"] + columns).joined(separator: ", ")))")
            }
            names = table.rows.map { $0.attributes[column] ?? "" }
        }
        if let empty = names.firstIndex(of: "") {
            throw CommandFailure("\(prefix).csv:\(empty + 2): row \(empty) has no value in column '\(column)'")
        }
        guard table.count > 0 else { throw CommandFailure("\(prefix): the table has no rows") }
        classes = given ?? LabelSet(from: names)
        codes = try classes.encode(names)
    }
}

/// One epoch as `ser train` prints it.
enum EpochLine {
    static func format(_ r: EpochRecord, of total: Int) -> String {
        var s = "epoch \(r.epoch)/\(total)  loss \(fixed(r.loss, 4))  acc \(fixed(r.accuracy, 4))"
        if let v = r.valLoss, let a = r.valAccuracy { s += "  val_loss \(fixed(v, 4))  val_acc \(fixed(a, 4))" }
        return s + "  \(fixed(r.seconds, 2))s"
    }

    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}

/// The `--json` line of `ser train`.
struct TrainResult: Encodable {
    var test_accuracy: Double
    var test_uar: Double
    var test_macro_f1: Double
    var epochs: Int
    var best_epoch: Int?
    var stopped_early: Bool
    var cancelled: Bool
    var seconds_per_epoch: Double
    var epoch_seconds: [Double]
    var epoch_cpu_seconds: [Double]
    var train_rows: Int
    var validation_rows: Int
    var test_rows: Int
    var classes: [String]
    var split: String
    var model: String?
}

enum JSONLine {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Ctrl-C during training: the first SIGINT asks the trainer to stop at its next batch (keeping the best
/// weights); the handler is removed afterwards so a second Ctrl-C ends the process as usual.
enum Interrupt {
    static let flag = CancellationFlag()

    static func install() -> CancellationFlag {
        flag.reset()
        signal(SIGINT) { _ in
            Interrupt.flag.cancel()
            signal(SIGINT, SIG_DFL)
        }
        return flag
    }

    static func uninstall() { signal(SIGINT, SIG_DFL) }
}

/// A failure of a command on its data (not its options): printed as "Error: <description>" without usage.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
