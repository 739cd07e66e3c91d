@testable import Evaluate
import Support
import Testing

/// Augmented rows in splits: originals split first, copies train only when none of their audio is held out.
@Suite struct AugmentationSplitTests {
    /// 20 recordings of 3 two-second windows each; every recording has 3 copies: an unstretched one (same
    /// spans), one stretched 0.8× (4 windows, spans scaled by 0.8) and one "wide" copy whose spans reach
    /// 0.1 s beyond the window on each side.
    static func table() -> [Origin] {
        var rows: [Origin] = []
        for f in 0..<20 {
            let source = "file\(f).wav"
            for w in 0..<3 { rows.append(Origin(source: source, start: Double(2 * w), end: Double(2 * w + 2), augmented: false)) }
            for w in 0..<3 { rows.append(Origin(source: source, start: Double(2 * w), end: Double(2 * w + 2), augmented: true)) }
            for w in 0..<4 { rows.append(Origin(source: source, start: Double(2 * w) * 0.8, end: Double(2 * w + 2) * 0.8, augmented: true)) }
            for w in 0..<3 { rows.append(Origin(source: source, start: Double(2 * w) - 0.1, end: Double(2 * w + 2) + 0.1, augmented: true)) }
        }
        return rows
    }

    /// Augmented training rows whose span overlaps an original validation or test row of their recording.
    static func fromHeldOut(_ s: Split, _ origins: [Origin]) -> [Int] {
        let heldOut = (s.validation + s.test).filter { !origins[$0].augmented }
        return s.train.filter { r in
            origins[r].augmented && heldOut.contains { h in
                origins[h].source == origins[r].source && origins[h].start < origins[r].end && origins[r].start < origins[h].end
            }
        }
    }

    @Test func cleanNaiveSplitsTheOriginalsAsWithoutAugmentation() throws {
        let origins = Self.table()
        let originals = origins.indices.filter { !origins[$0].augmented }
        let alone = try Splits.naive(sources: originals.map { origins[$0].source }, seed: 5)
        let split = try Splits.naive(origins: origins, seed: 5)
        #expect(split.test == alone.test.map { originals[$0] })
        #expect(split.validation == alone.validation.map { originals[$0] })
        #expect(split.train.filter { !origins[$0].augmented } == alone.train.map { originals[$0] })
    }

    @Test func cleanNaiveTrainsOnlyCopiesOfTrainingAudio() throws {
        let origins = Self.table()
        let split = try Splits.naive(origins: origins, seed: 3)
        #expect((split.validation + split.test).allSatisfy { !origins[$0].augmented })
        #expect(Self.fromHeldOut(split, origins).isEmpty)
        // Every copy whose audio is all on the training side trains; the others are set aside.
        let heldOut = (split.validation + split.test)
        let placed = Set(split.train + heldOut)
        for r in origins.indices where origins[r].augmented {
            let clean = !heldOut.contains { h in
                origins[h].source == origins[r].source && origins[h].start < origins[r].end && origins[r].start < origins[h].end
            }
            #expect(placed.contains(r) == clean, "row \(r) (\(origins[r])) clean \(clean)")
        }
        let check = try #require(split.augmentation)
        #expect(check.fromHeldOutAudio == 0 && !check.isLeaking)
        #expect(check.inTraining + check.setAside == 200)
        #expect(check.setAside > 0 && check.inTraining > 0)
        // Other windows of tested recordings do train: the naive split's file-level leak, reported as such.
        #expect(check.fromHeldOutFiles > 0)
        #expect(split.leakage.isLeaking)
        #expect(split.description.contains("none made from validation or test audio"))
    }

    @Test func leakyNaiveTrainsCopiesOfHeldOutAudioAndSaysSo() throws {
        let origins = Self.table()
        let split = try Splits.naive(origins: origins, augmented: .leaky, seed: 3)
        #expect((split.validation + split.test).allSatisfy { !origins[$0].augmented })
        let leaked = Self.fromHeldOut(split, origins)
        #expect(!leaked.isEmpty)
        let check = try #require(split.augmentation)
        #expect(check.isLeaking && check.fromHeldOutAudio == leaked.count)
        #expect(split.description.contains("LEAKY: \(leaked.count) made from validation or test audio"))
    }

    @Test func groupedLosoAndLopoKeepCopiesWithTheirFile() throws {
        let origins = Self.table()
        let sources = origins.map(\.source)
        // Four speakers: file N is spoken by speaker N mod 4.
        let speakers = origins.map { "s\(Int($0.source.dropFirst(4).dropLast(4))! % 4)" }
        var splits = [try Splits.grouped(sources: sources, seed: 7)]
        splits += try Splits.leaveOneGroupOut(groups: speakers, sources: sources, seed: 7)
        for plain in splits {
            #expect(plain.test.contains { origins[$0].augmented }, "the plain \(plain.name) split tests copies")
            let split = try plain.placingAugmented(origins: origins)
            #expect((split.validation + split.test).allSatisfy { !origins[$0].augmented })
            #expect(split.train == plain.train, "\(split.name): copies of training files all train")
            let check = try #require(split.augmentation)
            #expect(check.fromHeldOutFiles == 0 && check.fromHeldOutAudio == 0)
            #expect(!split.leakage.isLeaking)
            #expect(split.test.count == plain.test.filter { !origins[$0].augmented }.count)
        }
    }

    @Test func aTableWithoutCopiesIsLeftAlone() throws {
        let origins = Self.table().filter { !$0.augmented }
        let split = try Splits.grouped(sources: origins.map(\.source), seed: 1)
        #expect(try split.placingAugmented(origins: origins) == split)
        let naive = try Splits.naive(origins: origins, seed: 2)
        #expect(naive == (try Splits.naive(sources: origins.map(\.source), seed: 2)))
        #expect(naive.augmentation == nil)
    }

    @Test func rowsWithoutOriginsAreAnError() throws {
        let split = try Splits.grouped(sources: Self.table().map(\.source), seed: 1)
        #expect(throws: EvaluateError.self) { try split.placingAugmented(origins: Array(Self.table().prefix(3))) }
    }
}
