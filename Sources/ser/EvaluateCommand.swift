import ArgumentParser
import Evaluate
import Features
import Foundation
import Learn

/// `ser evaluate`: a saved model's metrics and confusion matrix on a feature table.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Test a saved model on a feature table: accuracy, UAR, macro-F1, per class, confusion matrix.",
        discussion: """
        Runs MODEL (saved by `ser train --out`) on every row of PREFIX.npy, normalized with the statistics \
        saved in the model, and compares its predictions with the classes in the CSV column --label (class \
        names must be among the model's).

        Example:
          ser evaluate models/emovo.safetensors --features feats/emovo-test --label emotion
        """
    )

    @Argument(help: ArgumentHelp("A model saved by `ser train --out`.", valueName: "MODEL"))
    var model: String

    @Option(help: ArgumentHelp("Feature table prefix: PREFIX.npy and PREFIX.csv.", valueName: "PREFIX"))
    var features: String

    @Option(help: ArgumentHelp("CSV column holding the class of each row.", valueName: "COLUMN"))
    var label: String

    @Flag(help: "End with one JSON line of results on stdout.")
    var json = false

    func run() throws {
        let net = try Model.load(from: model)
        guard !net.labels.isEmpty else { throw CommandFailure("\(model) has no class names; it cannot be evaluated on labels") }
        let classes = LabelSet(names: net.labels)
        let data: LabeledTable
        do {
            data = try LabeledTable(prefix: features, column: label, classes: classes)
        } catch let error as EvaluateError {
            throw CommandFailure("\(features).csv: \(error.message) (the model knows: \(net.labels.joined(separator: ", ")))")
        }
        guard net.inputSize == data.table.width else {
            throw CommandFailure("\(model) takes rows of \(net.inputSize) values, \(features).npy has \(data.table.width)")
        }
        let predicted = try net.predictClasses(data.table.values)
        let report = try Report(truth: data.codes, predicted: predicted, classes: classes)
        print("\(model) on \(features) (\(data.table.count) rows): " + report.markdown)
        print(report.confusionMarkdown())
        if json {
            let result = EvaluateResult(
                test_accuracy: report.accuracy, test_uar: report.uar, test_macro_f1: report.macroF1,
                test_rows: data.table.count, classes: classes.names, confusion: report.confusion.counts,
                recall: report.perClass.map(\.recall), precision: report.perClass.map(\.precision), f1: report.perClass.map(\.f1))
            print(try JSONLine.encode(result))
        }
    }
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
