import Testing
@testable import Evaluate

@Suite struct AugmentationSplitTests {
    /// 20 source files, each: 1 original row followed by 3 augmented copies.
    let sources: [String] = (0..<20).flatMap { f in Array(repeating: "file\(f).wav", count: 4) }
    var augmented: [Bool] { (0..<80).map { $0 % 4 != 0 } }

    @Test func groupedSplitTestsOriginalsOnly() throws {
        let split = try Splits.grouped(sources: sources, seed: 7)
        #expect(split.test.contains { augmented[$0] }, "the plain grouped split tests augmented copies")
        let clean = try split.trainingOnlyAugmentation(augmented: augmented, sources: sources)
        #expect(clean.train == split.train)
        #expect(!clean.test.isEmpty && clean.test.allSatisfy { !augmented[$0] })
        #expect(clean.validation.allSatisfy { !augmented[$0] })
        #expect(clean.test.count == split.test.count / 4)
        #expect(!clean.leakage.isLeaking)
    }

    @Test func naiveSplitStillReportsItsLeak() throws {
        let split = try Splits.naive(sources: sources, seed: 3)
        let clean = try split.trainingOnlyAugmentation(augmented: augmented, sources: sources)
        #expect(clean.test.allSatisfy { !augmented[$0] })
        // Copies of tested originals stay in training: the naive split's leak remains and is counted.
        #expect(clean.leakage.isLeaking)
        #expect(clean.leakage.testRows == clean.test.count)
    }

    @Test func noAugmentedRowsLeavesTheSplitAlone() throws {
        let split = try Splits.grouped(sources: sources, seed: 1)
        #expect(try split.trainingOnlyAugmentation(augmented: Array(repeating: false, count: 80), sources: sources) == split)
    }

    @Test func mismatchedLengthsAreAnError() throws {
        let split = try Splits.grouped(sources: sources, seed: 1)
        #expect(throws: EvaluateError.self) { try split.trainingOnlyAugmentation(augmented: [true], sources: sources) }
    }
}
