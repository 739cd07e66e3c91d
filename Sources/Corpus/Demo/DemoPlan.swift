import Support
/// The size of a demo corpus.
public enum DemoSize: String, Sendable, CaseIterable {
    /// A reduced set for fast tests: EMOVO 2 speakers × 3 sentences × 7 emotions = 42 files; RAVDESS 2 actors,
    /// one repetition (60 files); CREMA-D 2 actors × 3 sentences (56 files).
    case small
    /// The corpus's own design: EMOVO 6 × 14 × 7 = 588 files; RAVDESS 24 actors × 60 = 1440 files;
    /// CREMA-D 24 actors (of the real 91) × 82 = 1968 files.
    case full
}

/// One file a demo corpus will hold.
struct DemoUtterance: Sendable {
    var relativePath: String
    var text: String
    var speaker: DemoSpeaker
    var emotion: Emotion
    /// 0 (neutral) … 1 (full portrayal).
    var intensity: Double
}

/// What to write for one demo corpus: the audio files and any side files (CREMA-D's demographics).
struct DemoPlan: Sendable {
    var utterances: [DemoUtterance]
    /// Relative path → text content.
    var sideFiles: [(String, String)]

    static func make(_ layout: Layout, size: DemoSize, seed: UInt64) throws(CorpusError) -> DemoPlan {
        switch layout {
        case .emovo: emovo(size, seed)
        case .ravdess: ravdess(size, seed)
        case .cremad: cremad(size, seed)
        case .folders:
            throw CorpusError(.badParameter, "there is no demo for the folders layout; choose emovo, ravdess or cremad")
        }
    }

    /// Italian stand-in sentences in EMOVO's design: b = brief, l = long, n = nonsense, d = questions.
    static let emovoTexts: [String: String] = [
        "b1": "Gli operai si alzano presto.",
        "b2": "I vigili sono muniti di pistola.",
        "b3": "La cascata fa molto rumore.",
        "l1": "L'autunno prossimo Tony partirà per la Spagna nella prima metà di ottobre.",
        "l2": "Ora prendo la felpa di là ed esco per fare una passeggiata.",
        "l3": "Un attimo dopo si è incamminato verso la porta ed è uscito in silenzio.",
        "l4": "Vorrei il numero telefonico del signor Piatti.",
        "n1": "La casa forte vizia la lana.",
        "n2": "La cascata vola sul tavolo blu.",
        "n3": "Il gatto nuota tra le nuvole di vetro.",
        "n4": "Le finestre cantano piano la sera.",
        "n5": "Il pane corre dietro alla luna.",
        "d1": "Sarà per la vostra maggiore comodità?",
        "d2": "Quando tornerai a casa stasera?",
    ]

    static func emovo(_ size: DemoSize, _ seed: UInt64) -> DemoPlan {
        let speakers = size == .full ? Layout.emovoSpeakers : ["f1", "m1"]
        let sentences = size == .full ? Layout.emovoSentences : ["b1", "l1", "n1"]
        let codes = Layout.emovoEmotions.sorted { $0.key < $1.key }
        var out: [DemoUtterance] = []
        for (i, spk) in speakers.enumerated() {
            let speaker = DemoSpeaker(id: spk, gender: spk.hasPrefix("f") ? "female" : "male", language: "it",
                                      index: i, seed: seed)
            for (code, emotion) in codes {
                for sent in sentences {
                    out.append(DemoUtterance(relativePath: "\(spk)/\(code)-\(spk)-\(sent).wav", text: emovoTexts[sent]!,
                                             speaker: speaker, emotion: emotion, intensity: emotion == .neutral ? 0 : 1))
                }
            }
        }
        return DemoPlan(utterances: out, sideFiles: [])
    }

    /// English voices of several accents, so that actors differ in more than pitch.
    static let englishVoices = ["en-us", "en", "en-gb-x-rp", "en-gb-scotland", "en-029", "en-gb-x-gbclan"]

    static func english(_ index: Int) -> String { englishVoices[index % englishVoices.count] }

