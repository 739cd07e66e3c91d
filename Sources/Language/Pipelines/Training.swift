import Evaluate
import Features
import Foundation
import Learn
import Support

/// The options of training, shared by `ser train` and the `train`, `crossval` and `repeat` verbs: one
/// set of names and defaults (the verbs bind `epochs=`, `batch=`, `lr=`, `patience=`, `label=`, `seed=`,
/// `threads=`; `ser train` parses `--epochs`, `--batch`, `--lr`, `--patience`, `--label`, `--seed`,
/// `--threads`).
public struct TrainOptions: Sendable, Equatable {
    /// The column holding each row's class.
    public var label = "emotion"
    /// Passes over the training rows (at most).
    public var epochs = 200
    /// Rows per Adam update.
    public var batch = 32
    /// Adam's learning rate.
    public var learningRate = 0.001
    /// Epochs without a lower validation loss before stopping; 0 = never.
    public var patience = 20
    /// Seed of the split, the initial weights, shuffling and dropout (the session's default seed).
    public var seed: UInt64 = Session.defaultSeed
    /// Shards of every batch, each trained on its own thread when the cores are free; the same threads give the
    /// same weights. Never taken from the machine (its cores) or the session, so that no result depends on them.
    public var threads = 1
    /// At most this many OS threads run one training's shards, or share each product of a lone one-shard training
    /// (the session's `threads`); nil: as many as shards, and every core. Changes only the speed.
    public var workers: Int? = nil

    public init() {}

    /// Learn's options, after checking the ranges.
    func trainingOptions() throws(VerbFailure) -> TrainingOptions {
        guard epochs >= 1 else { throw VerbFailure("epochs must be at least 1, given \(epochs)", argument: "epochs") }
        guard batch >= 1 else { throw VerbFailure("batch must be at least 1, given \(batch)", argument: "batch") }
        guard learningRate > 0, learningRate < 10 else {
            throw VerbFailure("learning rate must be positive, given \(learningRate)", argument: "lr")
        }
        guard patience >= 0 else { throw VerbFailure("patience must be 0 or more, given \(patience)", argument: "patience") }
        guard (1...256).contains(threads) else { throw VerbFailure("threads must be 1…256, given \(threads)", argument: "threads") }
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = batch
        o.adam.learningRate = Float(learningRate)
        o.patience = patience
        o.seed = seed
        o.threads = threads
        if let workers, workers < threads { o.shardWorkers = max(1, workers) }
        o.cores = workers
        return o
    }
}

/// The steps of corpus → features → split → train → test → report that both front-ends run. The verbs call
/// the steps one at a time; `ser train` and `ser evaluate` call `train(features:…)` and
/// `evaluate(model:…)`, which chain the same steps.
public enum Pipeline {
    // MARK: split

    /// A naive (windows at random) or grouped (by source file) split of a table's rows. Augmented copies train
    /// only: the originals are split first and a copy joins training only when none of its audio is on the
    /// validation or test side (by source span for naive, by file for grouped; `Splits.naive(origins:)`).
    static func split(_ table: FeatureTable, scheme: String, fractions: Fractions = .study, stratify labels: [Int]? = nil,
                      seed: UInt64) throws(VerbFailure) -> Split {
        let src = sources(of: table)
        let origins = try origins(of: table, argument: "split")
        do {
            if scheme != "grouped", let origins {
                return try Splits.naive(origins: origins, stratifyBy: labels, fractions: fractions, seed: seed)
            }
            var split = scheme == "grouped"
                ? try Splits.grouped(sources: src, stratifyBy: labels, fractions: fractions, seed: seed)
                : try Splits.naive(sources: src, stratifyBy: labels, fractions: fractions, seed: seed)
            if let origins { split = try split.placingAugmented(origins: origins) }
            return split
        } catch { throw VerbFailure(error.message, argument: "split") }
    }

    // MARK: train

    /// A trained copy of `base` and its history.
    struct Fitted {
        var model: Model
        var history: TrainingHistory
        /// "new output layer for …" when the output layer was replaced.
        var note: String?
    }

