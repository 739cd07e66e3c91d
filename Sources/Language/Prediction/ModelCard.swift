import Features
import Learn
import Support

/// What a model is, in a few lines a user can read before trusting its predictions: the data it was trained
/// on (and whether that was a synthetic demo corpus), the features and windows it takes, its classes, how it
/// was split and tested, its seed and the ser that made it. Kept as string pairs in the model file's metadata
/// (`Model.metadata`, saved in the safetensors header); `show model` and `ser predict --info` print it.
public struct ModelCard: Sendable, Equatable {
    /// The features the model takes (sample rate, windows, blocks, corpus, demo); nil for a model saved
    /// without a card (an older ser, or a model never trained).
    public var recipe: FeatureRecipe?
    /// Class names, index = output.
    public var classes: [String]
    /// Every metadata pair, as stored.
    public var metadata: [String: String]

    /// Metadata keys of the card (besides the recipe's: features, sample_rate, n_fft, hop_length, window,
    /// hop, corpus, demo).
    public enum Key {
        public static let table = "table", label = "label", split = "split", seed = "seed"
        public static let testAccuracy = "test_accuracy", testUAR = "test_uar", testRows = "test_rows"
        public static let trainRows = "train_rows", validationRows = "validation_rows", serVersion = "ser_version"
    }

    /// The card of `model` (its metadata and labels). Throws when the metadata names features ser cannot
    /// compute.
    public init(_ model: Model) throws(PredictionError) {
        try self.init(metadata: model.metadata, classes: model.labels)
    }

    public init(metadata: [String: String], classes: [String]) throws(PredictionError) {
        self.metadata = metadata
        self.classes = classes
        // Models saved before the card (ser 0.1.0's first `ser train`) used `features` for the table prefix
        // and had no sample rate: they have no recipe.
        guard metadata["sample_rate"] != nil else {
            recipe = nil
            return
        }
        do { recipe = try FeatureRecipe(metadata: metadata) } catch {
            throw PredictionError("the model's card: \(error.message)")
        }
    }

    /// The metadata a training writes: the table's recipe, the split, the test result, the seed, ser's version.
    public static func metadata(recipe: FeatureRecipe?, table: String?, label: String, split: String, seed: UInt64,
                                trainRows: Int, validationRows: Int, testRows: Int,
                                testAccuracy: Double?, testUAR: Double?) -> [String: String] {
        var m = recipe?.metadata ?? [:]
        if let table { m[Key.table] = table }
        m[Key.label] = label
        m[Key.split] = split
        m[Key.seed] = String(seed)
        m[Key.trainRows] = String(trainRows)
        m[Key.validationRows] = String(validationRows)
        m[Key.testRows] = String(testRows)
        if let testAccuracy { m[Key.testAccuracy] = String(testAccuracy) }
        if let testUAR { m[Key.testUAR] = String(testUAR) }
        m[Key.serVersion] = serVersion
        return m
    }

    /// True when the training data was a synthetic demo corpus.
    public var isDemo: Bool { recipe?.demo ?? false }

    /// The sentence predictions of a demo-trained model carry.
    public var demoNote: String? {
        guard isDemo else { return nil }
        let corpus = recipe?.corpus.map { " (\($0))" } ?? ""
        return "this model was trained on a synthetic demo corpus\(corpus), not on real recordings: its predictions show ser working, not emotions in real speech"
    }

    /// The card as a two-column table.
    public var table: Table {
        func percent(_ key: String) -> String? {
            metadata[key].flatMap(Double.init).map { formatNumber($0 * 100, digits: 1) + " %" }
        }
        var rows: [(String, String)] = []
        if let r = recipe {
            let corpus = r.corpus ?? "audio files"
            rows.append(("trained on", r.demo ? "\(corpus) — a synthetic DEMO corpus, not real recordings" : corpus))
        } else {
            rows.append(("trained on", "unknown (no model card: saved by an older ser or never trained)"))
        }
        if let t = metadata[Key.table] { rows.append(("feature table", t)) }
        if let r = recipe {
            rows.append(("features", "\(r.featureName) (\(r.width) values per window): time means, librosa 0.11 defaults"))
            rows.append(("sample rate", "\(r.settings.sampleRate) Hz, n_fft \(r.settings.stft.nFFT), hop_length \(r.settings.stft.hopLength)"))
            rows.append(("window", "\(FeatureRecipe.seconds(r.windowing.length)) s every \(FeatureRecipe.seconds(r.windowing.hop)) s"))
        }
        rows.append(("classes", classes.isEmpty ? "none (untrained)" : "\(classes.count): " + classes.joined(separator: ", ")))
        if let l = metadata[Key.label] { rows.append(("label column", l)) }
        if let s = metadata[Key.split] {
            var text = s
            if let tr = metadata[Key.trainRows], let v = metadata[Key.validationRows], let te = metadata[Key.testRows] {
                text += " (\(tr) train, \(v) validation, \(te) test rows)"
            }
            rows.append(("split", text))
        }
        if let a = percent(Key.testAccuracy) {
            rows.append(("test accuracy", a + (percent(Key.testUAR).map { ", UAR \($0)" } ?? "")))
        }
        if let s = metadata[Key.seed] { rows.append(("seed", s)) }
        if let v = metadata[Key.serVersion] { rows.append(("ser version", v)) }
        return Table(title: "model card", properties: rows)
    }
}

/// A model that cannot be used for the prediction asked, or input it cannot take; the message says which.
public struct PredictionError: ModuleError {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
