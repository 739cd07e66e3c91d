import Support
/// Where a feature row's audio comes from: its original recording, the span of that recording (seconds) it
/// was made from, and whether it is an augmented copy. For an original window the span is the window; for a
/// window of an augmented copy it is the window mapped back through the transforms (stretch included) and
/// widened by their reach (`Augmentation.sourceSpan` in Augment).
public struct Origin: Sendable, Hashable {
    public var source: String
    public var start: Double
    public var end: Double
    public var augmented: Bool

    public init(source: String, start: Double, end: Double, augmented: Bool) {
        self.source = source
        self.start = start
        self.end = end
        self.augmented = augmented
    }

    /// Whether two spans share audio (touching ends do not).
    func overlaps(_ other: Origin) -> Bool { start < other.end && other.start < end }
}

/// How a split places augmented rows.
public enum AugmentedRows: String, Sendable, CaseIterable {
    /// Originals are split first; an augmented row joins training only if none of the audio it was made from
    /// lies on the validation or test side (naive: by source time span; grouped, LOSO, LOPO, k-fold: by
    /// file), and never joins validation or test.
    case clean
    /// Naive only: originals and augmented rows are split together at random, so copies of validation and
    /// test audio reach training (what augmenting a corpus before a window split does); validation and test
    /// keep originals only. For measuring how much that inflates accuracy.
    case leaky
}

/// Where a split put the augmented rows, and the check that none in training was made from held-out audio.
public struct AugmentationCheck: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Augmented rows on the training side (train part).
    public var inTraining: Int
    /// Augmented rows in no part: made from validation or test audio.
    public var setAside: Int
    /// Augmented training rows whose source span overlaps an original validation or test window of the same
    /// recording: 0 for a clean split.
    public var fromHeldOutAudio: Int
    /// Augmented training rows whose recording has original rows in validation or test (the naive split's
    /// way: other windows of a tested file; 0 for grouped, LOSO, LOPO and k-fold).
    public var fromHeldOutFiles: Int

    public init(inTraining: Int, setAside: Int, fromHeldOutAudio: Int, fromHeldOutFiles: Int) {
        self.inTraining = inTraining
        self.setAside = setAside
        self.fromHeldOutAudio = fromHeldOutAudio
        self.fromHeldOutFiles = fromHeldOutFiles
    }

    /// Whether an augmented training row was made from validation or test audio.
    public var isLeaking: Bool { fromHeldOutAudio > 0 }

    /// Checks where the augmented rows of a split are, against the original rows held out for validation and test.
    public static func check(train: [Int], validation: [Int], test: [Int], origins: [Origin]) -> AugmentationCheck {
        var heldOut: [String: [Origin]] = [:]
        for r in validation + test where !origins[r].augmented { heldOut[origins[r].source, default: []].append(origins[r]) }
        var inTraining = 0, fromAudio = 0, fromFiles = 0
        for r in train where origins[r].augmented {
            inTraining += 1
            guard let spans = heldOut[origins[r].source] else { continue }
            fromFiles += 1
            if spans.contains(where: { $0.overlaps(origins[r]) }) { fromAudio += 1 }
        }
        let placed = Set(train + validation + test)
        let setAside = origins.indices.filter { origins[$0].augmented && !placed.contains($0) }.count
        return AugmentationCheck(inTraining: inTraining, setAside: setAside, fromHeldOutAudio: fromAudio, fromHeldOutFiles: fromFiles)
    }

    /// "augmented: 1234 rows in training, none made from validation or test audio (567 set aside)" or
    /// "augmented: 1500 rows in training, LEAKY: 432 made from validation or test audio".
    public var description: String {
        var s = "augmented: \(inTraining) row\(inTraining == 1 ? "" : "s") in training, "
        s += isLeaking ? "LEAKY: \(fromHeldOutAudio) made from validation or test audio" : "none made from validation or test audio"
        if setAside > 0 { s += " (\(setAside) set aside)" }
        return s
    }
}

extension Splits {
    /// The paper's naive split of a table holding augmented rows.
    ///
    /// `.clean` (the default): the original rows are split at random exactly as `naive(sources:)` splits a
    /// table of originals alone (same seed → same original windows in each part), then each augmented row
    /// joins training if its source span overlaps no original window of its recording in validation or test,
    /// and is set aside otherwise. `.leaky`: all rows split together at random, augmented rows dropped from
    /// validation and test (copies of held-out audio stay in training). `fractions` count original rows.
    public static func naive(
        origins: [Origin], stratifyBy labels: [Int]? = nil, fractions: Fractions = .study,
        augmented placement: AugmentedRows = .clean, seed: UInt64
    ) throws(EvaluateError) -> Split {
        try checkLengths(origins.count, labels)
        let sources = origins.map(\.source)
        if placement == .leaky {
            return try naive(sources: sources, stratifyBy: labels, fractions: fractions, seed: seed).placingAugmented(origins: origins, placement: .leaky)
        }
        let originals = origins.indices.filter { !origins[$0].augmented }
        guard originals.count >= 2 else {
            throw EvaluateError(.tooFew, "cannot split \(originals.count) original row(s)")
        }
        let inner = try naive(sources: originals.map { sources[$0] }, stratifyBy: labels.map { l in originals.map { l[$0] } },
                              fractions: fractions, seed: seed)
        var split = make(inner.name, inner.train.map { originals[$0] }, inner.validation.map { originals[$0] },
                         inner.test.map { originals[$0] }, sources)
        let copies = origins.indices.filter { origins[$0].augmented }
        if copies.isEmpty { return split }
        split.train = (split.train + copies).sorted()
        return try split.placingAugmented(origins: origins, placement: .clean)
    }
}

extension Split {
    /// The split with its augmented rows placed: never in validation or test (the model is scored on original
    /// recordings), and — `.clean` — in training only when none of the audio they were made from is an
    /// original validation or test row of the same recording (by source span; for a split that keeps files
    /// whole that is the file). `leakage` is recounted and `augmentation` holds the check.
    ///
    /// - `origins`: per row, its recording, source span and whether it is augmented.
    ///
    /// A split of a table with no augmented rows is returned unchanged.
    public func placingAugmented(origins: [Origin], placement: AugmentedRows = .clean) throws(EvaluateError) -> Split {
        let all = train + validation + test
        if let bad = all.first(where: { $0 < 0 || $0 >= origins.count }) {
            throw EvaluateError(.lengthMismatch, "row \(bad) of the split has no origin (\(origins.count) origins)")
        }
        guard origins.contains(where: \.augmented) else { return self }
        let validation = self.validation.filter { !origins[$0].augmented }
        let test = self.test.filter { !origins[$0].augmented }
        var train = self.train
        if placement == .clean {
            var heldOut: [String: [Origin]] = [:]
            for r in validation + test { heldOut[origins[r].source, default: []].append(origins[r]) }
            train = train.filter { r in
                !origins[r].augmented || !(heldOut[origins[r].source]?.contains { $0.overlaps(origins[r]) } ?? false)
            }
        }
        var split = Splits.make(name, train, validation, test, origins.map(\.source))
        split.augmentation = AugmentationCheck.check(train: split.train, validation: split.validation, test: split.test, origins: origins)
        return split
    }
}
