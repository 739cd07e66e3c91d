import Support
/// One augmentation: a single transform or a combination of different ones (at most one of each kind),
/// e.g. `stretch+pitch`.
///
/// Transforms are applied in a fixed order whatever order they were given in: time stretch, pitch shift,
/// then noise. Names and parameters list them as noise, stretch, pitch (`noise+stretch+pitch`).
public struct Augmentation: Sendable, Hashable, CustomStringConvertible {
    /// The transforms in application order (stretch, pitch, noise).
    public let transforms: [Transform]

    /// A validated augmentation; throws on an empty list, a repeated kind, or a parameter out of range.
    public init(_ transforms: [Transform]) throws(AugmentError) {
        guard !transforms.isEmpty else {
            throw AugmentError(.badParameter, "an augmentation needs at least one transform")
        }
        for t in transforms { try t.validate() }
        for (i, t) in transforms.enumerated() where transforms[..<i].contains(where: { $0.name == t.name }) {
            throw AugmentError(.badParameter, "\(t.name) appears twice in one augmentation")
        }
        self.init(validated: transforms)
    }

    /// An augmentation from transforms already checked (valid, at most one of each kind).
    init(validated transforms: [Transform]) {
        self.transforms = transforms.sorted { $0.applicationOrder < $1.applicationOrder }
    }

    /// A single-transform augmentation.
    public init(_ transform: Transform) throws(AugmentError) {
        try self.init([transform])
    }

    /// The transforms in name order (noise, stretch, pitch).
    public var named: [Transform] { transforms.sorted { $0.nameOrder < $1.nameOrder } }

    /// `noise`, `stretch+pitch`, `noise+stretch+pitch`, …: the `augmentation` attribute and the file-name part.
    public var name: String { named.map(\.name).joined(separator: "+") }

    /// `noise=0.035;stretch=0.8`: the `augment_params` attribute (semicolon-separated, CSV-safe).
    public var parameters: String { named.map(\.parameter).joined(separator: ";") }

    /// Whether the augmentation draws random numbers (it does when it adds noise).
    public var isRandom: Bool { transforms.contains { if case .noise = $0 { true } else { false } } }

    public var description: String { parameters }
}

/// A list of augmentations to apply to each training signal.
public struct Recipe: Sendable, Hashable {
    public var augmentations: [Augmentation]

    public init(_ augmentations: [Augmentation]) {
        self.augmentations = augmentations
    }

    /// Each of `transforms` alone, in the given order; with `combine`, also every combination of two or more
    /// of them (all subsets, smaller ones first), e.g. noise, stretch, pitch, noise+stretch, noise+pitch,
    /// stretch+pitch, noise+stretch+pitch.
    public static func of(_ transforms: [Transform], combine: Bool) throws(AugmentError) -> Recipe {
        for t in transforms { try t.validate() }
        for (i, t) in transforms.enumerated() where transforms[..<i].contains(where: { $0.name == t.name }) {
            throw AugmentError(.badParameter, "\(t.name) is given twice")
        }
        return of(validated: transforms, combine: combine)
    }

    private static func of(validated transforms: [Transform], combine: Bool) -> Recipe {
        var list = transforms.map { Augmentation(validated: [$0]) }
        if combine, transforms.count > 1 {
            let ordered = transforms.sorted { $0.nameOrder < $1.nameOrder }
            for size in 2...ordered.count {
                for subset in subsets(of: ordered.count, size: size) {
                    list.append(Augmentation(validated: subset.map { ordered[$0] }))
                }
            }
        }
        return Recipe(list)
    }

    /// ser's recipe for the paper's augmentation (noise, stretch, pitch and combinations; the paper gives no
    /// parameters): noise (peak factor 0.035), time stretch (rate 0.8), pitch shift (+0.7 semitones), and all
    /// their combinations — seven augmented copies of each training file. The values are ser's choices.
    public static let study = Recipe.of(
        validated: [.noise(.peak(factor: 0.035)), .stretch(rate: 0.8), .pitch(semitones: 0.7)], combine: true)

    /// Index subsets of `0..<n` with `size` elements, in lexicographic order.
    private static func subsets(of n: Int, size: Int) -> [[Int]] {
        var result: [[Int]] = []
        var current: [Int] = []
        func extend(from start: Int) {
            if current.count == size { result.append(current); return }
            guard start < n else { return }
            for i in start..<n {
                current.append(i)
                extend(from: i + 1)
                current.removeLast()
            }
        }
        extend(from: 0)
        return result
    }
}
