import Support
/// One division of feature rows into training, validation and test rows, by row index.
///
/// Index arrays are sorted ascending and pairwise disjoint; together they cover every row the protocol uses.
/// `leakage` says whether any source file has rows (windows or augmented copies) on both the training side
/// (train ∪ validation) and the test side.
public struct Split: Sendable, Equatable, CustomStringConvertible {
    /// What made it: "naive", "grouped", "stratified grouped", "loso f1", "lopo b1", "kfold 2/5", …
    public var name: String
    /// Rows to fit on.
    public var train: [Int]
    /// Rows held out from the training side for early stopping (may be empty).
    public var validation: [Int]
    /// Rows to report on.
    public var test: [Int]
    /// Source files shared between the training side and the test side.
    public var leakage: Leakage
    /// Where the augmented rows went and whether any in training was made from held-out audio; nil when the
    /// table holds no augmented rows.
    public var augmentation: AugmentationCheck?

    public init(name: String, train: [Int], validation: [Int], test: [Int], leakage: Leakage, augmentation: AugmentationCheck? = nil) {
        self.name = name
        self.train = train
        self.validation = validation
        self.test = test
        self.leakage = leakage
        self.augmentation = augmentation
    }

    /// "naive: 412 train, 59 validation, 117 test; LEAKS: …; augmented: …"
    public var description: String {
        "\(name): \(train.count) train, \(validation.count) validation, \(test.count) test; \(leakage)"
            + (augmentation.map { "; \($0)" } ?? "")
    }
}

/// Fractions of all rows (or of all groups, for grouped splits) that go to each part; they sum to 1.
public struct Fractions: Sendable, Equatable, Hashable {
    public var train: Double
    public var validation: Double
    public var test: Double

    public init(train: Double, validation: Double, test: Double) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// The paper's split: 70 % train, 10 % validation, 20 % test.
    public static let study = Fractions(train: 0.7, validation: 0.1, test: 0.2)

    func validate() throws(EvaluateError) {
        for (name, f) in [("train", train), ("validation", validation), ("test", test)] where !(f >= 0 && f <= 1) {
            throw EvaluateError(.badParameter, "\(name) fraction \(f) is not between 0 and 1")
        }
        guard train > 0, test > 0 else {
            throw EvaluateError(.badParameter, "train and test fractions must be positive (got train \(train), test \(test))")
        }
        guard abs(train + validation + test - 1) < 1e-6 else {
            throw EvaluateError(.badParameter,
                "fractions must sum to 100% (train \(train) + validation \(validation) + test \(test) = \(train + validation + test))")
        }
    }
}

/// Source files whose rows sit on both sides of a split (training side = train ∪ validation).
///
/// Windows of one recording, and augmented copies of it, are near-duplicates: when some are trained on and
/// others tested on, the test score measures memory of the recording, not generalisation. The paper's naive
/// window-level split does this; grouped, LOSO, LOPO and grouped k-fold splits do not.
public struct Leakage: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Distinct source files with rows on both the training side and the test side.
    public var sharedSources: Int
    /// Test rows whose source file also has rows on the training side.
    public var leakedTestRows: Int
    /// All test rows.
    public var testRows: Int

    public init(sharedSources: Int, leakedTestRows: Int, testRows: Int) {
        self.sharedSources = sharedSources
        self.leakedTestRows = leakedTestRows
        self.testRows = testRows
    }

    /// True when at least one source file is on both sides.
    public var isLeaking: Bool { sharedSources > 0 }

    /// Counts shared sources of a split given each row's source file (`sources[row]`).
    public static func check(train: [Int], validation: [Int], test: [Int], sources: [String]) -> Leakage {
        var trainSide = Set<String>()
        for r in train { trainSide.insert(sources[r]) }
        for r in validation { trainSide.insert(sources[r]) }
        var shared = Set<String>()
        var leakedRows = 0
        for r in test where trainSide.contains(sources[r]) {
            shared.insert(sources[r])
            leakedRows += 1
        }
        return Leakage(sharedSources: shared.count, leakedTestRows: leakedRows, testRows: test.count)
    }

    /// "no leakage" or "LEAKS: 96 source files on both sides of train/test (288 of 294 test rows)".
    public var description: String {
        isLeaking
            ? "LEAKS: \(sharedSources) source file\(sharedSources == 1 ? "" : "s") on both sides of train/test (\(leakedTestRows) of \(testRows) test rows)"
            : "no leakage"
    }
}