    static func ravdess(_ size: DemoSize, _ seed: UInt64) -> DemoPlan {
        let actors = size == .full ? Array(1...24) : [1, 2]
        let repetitions = size == .full ? ["01", "02"] : ["01"]
        let statements = ["01": "Kids are talking by the door.", "02": "Dogs are sitting by the door."]
        // 02 calm: a milder neutral, rendered as neutral with a touch of sadness's slowness.
        let emotions: [(String, Emotion, Bool)] = [
            ("01", .neutral, false), ("02", .neutral, true), ("03", .happiness, false), ("04", .sadness, false),
            ("05", .anger, false), ("06", .fear, false), ("07", .disgust, false), ("08", .surprise, false),
        ]
        var out: [DemoUtterance] = []
        for (i, a) in actors.enumerated() {
            let aa = a < 10 ? "0\(a)" : "\(a)"
            let gender = a % 2 == 1 ? "male" : "female"
            let speaker = DemoSpeaker(id: aa, gender: gender, language: english(i / 2), index: i / 2, seed: seed)
            for (ee, emotion, calm) in emotions {
                // As in RAVDESS, neutral has no strong intensity.
                for ii in (ee == "01" ? ["01"] : ["01", "02"]) {
                    for ss in ["01", "02"] {
                        for rr in repetitions {
                            let strength = emotion == .neutral && !calm ? 0 : (ii == "02" ? 1 : 0.6)
                            out.append(DemoUtterance(
                                relativePath: "Actor_\(aa)/03-01-\(ee)-\(ii)-\(ss)-\(rr)-\(aa).wav",
                                text: statements[ss]!, speaker: speaker,
                                emotion: calm ? .sadness : emotion, intensity: calm ? 0.3 * strength : strength))
                        }
                    }
                }
            }
        }
        return DemoPlan(utterances: out, sideFiles: [])
    }

    static let cremadTexts: [String: String] = [
        "IEO": "It's eleven o'clock.", "TIE": "That is exactly what happened.", "IOM": "I'm on my way to the meeting.",
        "IWW": "I wonder what this is about.", "TAI": "The airplane is almost full.",
        "MTI": "Maybe tomorrow it will be cold.", "IWL": "I would like a new alarm clock.",
        "ITH": "I think I have a doctor's appointment.", "DFA": "Don't forget a jacket.",
        "ITS": "I think I've seen this before.", "TSI": "The surface is slick.",
        "WSI": "We'll stop in a couple of minutes.",
    ]

    static func cremad(_ size: DemoSize, _ seed: UInt64) -> DemoPlan {
        let actors = size == .full ? Array(1001...1024) : [1001, 1002]
        let sentences = size == .full ? Layout.cremadSentences : ["IEO", "TIE", "DFA"]
        let codes = Layout.cremadEmotions.sorted { $0.key < $1.key }
        var out: [DemoUtterance] = []
        var demographics = "ActorID,Age,Sex,Race,Ethnicity\n"
        for (i, a) in actors.enumerated() {
            var r = SplitMix64(seed: seed, key: "actor \(a)")
            let gender = r.unit() < 0.5 ? "female" : "male"
            demographics += "\(a),\(Int(r.uniform(20, 70))),\(gender == "female" ? "Female" : "Male"),Unknown,Unknown\n"
            let speaker = DemoSpeaker(id: String(a), gender: gender, language: english(i + 3), index: i, seed: seed)
            for sent in sentences {
                for (code, emotion) in codes {
                    // As in CREMA-D: IEO is spoken at three levels, every other sentence at an unspecified one.
                    let levels: [(String, Double)] = sent == "IEO" && emotion != .neutral
                        ? [("LO", 0.4), ("MD", 0.7), ("HI", 1)] : [("XX", 0.75)]
                    for (ll, strength) in levels {
                        out.append(DemoUtterance(relativePath: "AudioWAV/\(a)_\(sent)_\(code)_\(ll).wav",
                                                 text: cremadTexts[sent]!, speaker: speaker, emotion: emotion,
                                                 intensity: emotion == .neutral ? 0 : strength))
                    }
                }
            }
        }
        return DemoPlan(utterances: out, sideFiles: [("VideoDemographics.csv", demographics)])
    }
}
