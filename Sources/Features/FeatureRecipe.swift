import Foundation
import Support

/// One block of the study's feature vector.
public enum FeatureBlock: String, Sendable, Hashable, CaseIterable {
    case mel, mfcc, chroma

    /// Values this block contributes with `settings` (128, 20 or 12 with librosa's defaults).
    public func width(_ settings: FeatureSettings) -> Int {
        switch self {
        case .mel: settings.nMels
        case .mfcc: settings.nMFCC
        case .chroma: settings.nChroma
        }
    }

    /// Where this block sits in the full vector `FeatureExtractor` computes (mel, then MFCC, then chroma).
    public func columns(_ settings: FeatureSettings) -> Range<Int> {
        switch self {
        case .mel: 0..<settings.nMels
        case .mfcc: settings.nMels..<(settings.nMels + settings.nMFCC)
        case .chroma: (settings.nMels + settings.nMFCC)..<settings.vectorLength
        }
    }
}

/// How a feature table was made: the analysis sample rate, the windows, which blocks of the vector it keeps
/// (in order), and the corpus it came from. A model trained on the table carries it in its model card, so that
/// `ser predict` computes the same features on new audio and refuses a model it cannot feed.
///
/// On disk it is `PREFIX.json` beside `PREFIX.npy` and `PREFIX.csv` (an object of strings, the keys of
/// `metadata`); tables without it (made elsewhere, or by an older ser) have no recipe.
public struct FeatureRecipe: Sendable, Hashable {
    /// STFT, filterbank and sample-rate settings (librosa 0.11's defaults at `settings.sampleRate`).
    public var settings: FeatureSettings
    /// Window length and hop in seconds.
    public var windowing: Windowing
    /// The blocks kept, in column order (all three, mel + MFCC + chroma, for the study's 160 values).
    public var blocks: [FeatureBlock]
    /// The corpus layout the rows came from (`emovo`, `ravdess`, `cremad`, `folders`), nil for plain files.
    public var corpus: String?
    /// True when the audio was a synthetic demo corpus (`SER-DEMO.txt`), not real recordings.
    public var demo: Bool

    public init(settings: FeatureSettings = FeatureSettings(), windowing: Windowing = Windowing(),
                blocks: [FeatureBlock] = FeatureBlock.allCases, corpus: String? = nil, demo: Bool = false) {
        self.settings = settings
        self.windowing = windowing
        self.blocks = blocks
        self.corpus = corpus
        self.demo = demo
    }

    /// Values per row.
    public var width: Int { blocks.reduce(0) { $0 + $1.width(settings) } }

    /// Indices into the full vector (`settings.vectorLength`) of the kept columns, in order.
    public var columns: [Int] { blocks.flatMap { Array($0.columns(settings)) } }

    /// `mel128+mfcc20+chroma12`: the blocks with their widths.
    public var featureName: String { blocks.map { "\($0.rawValue)\($0.width(settings))" }.joined(separator: "+") }

    /// The same features (sample rate, STFT, blocks and window length; the hop and the corpus may differ).
    public func sameFeatures(as other: FeatureRecipe) -> Bool {
        settings == other.settings && blocks == other.blocks && windowing.length == other.windowing.length
    }

    /// The recipe as string pairs (a model card's and `PREFIX.json`'s keys).
    public var metadata: [String: String] {
        var m = [
            "features": featureName, "sample_rate": String(settings.sampleRate),
            "n_fft": String(settings.stft.nFFT), "hop_length": String(settings.stft.hopLength),
            "window": FeatureRecipe.seconds(windowing.length), "hop": FeatureRecipe.seconds(windowing.hop),
            "demo": demo ? "true" : "false",
        ]
        if let corpus { m["corpus"] = corpus }
        return m
    }

    /// Reads `metadata`'s keys; nil when `features` is absent (no recipe). Throws naming a key whose value ser
    /// cannot use (an unknown block, a block width or STFT size other than ser's, a bad number).
    public init?(metadata m: [String: String]) throws(FeaturesError) {
        guard let name = m["features"] else { return nil }
        func bad(_ key: String, _ why: String) -> FeaturesError {
            FeaturesError(.badParameter, "\(key) \"\(m[key] ?? "")\": \(why)")
        }
        guard let rateText = m["sample_rate"], let rate = Int(rateText), (1000...384_000).contains(rate) else {
            throw bad("sample_rate", "not a sample rate in 1000…384000 Hz")
        }
        let settings = FeatureSettings(sampleRate: rate)
        if let n = m["n_fft"], Int(n) != settings.stft.nFFT {
            throw bad("n_fft", "ser computes features with n_fft \(settings.stft.nFFT)")
        }
        if let h = m["hop_length"], Int(h) != settings.stft.hopLength {
            throw bad("hop_length", "ser computes features with hop_length \(settings.stft.hopLength)")
        }
        var blocks: [FeatureBlock] = []
        for part in name.split(separator: "+") {
            let letters = String(part.prefix { $0.isLetter }), digits = part.dropFirst(letters.count)
            guard let block = FeatureBlock(rawValue: letters), !blocks.contains(block) else {
                throw bad("features", "'\(part)' is not one of mel, mfcc, chroma (each at most once)")
            }
            if !digits.isEmpty, Int(digits) != block.width(settings) {
                throw bad("features", "ser computes \(block.width(settings)) \(block.rawValue) values, not \(digits)")
            }
            blocks.append(block)
        }
        guard !blocks.isEmpty else { throw bad("features", "no blocks") }
        guard let w = m["window"].flatMap(Double.init), w > 0, w.isFinite, w <= 3600 else {
            throw bad("window", "not a window length in seconds")
        }
        let hop = m["hop"].flatMap(Double.init) ?? w
        guard hop > 0, hop.isFinite, hop <= 3600 else { throw bad("hop", "not a hop in seconds") }
        self.init(settings: settings, windowing: Windowing(length: w, hop: hop), blocks: blocks,
                  corpus: m["corpus"], demo: m["demo"] == "true")
    }

    /// `2`, `0.5`: seconds without trailing zeros.
    public static func seconds(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }

    // MARK: PREFIX.json

    /// The sidecar file of a table prefix.
    public static func path(prefix: String) -> String { prefix + ".json" }

    /// The recipe's JSON text (sorted keys, string values).
    public var json: String {
        // A dictionary of strings always serializes.
        let data = try! JSONSerialization.data(withJSONObject: metadata, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Reads `PREFIX.json` if it exists (nil when it does not).
    public static func read(prefix: String) throws(FeaturesError) -> FeatureRecipe? {
        let path = path(prefix: prefix)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw FeaturesError(.badFormat, path: path, "not JSON: the table's recipe cannot be read")
        }
        guard let dictionary = object as? [String: String] else {
            throw FeaturesError(.badFormat, path: path, "expected an object of strings (the table's recipe)")
        }
        let recipe: FeatureRecipe?
        do { recipe = try FeatureRecipe(metadata: dictionary) } catch {
            throw FeaturesError(error.code, path: path, error.message)
        }
        guard let recipe else { throw FeaturesError(.badFormat, path: path, "no \"features\" key") }
        return recipe
    }
}
