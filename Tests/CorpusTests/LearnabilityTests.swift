import Corpus
import Evaluate
import Features
import Foundation
import Testing

/// Nearest-centroid classification of feature rows (z-scored on the training rows): a quick, parameter-free
/// learnability probe for the demo corpora.
func nearestCentroid(_ t: FeatureTable, labels: [Int], classes: LabelSet, split s: Split) throws -> Report {
    let train = s.train + s.validation
    let z = try ZScore.fit(t.values, columns: t.width, rows: train)
    let x = z.transform(t.values)
    let w = t.width, k = classes.count
    var centroid = [Double](repeating: 0, count: k * w)
    var count = [Int](repeating: 0, count: k)
    for r in train {
        count[labels[r]] += 1
        for c in 0..<w { centroid[labels[r] * w + c] += Double(x[r * w + c]) }
    }
    for j in 0..<k where count[j] > 0 { for c in 0..<w { centroid[j * w + c] /= Double(count[j]) } }
    let predicted = s.test.map { r -> Int in
        var best = 0, bestDistance = Double.infinity
        for j in 0..<k where count[j] > 0 {
            var d = 0.0
            for c in 0..<w { let e = Double(x[r * w + c]) - centroid[j * w + c]; d += e * e }
            if d < bestDistance { bestDistance = d; best = j }
        }
        return best
    }
    return try Report(truth: s.test.map { labels[$0] }, predicted: predicted, classes: classes)
}

/// Accuracy of nearest centroid under grouped stratified 5-fold and under leave-one-speaker-out.
func probe(_ t: FeatureTable) throws -> (kfold: Aggregate, loso: Aggregate) {
    let emotions = t.rows.map { $0.attributes["emotion"] ?? "" }
    let classes = LabelSet(from: emotions)
    let labels = try classes.encode(emotions)
    let files = t.rows.map(\.file)
    let speakers = t.rows.map { $0.attributes["speaker"] ?? "" }
    let kfold = try Splits.kFold(k: 5, sources: files, stratifyBy: labels, validation: 0, seed: 1)
    let loso = try Splits.loso(speakers: speakers, sources: files, validation: 0, seed: 1)
    return (try Aggregate(kfold.map { try nearestCentroid(t, labels: labels, classes: classes, split: $0) }),
            try Aggregate(loso.map { try nearestCentroid(t, labels: labels, classes: classes, split: $0) }))
}

@Suite struct LearnabilityTests {
    /// The small EMOVO demo is learnable well above chance (1/7) but not perfectly, and a speaker-independent
    /// split is harder than a speaker-dependent one.
    @Test func smallEmovoDemoIsLearnableButNotTrivially() throws {
        let tree = try Tree([])
        let corpus = try DemoCorpus.synthesize(.emovo, into: tree.root, seed: 1, size: .small)
        let items = corpus.files.map { FeatureRun.Item(source: .file($0.path), name: $0.relativePath, attributes: $0.metadata) }
        let table = try FeatureRun(threads: 2).table(items).table
        let (kfold, loso) = try probe(table)
        #expect(kfold.accuracy.mean > 0.35, "grouped 5-fold \(kfold.accuracy)")
        #expect(kfold.accuracy.mean < 0.98, "grouped 5-fold \(kfold.accuracy)")
        #expect(loso.accuracy.mean < kfold.accuracy.mean, "LOSO \(loso.accuracy) vs 5-fold \(kfold.accuracy)")
    }

    /// A measurement, not a check: with SER_LEARNABILITY_FEATURES=PREFIX (a `ser features` table of a demo
    /// corpus), prints nearest-centroid accuracy under grouped 5-fold and LOSO.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SER_LEARNABILITY_FEATURES"] != nil))
    func measureFeatureTable() throws {
        let prefix = ProcessInfo.processInfo.environment["SER_LEARNABILITY_FEATURES"]!
        let table = try FeatureTable.read(prefix: prefix)
        let files = table.rows.map(\.file)
        print(try Splits.naive(sources: files, seed: 1))
        print(try Splits.grouped(sources: files, seed: 1))
        let (kfold, loso) = try probe(table)
        print("nearest centroid on \(prefix): \(table.count) rows; grouped stratified 5-fold accuracy \(kfold.accuracy), UAR \(kfold.uar); LOSO accuracy \(loso.accuracy), UAR \(loso.uar)")
        #expect(kfold.accuracy.mean > 1.0 / Double(LabelSet(from: table.rows.map { $0.attributes["emotion"] ?? "" }).count))
    }
}
