import Support
/// Evaluation protocols: seeded splits of feature rows into train / validation / test row indices.
///
/// Evaluate knows nothing of audio. Every function takes, per row, the key it needs:
/// - `sources`: the original recording a row comes from (all windows of a file and all augmented copies of it
///   share it). Grouped protocols keep each source on one side; every split counts leakage over it.
/// - `groups`: the key LOSO/LOPO leave out (speaker, phrase).
/// - `stratifyBy`: class codes; when given, each class is split in the same proportions ("stratified").
///
/// Same inputs and seed → same split, on every machine.
///
/// ```swift
/// let s = try Splits.naive(sources: files, seed: 1)                 // the paper's 70/10/20 window split
/// print(s.leakage)                                                   // LEAKS: 84 source files on both sides …
/// let g = try Splits.grouped(sources: files, stratifyBy: labels, seed: 1)
/// let folds = try Splits.leaveOneGroupOut(groups: speakers, sources: files, seed: 1)   // LOSO
/// ```
public enum Splits {
    // MARK: Hold-out splits

    /// The paper's split: rows (windows) at random, `fractions` of all rows per part (default 70/10/20).
    ///
    /// Windows and augmented copies of one file land on both sides; `leakage` counts them.
    public static func naive(
        sources: [String], stratifyBy labels: [Int]? = nil, fractions: Fractions = .study, seed: UInt64
    ) throws(EvaluateError) -> Split {
        try fractions.validate()
        try checkLengths(sources.count, labels)
        guard sources.count >= 2 else { throw EvaluateError(.tooFew, "cannot split \(sources.count) row(s)") }
        var rng = Xoshiro256StarStar(seed: seed)
        let units = (0..<sources.count).map { [$0] }
        let (train, val, test) = partition(units: units, unitLabels: labels, test: fractions.test,
                                           validation: fractions.validation, rng: &rng)
        return make(labels == nil ? "naive" : "stratified naive", train, val, test, sources)
    }

    /// Random by source file: every row of a source goes to the same part; `fractions` count source files.
    public static func grouped(
        sources: [String], stratifyBy labels: [Int]? = nil, fractions: Fractions = .study, seed: UInt64
    ) throws(EvaluateError) -> Split {
        try fractions.validate()
        try checkLengths(sources.count, labels)
        let units = groupRows(sources)
        guard units.count >= 2 else {
            throw EvaluateError(.tooFew, "a grouped split needs at least 2 source files, got \(units.count)")
        }
        var rng = Xoshiro256StarStar(seed: seed)
        let (train, val, test) = partition(units: units.map(\.rows), unitLabels: labels.map { majority(units, $0) },
                                           test: fractions.test, validation: fractions.validation, rng: &rng)
        return make(labels == nil ? "grouped" : "stratified grouped", train, val, test, sources)
    }

    // MARK: Cross-validation protocols

    /// Leave one group out: one split per distinct value of `groups` (sorted), whose rows form the test part.
    ///
    /// - `groups`: the key per row — speaker for LOSO, phrase/sentence for LOPO.
    /// - `only`: make just the split that leaves out this group (throws `unknownName` if it never occurs).
    /// - `validation`: fraction of the training side's source files held out for early stopping (default 0.1;
    ///   0 for none), stratified when `stratifyBy` is given.
    /// - `name`: prefix of each split's name, e.g. "loso" → "loso f1".
    public static func leaveOneGroupOut(
        groups: [String], only: String? = nil, sources: [String], stratifyBy labels: [Int]? = nil,
        validation: Double = 0.1, name: String = "logo", seed: UInt64
    ) throws(EvaluateError) -> [Split] {
        try checkLengths(sources.count, labels)
        guard groups.count == sources.count else {
            throw EvaluateError(.lengthMismatch, "\(groups.count) group keys for \(sources.count) rows")
        }
        try checkValidation(validation)
        let names = Array(Set(groups)).sorted()
        guard names.count >= 2 else {
            throw EvaluateError(.tooFew, "\(name) needs at least 2 distinct groups, got \(names.count) (\(names.joined(separator: ", ")))")
        }
        var chosen = names
        if let only {
            guard names.contains(only) else {
                throw EvaluateError(.unknownName, "\(name): no rows belong to '\(only)'; groups are \(names.joined(separator: ", "))")
            }
            chosen = [only]
        }
        var splits: [Split] = []
        for g in chosen {
            // Each fold draws its validation part from its own generator, so `only` gives the same fold as the full run.
            var rng = Xoshiro256StarStar(seed: seed ^ stableHash(g))
            var test: [Int] = [], rest: [Int] = []
            for r in 0..<groups.count { if groups[r] == g { test.append(r) } else { rest.append(r) } }
            let (train, val) = drawValidation(from: rest, sources: sources, labels: labels, fraction: validation, rng: &rng)
            splits.append(make("\(name) \(g)", train, val, test, sources))
        }
        return splits
    }

