import Evaluate
import Features
import Foundation
import Learn
import Support

/// What `ser train` trains from: the study's `cnn1d`, a JSON model description, or a saved model
/// (fine-tuning, with layers frozen first).
public enum ModelSource: Sendable, Equatable {
    case cnn1d
    case description(path: String)
    case saved(path: String, freeze: [String])
}

/// `ser train`'s whole job: read a feature table, split it, train, test, save.
public struct TrainJob: Sendable {
    /// Feature table prefix: PREFIX.npy and PREFIX.csv.
    public var features: String
    public var model: ModelSource = .cnn1d
    /// naive or grouped.
    public var split = "naive"
    public var options = TrainOptions()
    /// Where to save the trained model, if anywhere.
    public var out: String?

    public init(features: String) { self.features = features }

    /// What `run` reports: the lines to print and one JSON line of results.
    public struct Outcome: Sendable {
        public var json: String
    }

    /// Runs the job, reporting each line to print through `emit` (epochs as they finish). Ctrl-C (the
    /// session's `Cancellation.shared`) stops training at the next batch, keeping the best weights.
    public func run(version: String, cancellation: Cancellation = .shared,
                    emit: (String) -> Void) throws(VerbFailure) -> Outcome {
        if let out {
            // Before the work: a folder or an empty path would fail only after training.
            do { try Checkpoint.checkWritable(out, createFolders: true) } catch { throw VerbFailure(userMessage(error), argument: "out") }
        }
        let table: FeatureTable
        do { table = try FeatureTable.read(prefix: features) } catch { throw VerbFailure(userMessage(error), argument: "features") }
        guard table.count > 0 else { throw VerbFailure("\(features): the table has no rows", argument: "features") }
        let (classes, _) = try Pipeline.classCodes(table, label: options.label, argument: "label")
        guard ["naive", "grouped"].contains(split) else {
            throw VerbFailure("unknown split '\(split)' (known: naive, grouped)", argument: "split")
        }
        let part = try Pipeline.split(table, scheme: split, seed: options.seed)
        guard !part.train.isEmpty, !part.test.isEmpty else {
            throw VerbFailure("\(table.count) rows are too few to split into train and test", argument: "features")
        }
        let base = try makeModel(classes: classes, width: table.width)
        emit("\(table.count) rows, \(classes.count) classes (\(classes.names.joined(separator: ", "))); "
             + "\(part.name) split: \(part.train.count) train, \(part.validation.count) validation, \(part.test.count) test")
        emit(base.summary().text)
        let epochs = options.epochs
        let fitted = try Pipeline.fit(base, table: table, train: part.train, validation: part.validation, options: options,
                                      cancellation: cancellation.training) { emit(Pipeline.epochLine($0, of: epochs)) }
        if let note = fitted.note { emit(note) }
        let history = fitted.history, net = fitted.model
        if history.cancelled { emit("interrupted: training stopped at epoch \(history.epochs.count)") }
        if history.stoppedEarly { emit("early stopping: no lower val_loss for \(options.patience) epochs") }
        if history.restoredBestWeights, let best = history.bestEpoch, best < history.epochs.count {
            emit("restored the weights of epoch \(best) (lowest \(history.monitor))")
        }
        let report = try Pipeline.test(net, subset(table, part.test), label: options.label)
        emit("")
        emit("test (\(part.test.count) rows): " + report.markdown)
        emit(report.confusionMarkdown())
        let weightsHash = Self.weightsSHA256(net)
        emit("weights sha256 \(weightsHash)")
        net.metadata = ModelCard.metadata(recipe: table.recipe, table: features, label: options.label, split: part.name,
                                          seed: options.seed, trainRows: part.train.count, validationRows: part.validation.count,
                                          testRows: part.test.count, testAccuracy: report.accuracy, testUAR: report.uar)
        if table.recipe == nil {
            emit("note: \(features).json is missing: the model's card cannot say which features it takes (ser predict will assume the study's)")
        }
        if let out {
            do {
                try Files.makeParentDirectories(of: out)
                try net.save(to: out)
            } catch { throw VerbFailure(userMessage(error), argument: "out") }
            emit("saved \(out)")
        }
        let result = TrainResult(
            test_accuracy: report.accuracy, test_uar: report.uar, test_macro_f1: report.macroF1,
            epochs: history.epochs.count, best_epoch: history.bestEpoch, stopped_early: history.stoppedEarly,
            cancelled: history.cancelled, seconds_per_epoch: history.secondsPerEpoch,
            epoch_seconds: history.epochs.map(\.seconds), epoch_cpu_seconds: history.epochs.map(\.cpuSeconds),
            train_rows: part.train.count, validation_rows: part.validation.count, test_rows: part.test.count,
            classes: classes.names, split: part.name, model: out, weights_sha256: weightsHash,
            confusion: report.confusion.counts)
        return Outcome(json: try Pipeline.jsonLine(result))
    }

