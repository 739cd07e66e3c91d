/// The harmonised emotion labels shared by every corpus, in the order tables list them.
///
/// EMOVO's Italian codes, RAVDESS's numbers, CREMA-D's three-letter codes and common folder names all map
/// onto these seven names.
public enum Emotion: String, Sendable, CaseIterable, Comparable {
    case neutral, anger, disgust, fear, happiness, sadness, surprise

    /// The label as it appears in tables and CSV columns ("anger").
    public var name: String { rawValue }

    public static func < (a: Emotion, b: Emotion) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The harmonised emotion of a common label: English names and adjectives ("angry", "happy",
    /// "surprised"), the three-letter codes of CREMA-D ("ANG") and EMOVO ("rab", "gio"), and the Italian
    /// names ("rabbia"); case does not matter. Nil for anything else (including "calm").
    public init?(label: String) {
        let synonyms: [String: Emotion] = [
            "neutral": .neutral, "neu": .neutral, "neutro": .neutral, "neutrale": .neutral,
            "anger": .anger, "angry": .anger, "ang": .anger, "rab": .anger, "rabbia": .anger,
            "disgust": .disgust, "disgusted": .disgust, "dis": .disgust, "disgusto": .disgust,
            "fear": .fear, "fearful": .fear, "fea": .fear, "pau": .fear, "paura": .fear, "afraid": .fear,
            "happiness": .happiness, "happy": .happiness, "hap": .happiness, "joy": .happiness,
            "gio": .happiness, "gioia": .happiness,
            "sadness": .sadness, "sad": .sadness, "tri": .sadness, "tristezza": .sadness,
            "surprise": .surprise, "surprised": .surprise, "sur": .surprise, "sor": .surprise,
            "sorpresa": .surprise, "ps": .surprise,
        ]
        guard let e = synonyms[label.lowercased()] else { return nil }
        self = e
    }

    /// Orders label names: harmonised emotions first in `allCases` order, any other label after them, sorted.
    public static func order(_ a: String, _ b: String) -> Bool {
        switch (Emotion(rawValue: a), Emotion(rawValue: b)) {
        case let (x?, y?): x < y
        case (_?, nil): true
        case (nil, _?): false
        case (nil, nil): a < b
        }
    }
}