    /// Leave one speaker out (`groups` = speaker per row); see `leaveOneGroupOut`.
    public static func loso(
        speakers: [String], only: String? = nil, sources: [String], stratifyBy labels: [Int]? = nil,
        validation: Double = 0.1, seed: UInt64
    ) throws(EvaluateError) -> [Split] {
        try leaveOneGroupOut(groups: speakers, only: only, sources: sources, stratifyBy: labels,
                             validation: validation, name: "loso", seed: seed)
    }

    /// Leave one phrase (sentence) out (`groups` = phrase per row); see `leaveOneGroupOut`.
    public static func lopo(
        phrases: [String], only: String? = nil, sources: [String], stratifyBy labels: [Int]? = nil,
        validation: Double = 0.1, seed: UInt64
    ) throws(EvaluateError) -> [Split] {
        try leaveOneGroupOut(groups: phrases, only: only, sources: sources, stratifyBy: labels,
                             validation: validation, name: "lopo", seed: seed)
    }

    /// k-fold cross-validation: `k` splits whose test parts are disjoint and together cover every row.
    ///
    /// - `grouped`: folds are made of whole source files (default true); false deals single rows, which leaks
    ///   like the naive split.
    /// - `stratifyBy`: class codes; folds then hold each class in near-equal proportions.
    /// - `validation`: fraction of each fold's training side held out for early stopping (default 0.1), by
    ///   source file when `grouped`, by row otherwise.
    public static func kFold(
        k: Int, sources: [String], grouped: Bool = true, stratifyBy labels: [Int]? = nil,
        validation: Double = 0.1, seed: UInt64
    ) throws(EvaluateError) -> [Split] {
        try checkLengths(sources.count, labels)
        try checkValidation(validation)
        guard k >= 2 else { throw EvaluateError(.badParameter, "k-fold needs k ≥ 2, got \(k)") }
        let units: [[Int]]
        let unitLabels: [Int]?
        if grouped {
            let g = groupRows(sources)
            units = g.map(\.rows)
            unitLabels = labels.map { majority(g, $0) }
        } else {
            units = (0..<sources.count).map { [$0] }
            unitLabels = labels
        }
        guard units.count >= k else {
            throw EvaluateError(.tooFew, "\(k)-fold needs at least \(k) \(grouped ? "source files" : "rows"), got \(units.count)")
        }
        var rng = Xoshiro256StarStar(seed: seed)
        let order = shuffledUnits(units.count, labels: unitLabels, rng: &rng)
        var fold = [Int](repeating: 0, count: units.count)
        for (i, u) in order.enumerated() { fold[u] = i % k }
        var splits: [Split] = []
        for f in 0..<k {
            var test: [Int] = [], rest: [Int] = []
            for u in 0..<units.count {
                if fold[u] == f { test += units[u] } else { rest += units[u] }
            }
            var foldRng = Xoshiro256StarStar(seed: seed &+ UInt64(f + 1) &* 0x9E37_79B9_7F4A_7C15)
            let (train, val) = grouped
                ? drawValidation(from: rest, sources: sources, labels: labels, fraction: validation, rng: &foldRng)
                : drawValidation(from: rest, sources: nil, labels: labels, fraction: validation, rng: &foldRng)
            let prefix = labels == nil ? "" : "stratified "
            splits.append(make("\(prefix)\(grouped ? "grouped " : "")kfold \(f + 1)/\(k)", train, val, test, sources))
        }
        return splits
    }

    // MARK: Internals

    struct Group {
        var key: String
        var rows: [Int]
    }