    /// Trains a copy of `base` on the `train` rows of `table`, z-scored with their statistics, early-stopping
    /// on the `validation` rows. A model with other class names gets a new output layer for the table's
    /// classes (fine-tuning); an untrained one takes the table's class names. `onEpoch` sees every epoch.
    static func fit(_ base: Model, table: FeatureTable, train: [Int], validation: [Int], options: TrainOptions,
                    cancellation: CancellationFlag, onEpoch: (EpochRecord) -> Void = { _ in }) throws(VerbFailure) -> Fitted {
        let (classes, all) = try labelled(table, label: options.label, argument: "split")
        guard !train.isEmpty else { throw VerbFailure("the training part is empty", argument: "split") }
        let model = base.copy()
        var note: String?
        if model.labels != classes.names {
            if model.labels.isEmpty && model.outputSize == classes.count {
                model.labels = classes.names
            } else if !model.labels.isEmpty {
                do { try model.replaceOutput(classes: classes.count, labels: classes.names, seed: options.seed) } catch {
                    throw VerbFailure(error.message, argument: "model")
                }
                note = "new output layer for \(classes.count) classes (\(classes.names.joined(separator: ", ")))"
            } else {
                throw VerbFailure("the model has \(model.outputSize) outputs but the table has \(classes.count) classes (\(classes.names.joined(separator: ", ")))", argument: "model")
            }
        }
        guard model.inputSize == table.width else {
            throw VerbFailure("the model takes rows of \(model.inputSize) values, the table has \(table.width)", argument: "model")
        }
        do {
            let z = try ZScore.fit(table.values, columns: table.width, rows: train)
            model.normalization = Normalization(mean: z.mean, std: z.scale)
        } catch { throw VerbFailure(error.message, argument: "split") }
        let learn = try options.trainingOptions()
        let validationRows = all.subset(validation)
        do {
            let history = try Trainer.fit(model, train: all.subset(train), validation: validationRows.count > 0 ? validationRows : nil,
                                          options: learn, cancellation: cancellation, onEpoch: onEpoch)
            return Fitted(model: model, history: history, note: note)
        } catch { throw VerbFailure(error.message) }
    }

    // MARK: test

    /// The report of `model` on every row of `table`, classes from the column `label` (names must be among
    /// the model's).
    static func test(_ model: Model, _ table: FeatureTable, label: String) throws(VerbFailure) -> Report {
        guard !model.labels.isEmpty else { throw VerbFailure("the model has no class names: train it first", argument: "model") }
        guard table.count > 0 else { throw VerbFailure("no rows to test on", argument: "rows") }
        guard model.inputSize == table.width else {
            throw VerbFailure("the model takes rows of \(model.inputSize) values, the table has \(table.width)", argument: "rows")
        }
        let names = try column(label, of: table, argument: "rows")
        let classes = LabelSet(names: model.labels)
        let truth: [Int]
        do { truth = try classes.encode(names) } catch {
            throw VerbFailure("\(error.message) (the model knows \(model.labels.joined(separator: ", ")))", argument: "rows")
        }
        do {
            let predicted = try model.copy().predictClasses(table.values)
            return try Report(truth: truth, predicted: predicted, classes: classes)
        } catch { throw VerbFailure(userMessage(error)) }
    }

    // MARK: helpers

    static func labelled(_ table: FeatureTable, label: String, argument: String) throws(VerbFailure) -> (LabelSet, Dataset) {
        let (classes, codes) = try classCodes(table, label: label, argument: argument)
        guard classes.count >= 2 else {
            throw VerbFailure("column '\(label)' has \(classes.count) class\(classes.count == 1 ? "" : "es"); training needs at least 2", argument: argument)
        }
        do { return (classes, try Dataset(values: table.values, labels: codes, width: table.width)) } catch {
            throw VerbFailure(error.message, argument: argument)
        }
    }

    static func classCodes(_ table: FeatureTable, label: String, argument: String) throws(VerbFailure) -> (classes: LabelSet, codes: [Int]) {
        let names = try column(label, of: table, argument: argument)
        if let empty = names.firstIndex(of: "") {
            throw VerbFailure("row \(empty) has no value in column '\(label)'", argument: argument)
        }
        let classes = LabelSet(from: names)
        do { return (classes, try classes.encode(names)) } catch { throw VerbFailure(error.message, argument: argument) }
    }

    /// "epoch 3/200  loss 1.2345  acc 0.4000  val_loss …  0.12s": one epoch as `ser train` prints it.
    public static func epochLine(_ r: EpochRecord, of total: Int) -> String {
        var s = "epoch \(r.epoch)/\(total)  loss \(fixed(r.loss, 4))  acc \(fixed(r.accuracy, 4))"
        if let v = r.valLoss, let a = r.valAccuracy { s += "  val_loss \(fixed(v, 4))  val_acc \(fixed(a, 4))" }
        return s + "  \(fixed(r.seconds, 2))s"
    }

    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    /// One JSON line with sorted keys and unescaped slashes.
    static func jsonLine(_ value: some Encodable) throws(VerbFailure) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch {
            throw VerbFailure("cannot encode the results: \(userMessage(error))")
        }
    }
}
