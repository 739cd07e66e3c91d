import Evaluate
import Foundation
import Support
import Testing

private struct MetricsFixture: Decodable {
    struct Case: Decodable {
        var name: String
        var classes: Int
        var truth: [Int]
        var predicted: [Int]
        var accuracy: Double
        var uar: Double
        var macro_f1: Double
        var precision: [Double]
        var recall: [Double]
        var f1: [Double]
        var support: [Int]
        var confusion: [Int]
        var confusion_normalized: [Double]
    }
    var cases: [Case]
}

private struct ScalerFixture: Decodable {
    var rows: Int
    var columns: Int
    var values: [Float]
    var train: [Int]
    var mean: [Double]
    var scale: [Double]
    var transformed: [Float]
}

private func fixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

private let metricCases = (try? fixture("metrics", as: MetricsFixture.self).cases) ?? []

@Suite struct MetricsTests {
    @Test func fixturesLoaded() {
        #expect(metricCases.count == 5)
    }

    @Test(arguments: metricCases.map(\.name))
    func matchesScikitLearn(_ name: String) throws {
        let c = try #require(metricCases.first { $0.name == name })
        let classes = LabelSet(names: (0..<c.classes).map { "c\($0)" })
        let r = try Report(truth: c.truth, predicted: c.predicted, classes: classes)
        #expect(abs(r.accuracy - c.accuracy) < 1e-12)
        #expect(abs(r.uar - c.uar) < 1e-12)
        #expect(abs(r.macroF1 - c.macro_f1) < 1e-12)
        for k in 0..<c.classes {
            #expect(abs(r.perClass[k].precision - c.precision[k]) < 1e-12, "precision of class \(k)")
            #expect(abs(r.perClass[k].recall - c.recall[k]) < 1e-12, "recall of class \(k)")
            #expect(abs(r.perClass[k].f1 - c.f1[k]) < 1e-12, "F1 of class \(k)")
            #expect(r.perClass[k].support == c.support[k])
        }
        #expect(r.confusion.counts == c.confusion)
        for (a, b) in zip(r.confusion.rowNormalized, c.confusion_normalized) { #expect(abs(a - b) < 1e-12) }
    }

    @Test func stringLabels() throws {
        let r = try Report(truth: ["anger", "fear", "fear", "neutral"], predicted: ["anger", "fear", "neutral", "neutral"])
        #expect(r.classes.names == ["anger", "fear", "neutral"])
        #expect(r.accuracy == 0.75)
        #expect(r.confusion[1, 2] == 1)
        #expect(abs(r.uar - (1 + 0.5 + 1) / 3) < 1e-12)
        #expect(r.markdown.contains("| fear | 1.000 | 0.500 | 0.667 | 2 |"))
        #expect(r.confusionMarkdown(normalized: true).contains("| fear | 0.00 | 0.50 | 0.50 |"))
    }

    @Test func badInputIsRejected() {
        let set = LabelSet(names: ["a", "b"])
        #expect(throws: EvaluateError.self) { try Report(truth: [0, 1], predicted: [0], classes: set) }
        #expect(throws: EvaluateError.self) { try Report(truth: [0, 2], predicted: [0, 1], classes: set) }
        #expect(throws: EvaluateError.self) { try Report(truth: ["a", "zzz"], predicted: ["a", "b"], classes: set) }
    }

    @Test func aggregateIsMeanAndPopulationStd() throws {
        let set = LabelSet(names: ["a", "b"])
        let r1 = try Report(truth: [0, 0, 1, 1], predicted: [0, 0, 1, 1], classes: set)  // accuracy 1
        let r2 = try Report(truth: [0, 0, 1, 1], predicted: [0, 1, 0, 1], classes: set)  // accuracy 0.5
        let a = try Aggregate([r1, r2])
        #expect(a.accuracy.mean == 0.75)
        #expect(a.accuracy.std == 0.25)
        #expect(try Aggregate([r1, r2], sample: true).accuracy.std == (0.125).squareRoot())
        #expect(a.confusion.counts == [3, 1, 1, 3])
        #expect(a.accuracy.description == "0.750 ± 0.250")
        #expect(a.markdown.contains("(2 reports)"))
    }

    @Test func zScoreMatchesStandardScaler() throws {
        let f = try fixture("scaler", as: ScalerFixture.self)
        let z = try ZScore.fit(f.values, columns: f.columns, rows: f.train)
        for c in 0..<f.columns {
            #expect(abs(Double(z.mean[c]) - f.mean[c]) <= 1e-6 * max(1, abs(f.mean[c])), "mean of column \(c)")
            #expect(abs(Double(z.scale[c]) - f.scale[c]) <= 1e-6 * max(1, abs(f.scale[c])), "scale of column \(c)")
        }
        let out = z.transform(f.values)
        for (a, b) in zip(out, f.transformed) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b))) }
        // The constant column maps to 0, not NaN.
        #expect(out[4] == 0)
    }

    @Test func zScoreUsesOnlyTrainingRows() throws {
        let values: [Float] = [0, 2, 100]  // one column, three rows
        let z = try ZScore.fit(values, columns: 1, rows: [0, 1])
        #expect(z.mean == [1])
        #expect(z.scale == [1])
        #expect(z.transform(values) == [-1, 1, 99])
        #expect(throws: EvaluateError.self) { try ZScore.fit(values, columns: 2) }
        #expect(throws: EvaluateError.self) { try ZScore.fit(values, columns: 1, rows: [3]) }
    }
}