    /// Rows grouped by key, groups in order of first appearance.
    static func groupRows(_ keys: [String]) -> [Group] {
        var index: [String: Int] = [:]
        var groups: [Group] = []
        for (r, k) in keys.enumerated() {
            if let i = index[k] { groups[i].rows.append(r) } else {
                index[k] = groups.count
                groups.append(Group(key: k, rows: [r]))
            }
        }
        return groups
    }

    /// The most frequent label of each group (ties → the smallest code).
    static func majority(_ groups: [Group], _ labels: [Int]) -> [Int] {
        groups.map { g in
            var counts: [Int: Int] = [:]
            for r in g.rows { counts[labels[r], default: 0] += 1 }
            return counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }!.key
        }
    }

    /// Unit indices shuffled; with labels, each class shuffled on its own and the classes concatenated in code
    /// order, so dealing them out round-robin (k-fold) or taking per-class counts stratifies.
    static func shuffledUnits(_ n: Int, labels: [Int]?, rng: inout Xoshiro256StarStar) -> [Int] {
        guard let labels else {
            var all = Array(0..<n)
            rng.shuffle(&all)
            return all
        }
        var byClass: [Int: [Int]] = [:]
        for u in 0..<n { byClass[labels[u], default: []].append(u) }
        var order: [Int] = []
        for c in byClass.keys.sorted() {
            var members = byClass[c]!
            rng.shuffle(&members)
            order += members
        }
        return order
    }

    /// Splits units into (train, validation, test) row lists: per stratum (or overall), round(n·test) units to
    /// test, round(n·validation) to validation, the rest to train.
    static func partition(
        units: [[Int]], unitLabels: [Int]?, test: Double, validation: Double, rng: inout Xoshiro256StarStar
    ) -> (train: [Int], validation: [Int], test: [Int]) {
        var strata: [[Int]] = []
        if let unitLabels {
            var byClass: [Int: [Int]] = [:]
            for u in 0..<units.count { byClass[unitLabels[u], default: []].append(u) }
            strata = byClass.keys.sorted().map { byClass[$0]! }
        } else {
            strata = [Array(0..<units.count)]
        }
        var train: [Int] = [], val: [Int] = [], tst: [Int] = []
        for var members in strata {
            rng.shuffle(&members)
            let n = members.count
            let nTest = min(n, Int((Double(n) * test).rounded()))
            let nVal = min(n - nTest, Int((Double(n) * validation).rounded()))
            for (i, u) in members.enumerated() {
                if i < nTest { tst += units[u] } else if i < nTest + nVal { val += units[u] } else { train += units[u] }
            }
        }
        return (train.sorted(), val.sorted(), tst.sorted())
    }

    /// Holds out `fraction` of `rows` as validation: by source file when `sources` is given, else by row.
    static func drawValidation(
        from rows: [Int], sources: [String]?, labels: [Int]?, fraction: Double, rng: inout Xoshiro256StarStar
    ) -> (train: [Int], validation: [Int]) {
        guard fraction > 0, !rows.isEmpty else { return (rows, []) }
        let units: [[Int]]
        if let sources {
            units = groupRows(rows.map { sources[$0] }).map { g in g.rows.map { rows[$0] } }
        } else {
            units = rows.map { [$0] }
        }
        let unitLabels = labels.map { l in units.map { u in majority([Group(key: "", rows: u)], l)[0] } }
        let (train, val, _) = partition(units: units, unitLabels: unitLabels, test: 0, validation: fraction, rng: &rng)
        return (train, val)
    }

    static func make(_ name: String, _ train: [Int], _ val: [Int], _ test: [Int], _ sources: [String]) -> Split {
        let (a, b, c) = (train.sorted(), val.sorted(), test.sorted())
        return Split(name: name, train: a, validation: b, test: c,
                     leakage: .check(train: a, validation: b, test: c, sources: sources))
    }

    static func checkLengths(_ rows: Int, _ labels: [Int]?) throws(EvaluateError) {
        if let labels, labels.count != rows {
            throw EvaluateError(.lengthMismatch, "\(labels.count) labels for \(rows) rows")
        }
    }

    static func checkValidation(_ v: Double) throws(EvaluateError) {
        guard v >= 0 && v < 1 else {
            throw EvaluateError(.badParameter, "validation fraction \(v) must be in [0, 1)")
        }
    }
}
