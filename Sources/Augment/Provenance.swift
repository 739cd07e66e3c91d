import Audio
import Support

/// Where a signal came from: the original file, the augmentation applied to it (none for the original),
/// and the seed of the random generator that made its noise.
///
/// Provenance travels with every feature window as four `FeatureRow` attributes (and CSV columns):
/// `source` (the original file), `augmentation` (`none`, `noise`, `stretch+pitch`, …), `augment_params`
/// (`noise=0.035;pitch=0.7`, empty for originals) and `augment_seed` (decimal, empty when no randomness was
/// used). Splits group rows by `source`, so every copy of a file stays on the same side.
public struct Provenance: Sendable, Hashable {
    /// The original file (as the corpus names it; the grouping key for splits).
    public var source: String
    /// The augmentation applied, or `nil` for the original signal.
    public var augmentation: Augmentation?
    /// The seed of the noise generator, when the augmentation adds noise.
    public var seed: UInt64?

    public init(source: String, augmentation: Augmentation? = nil, seed: UInt64? = nil) {
        self.source = source
        self.augmentation = augmentation
        self.seed = seed
    }

    /// The provenance of an original, unaugmented file.
    public static func original(_ source: String) -> Provenance {
        Provenance(source: source)
    }

    /// Whether this is an augmented copy (not the original).
    public var isAugmented: Bool { augmentation != nil }

    /// Attribute keys, as they appear in `FeatureRow.attributes` and as CSV columns.
    public enum Key {
        public static let source = "source"
        public static let augmentation = "augmentation"
        public static let parameters = "augment_params"
        public static let seed = "augment_seed"
        public static let all = [source, augmentation, parameters, seed]
    }

    /// The four provenance attributes (always all four keys, so CSV columns line up).
    public var attributes: [String: String] {
        [
            Key.source: source,
            Key.augmentation: augmentation?.name ?? "none",
            Key.parameters: augmentation?.parameters ?? "",
            Key.seed: seed.map { String($0) } ?? "",
        ]
    }

    /// Reads provenance back from row attributes (e.g. a features CSV read by `ser train`).
    ///
    /// Rows without an `augmentation` attribute are originals; `source` is required.
    public init(attributes: [String: String]) throws(AugmentError) {
        guard let source = attributes[Key.source], !source.isEmpty else {
            throw AugmentError(.badProvenance, "missing '\(Key.source)' attribute")
        }
        self.source = source
        let name = attributes[Key.augmentation] ?? "none"
        let parameters = attributes[Key.parameters] ?? ""
        if name == "none" || name.isEmpty {
            augmentation = nil
        } else {
            var transforms: [Transform] = []
            for part in parameters.split(separator: ";") {
                transforms.append(try Transform(parameter: String(part)))
            }
            let made: Augmentation
            do { made = try Augmentation(transforms) } catch {
                throw AugmentError(.badProvenance, path: source, "cannot read augmentation '\(name)' with parameters '\(parameters)': \(error.message)")
            }
            guard made.name == name else {
                throw AugmentError(.badProvenance, path: source, "augmentation '\(name)' does not match its parameters '\(parameters)'")
            }
            augmentation = made
        }
        let seedText = attributes[Key.seed] ?? ""
        if seedText.isEmpty {
            seed = nil
        } else if let value = UInt64(seedText) {
            seed = value
        } else {
            throw AugmentError(.badProvenance, path: source, "augment_seed '\(seedText)' is not a whole number")
        }
    }
}

/// A signal together with its provenance: what augmentation takes and returns.
public struct AugmentedSignal: Sendable, Equatable {
    public var signal: Signal
    public var provenance: Provenance

    public init(signal: Signal, provenance: Provenance) {
        self.signal = signal
        self.provenance = provenance
    }

    /// An original signal read from `source`.
    public init(original signal: Signal, source: String) {
        self.init(signal: signal, provenance: .original(source))
    }
}