    /// SHA-256 of the model's weights (float32, little-endian, layer by layer as in `flatWeights`): the same
    /// on every machine for the same seed and thread count (docs/parity-and-benchmarks.md#reproducibility).
    static func weightsSHA256(_ model: Model) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(model.parameterCount * 4)
        for w in model.flatWeights { withUnsafeBytes(of: w.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return ContentHash(of: bytes).hex
    }

    /// A new model for the table, or the saved one with layers frozen (its output layer is replaced in
    /// `Pipeline.fit` when its classes differ).
    func makeModel(classes: LabelSet, width: Int) throws(VerbFailure) -> Model {
        let net: Model
        switch model {
        case .saved(let path, let freeze):
            do { net = try Model.load(from: path) } catch { throw VerbFailure(userMessage(error), argument: "from") }
            guard net.inputSize == width else {
                throw VerbFailure("\(path) takes rows of \(net.inputSize) values, the table has \(width)", argument: "from")
            }
            for selector in freeze {
                do { try net.freeze(LayerSelector(parsing: selector)) } catch { throw VerbFailure(error.message, argument: "freeze") }
            }
            return net
        case .cnn1d:
            do { net = try Model(spec: .cnn1d(classes: classes.count, inputLength: width), seed: options.seed) } catch {
                throw VerbFailure(error.message, argument: "model")
            }
        case .description(let path):
            let bytes: [UInt8]
            do { bytes = try Files.readRegularFile(path, maxBytes: 16 << 20) } catch {
                throw VerbFailure("\(path): cannot read the model description: \(error.message)", argument: "model")
            }
            let spec: ModelSpec
            do { spec = try JSONDecoder().decode(ModelSpec.self, from: Data(bytes)) } catch {
                throw VerbFailure("\(path): not a model description: \(userMessage(error))", argument: "model")
            }
            do { net = try Model(spec: spec, seed: options.seed) } catch { throw VerbFailure(error.message, argument: "model") }
        }
        guard net.inputSize == width else {
            throw VerbFailure("the model takes rows of \(net.inputSize) values, the table has \(width)", argument: "model")
        }
        guard net.outputSize == classes.count else {
            throw VerbFailure("the model has \(net.outputSize) outputs, the table \(classes.count) classes", argument: "model")
        }
        return net
    }
}

/// `ser evaluate`'s job: a saved model's report on every row of a feature table.
public struct EvaluateJob: Sendable {
    public var model: String
    public var features: String
    public var label = "emotion"

    public init(model: String, features: String) {
        self.model = model
        self.features = features
    }

    /// Runs the job, reporting the lines to print through `emit`; returns one JSON line of results.
    public func run(emit: (String) -> Void) throws(VerbFailure) -> String {
        let net: Model
        do { net = try Model.load(from: model) } catch { throw VerbFailure(userMessage(error), argument: "model") }
        let table: FeatureTable
        do { table = try FeatureTable.read(prefix: features) } catch { throw VerbFailure(userMessage(error), argument: "features") }
        let report = try Pipeline.test(net, table, label: label)
        emit("\(model) on \(features) (\(table.count) rows): " + report.markdown)
        emit(report.confusionMarkdown())
        let result = EvaluateResult(
            test_accuracy: report.accuracy, test_uar: report.uar, test_macro_f1: report.macroF1,
            test_rows: table.count, classes: report.classes.names, confusion: report.confusion.counts,
            recall: report.perClass.map(\.recall), precision: report.perClass.map(\.precision), f1: report.perClass.map(\.f1))
        return try Pipeline.jsonLine(result)
    }
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
    /// SHA-256 of the trained weights: compare it across machines.
    var weights_sha256: String
    /// Test confusion matrix, row-major counts, true class along rows (as `ser evaluate`'s).
    var confusion: [Int]
}

/// The `--json` line of `ser evaluate`.
struct EvaluateResult: Encodable {
    var test_accuracy: Double
    var test_uar: Double
    var test_macro_f1: Double
    var test_rows: Int
    var classes: [String]
    /// Row-major counts, true class along rows.
    var confusion: [Int]
    var recall: [Double]
    var precision: [Double]
    var f1: [Double]
}
