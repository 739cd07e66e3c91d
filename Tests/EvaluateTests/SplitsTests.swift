import Evaluate
import Testing
import Support

/// A synthetic corpus: 6 speakers × 14 sentences × 7 emotions = 588 files, 3 windows each.
struct Table {
    var sources: [String] = []
    var speakers: [String] = []
    var sentences: [String] = []
    var labels: [Int] = []

    init(windows: Int = 3) {
        for spk in ["f1", "f2", "f3", "m1", "m2", "m3"] {
            for s in 1...14 {
                for e in 0..<7 {
                    for _ in 0..<windows {
                        sources.append("\(spk)/\(e)-\(spk)-s\(s).wav")
                        speakers.append(spk)
                        sentences.append("s\(s)")
                        labels.append(e)
                    }
                }
            }
        }
    }
}

private func checkPartition(_ s: Split, rows: Int, coversAll: Bool = true) {
    let all = s.train + s.validation + s.test
    #expect(Set(all).count == all.count, "\(s.name): parts overlap")
    if coversAll { #expect(all.count == rows, "\(s.name): parts do not cover all rows") }
    #expect(s.train == s.train.sorted() && s.test == s.test.sorted() && s.validation == s.validation.sorted())
}

private func sourcesOf(_ rows: [Int], _ t: Table) -> Set<String> { Set(rows.map { t.sources[$0] }) }

@Suite struct SplitsTests {
    let t = Table()

    @Test func naiveHasStudySizesAndLeaks() throws {
        let s = try Splits.naive(sources: t.sources, seed: 1)
        checkPartition(s, rows: 1764)
        #expect(s.test.count == 353)         // round(1764 · 0.2)
        #expect(s.validation.count == 176)   // round(1764 · 0.1)
        #expect(s.train.count == 1764 - 353 - 176)
        #expect(s.leakage.isLeaking)
        #expect(s.leakage.sharedSources > 100)
        #expect(s.leakage.testRows == 353)
        #expect(s.description.contains("LEAKS:"))
    }

    @Test func sameSeedSameSplitOtherSeedOtherSplit() throws {
        let a = try Splits.naive(sources: t.sources, seed: 7)
        let b = try Splits.naive(sources: t.sources, seed: 7)
        let c = try Splits.naive(sources: t.sources, seed: 8)
        #expect(a == b)
        #expect(a.test != c.test)
        #expect(try Splits.kFold(k: 5, sources: t.sources, seed: 3) == Splits.kFold(k: 5, sources: t.sources, seed: 3))
    }

    @Test func seededRandomIsPinned() {
        // Pins the generator so a change to it (which would change every split) cannot go unnoticed.
        var pinned = Xoshiro256StarStar(seed: 42)
        // xoshiro256** seeded by SplitMix64(42), computed independently in Python.
        #expect([pinned.next(), pinned.next(), pinned.next()] == [1546998764402558742, 6990951692964543102, 12544586762248559009])
        var r = Xoshiro256StarStar(seed: 42)
        let first = (0..<3).map { _ in r.index(below: 1000) }
        var again = Xoshiro256StarStar(seed: 42)
        #expect((0..<3).map { _ in again.index(below: 1000) } == first)
        var u = Xoshiro256StarStar(seed: 1)
        for _ in 0..<1000 { let x = u.unit(); #expect(x >= 0 && x < 1) }
        var counts = [Int](repeating: 0, count: 4)
        var g = Xoshiro256StarStar(seed: 5)
        for _ in 0..<4000 { counts[g.index(below: 4)] += 1 }
        #expect(counts.allSatisfy { $0 > 900 && $0 < 1100 })
    }

    @Test func stratifiedNaiveKeepsClassProportions() throws {
        let s = try Splits.naive(sources: t.sources, stratifyBy: t.labels, seed: 2)
        checkPartition(s, rows: 1764)
        #expect(s.name == "stratified naive")
        for c in 0..<7 {
            #expect(s.test.filter { t.labels[$0] == c }.count == 50)  // round(252 · 0.2)
        }
    }

    @Test func groupedKeepsEachFileOnOneSide() throws {
        for labels in [nil, t.labels] as [[Int]?] {
            let s = try Splits.grouped(sources: t.sources, stratifyBy: labels, seed: 3)
            checkPartition(s, rows: 1764)
            #expect(!s.leakage.isLeaking)
            let train = sourcesOf(s.train, t), val = sourcesOf(s.validation, t), test = sourcesOf(s.test, t)
            #expect(train.isDisjoint(with: test) && train.isDisjoint(with: val) && val.isDisjoint(with: test))
            // round(588 · 0.2) = 118 files; stratified: 7 classes × round(84 · 0.2) = 119.
            #expect(test.count == (labels == nil ? 118 : 119))
            #expect(s.test.count == test.count * 3)
        }
    }

    @Test func losoLeavesEachSpeakerOut() throws {
        let folds = try Splits.loso(speakers: t.speakers, sources: t.sources, seed: 4)
        #expect(folds.map(\.name) == ["loso f1", "loso f2", "loso f3", "loso m1", "loso m2", "loso m3"])
        for (f, spk) in zip(folds, ["f1", "f2", "f3", "m1", "m2", "m3"]) {
            checkPartition(f, rows: 1764)
            #expect(f.test.allSatisfy { t.speakers[$0] == spk })
            #expect(f.test.count == 294)
            #expect(!(f.train + f.validation).contains { t.speakers[$0] == spk })
            #expect(!f.leakage.isLeaking)
            // Validation is whole files from the training side, about 10 % of them.
            #expect(sourcesOf(f.validation, t).isDisjoint(with: sourcesOf(f.train, t)))
            #expect(f.validation.count == 49 * 3)  // round(490 · 0.1) files
        }
        let one = try Splits.loso(speakers: t.speakers, only: "m2", sources: t.sources, seed: 4)
        #expect(one == [folds[4]])
        #expect(throws: EvaluateError.self) {
            try Splits.loso(speakers: t.speakers, only: "x9", sources: t.sources, seed: 4)
        }
    }

    @Test func lopoLeavesEachPhraseOut() throws {
        let folds = try Splits.lopo(phrases: t.sentences, sources: t.sources, stratifyBy: t.labels, validation: 0, seed: 5)
        #expect(folds.count == 14)
        for f in folds {
            checkPartition(f, rows: 1764)
            #expect(Set(f.test.map { t.sentences[$0] }).count == 1)
            #expect(f.validation.isEmpty)
        }
    }

    @Test func kFoldTestPartsCoverEveryRowOnce() throws {
        for grouped in [true, false] {
            let folds = try Splits.kFold(k: 5, sources: t.sources, grouped: grouped, stratifyBy: t.labels, seed: 6)
            #expect(folds.count == 5)
            let tests = folds.flatMap(\.test)
            #expect(tests.sorted() == Array(0..<1764))
            for f in folds {
                checkPartition(f, rows: 1764)
                #expect(f.leakage.isLeaking == !grouped)
                // Stratified: each fold's test part holds every class about equally.
                let perClass = (0..<7).map { c in f.test.filter { t.labels[$0] == c }.count }
                #expect(perClass.max()! - perClass.min()! <= 3)
            }
        }
    }

    @Test func badParametersAreRejected() {
        #expect(throws: EvaluateError.self) {
            try Splits.naive(sources: t.sources, fractions: Fractions(train: 0.7, validation: 0.2, test: 0.2), seed: 1)
        }
        #expect(throws: EvaluateError.self) { try Splits.naive(sources: t.sources, stratifyBy: [1, 2], seed: 1) }
        #expect(throws: EvaluateError.self) { try Splits.kFold(k: 1, sources: t.sources, seed: 1) }
        #expect(throws: EvaluateError.self) { try Splits.kFold(k: 5, sources: ["a", "a", "b"], seed: 1) }
        #expect(throws: EvaluateError.self) { try Splits.loso(speakers: ["a"], sources: ["x"], seed: 1) }
        #expect(throws: EvaluateError.self) { try Splits.grouped(sources: ["a", "a"], seed: 1) }
    }

    @Test func leakageCountsSharedSources() {
        let l = Leakage.check(train: [0, 1], validation: [2], test: [3, 4, 5], sources: ["a", "b", "c", "a", "c", "d"])
        #expect(l == Leakage(sharedSources: 2, leakedTestRows: 2, testRows: 3))
        #expect(l.description == "LEAKS: 2 source files on both sides of train/test (2 of 3 test rows)")
        #expect(Leakage.check(train: [0], validation: [], test: [1], sources: ["a", "b"]).description == "no leakage")
    }

    @Test func labelSetEncodesSorted() throws {
        let set = LabelSet(from: ["sadness", "anger", "sadness"])
        #expect(set.names == ["anger", "sadness"])
        #expect(try set.encode(["sadness", "anger"]) == [1, 0])
        #expect(set.decode([0, 1]) == ["anger", "sadness"])
    }
}
