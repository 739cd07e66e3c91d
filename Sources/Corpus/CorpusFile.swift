/// One recording of a corpus and what its name and folder say about it.
public struct CorpusFile: Sendable, Equatable, Hashable {
    /// The full path (the corpus root joined with `relativePath`).
    public var path: String
    /// The path inside the corpus root, as the layout names it ("f1/rab-f1-b1.wav").
    public var relativePath: String
    /// The corpus layout's name: "emovo", "ravdess", "cremad" or "folders".
    public var corpus: String
    /// The speaker (actor) id as the corpus writes it: "f1", "01", "1001"; "" when the layout has none.
    public var speaker: String
    /// "female", "male", or "" when unknown.
    public var gender: String
    /// The sentence (phrase) code: EMOVO "b1", RAVDESS statement "01"/"02", CREMA-D "DFA"; "" when unknown.
    public var sentence: String
    /// The harmonised emotion ("anger"); in the folders layout, a folder name that is no known emotion is kept.
    public var emotion: String
    /// RAVDESS "normal"/"strong"; CREMA-D "low"/"medium"/"high"/"unspecified"; "" when the corpus has none.
    public var intensity: String

    public init(path: String, relativePath: String, corpus: String, speaker: String, gender: String,
                sentence: String, emotion: String, intensity: String) {
        self.path = path
        self.relativePath = relativePath
        self.corpus = corpus
        self.speaker = speaker
        self.gender = gender
        self.sentence = sentence
        self.emotion = emotion
        self.intensity = intensity
    }

    /// The metadata column names, in CSV order.
    public static let metadataColumns = ["corpus", "speaker", "gender", "sentence", "emotion", "intensity"]

    /// The metadata as column → value (keys are `metadataColumns`), for feature-table attributes.
    public var metadata: [String: String] {
        ["corpus": corpus, "speaker": speaker, "gender": gender, "sentence": sentence,
         "emotion": emotion, "intensity": intensity]
    }
}

/// A file inside a corpus folder that the layout could not read, and why.
public struct Problem: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The path inside the corpus root.
    public var relativePath: String
    /// Why it was not used, as a sentence fragment ("emotion code 'xyz' is not one of …").
    public var reason: String

    public init(relativePath: String, reason: String) {
        self.relativePath = relativePath
        self.reason = reason
    }

    public var description: String { "\(relativePath): \(reason)" }
}
