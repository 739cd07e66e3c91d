/// The corpus layouts ser reads: file names and folders as the corpora are distributed.
///
/// - `emovo`: `<spk>/<emo>-<spk>-<sent>.wav`; speakers f1 f2 f3 m1 m2 m3; emotions dis gio neu pau rab sor tri;
///   sentences b1–b3, l1–l4, n1–n5, d1–d2 (588 files).
/// - `ravdess` (audio-only speech): `Actor_NN/MM-VV-EE-II-SS-RR-AA.wav`, modality 03, vocal channel 01;
///   emotion EE 01 neutral, 02 calm, 03 happy, 04 sad, 05 angry, 06 fearful, 07 disgust, 08 surprised;
///   intensity II 01 normal / 02 strong; statement SS 01/02; repetition RR; actor AA 01–24, odd = male.
/// - `cremad`: `AudioWAV/AAAA_SSS_EEE_LL.wav` (or the AudioWAV folder itself); actor 1001–1091, 12 sentences,
///   emotions ANG DIS FEA HAP NEU SAD, levels LO MD HI XX; gender from `VideoDemographics.csv` when present.
/// - `folders`: one folder per label, audio files directly inside (`anger/x.wav`).
public enum Layout: String, Sendable, CaseIterable, CustomStringConvertible {
    case emovo, ravdess, cremad, folders

    public var description: String { rawValue }

    /// The emotions a complete corpus of this layout holds (empty for `folders`: its folders decide).
    public var expectedEmotions: [Emotion] {
        switch self {
        case .emovo, .ravdess: Emotion.allCases
        case .cremad: [.neutral, .anger, .disgust, .fear, .happiness, .sadness]
        case .folders: []
        }
    }
}

/// What RAVDESS's "calm" (emotion 02) becomes; it has no counterpart in the harmonised labels.
public enum CalmHandling: String, Sendable, CaseIterable {
    /// Calm files are left out (the default); the load notes how many.
    case drop
    /// Calm files are labelled neutral.
    case neutral
}

/// Audio file extensions a corpus may hold (what libsndfile reads).
let audioExtensions: Set<String> = ["wav", "flac", "ogg", "aiff", "aif"]

/// Result of parsing one name: metadata, or the reason it does not fit.
enum Parsed {
    case file(speaker: String, gender: String, sentence: String, emotion: String, intensity: String)
    /// A file the layout knows and leaves out on purpose (RAVDESS calm with `.drop`), with a note.
    case skipped(String)
    case problem(String)
}

extension Layout {
    static let emovoEmotions: [String: Emotion] = [
        "dis": .disgust, "gio": .happiness, "neu": .neutral, "pau": .fear, "rab": .anger, "sor": .surprise,
        "tri": .sadness,
    ]
    static let emovoSpeakers = ["f1", "f2", "f3", "m1", "m2", "m3"]
    static let emovoSentences = ["b1", "b2", "b3", "l1", "l2", "l3", "l4", "n1", "n2", "n3", "n4", "n5", "d1", "d2"]

    static let ravdessEmotions: [String: Emotion] = [
        "01": .neutral, "03": .happiness, "04": .sadness, "05": .anger, "06": .fear, "07": .disgust,
        "08": .surprise,
    ]

    static let cremadEmotions: [String: Emotion] = [
        "ANG": .anger, "DIS": .disgust, "FEA": .fear, "HAP": .happiness, "NEU": .neutral, "SAD": .sadness,
    ]
    static let cremadSentences = ["IEO", "TIE", "IOM", "IWW", "TAI", "MTI", "IWL", "ITH", "DFA", "ITS", "TSI", "WSI"]
    static let cremadLevels = ["LO": "low", "MD": "medium", "HI": "high", "XX": "unspecified"]

    /// Whether a file name has this layout's shape, whatever its field values: EMOVO `xxx-yy-zz`, RAVDESS seven
    /// two-digit fields, CREMA-D `NNNN_XXX_XXX_XX`. Used to detect the layout.
    func namesLike(_ relative: String) -> Bool {
        let stem = FileTree.stem(relative)
        switch self {
        case .emovo:
            let f = stem.split(separator: "-", omittingEmptySubsequences: false)
            return f.count == 3 && Layout.emovoEmotions[f[0].lowercased()] != nil
        case .ravdess:
            let f = stem.split(separator: "-", omittingEmptySubsequences: false)
            return f.count == 7 && f.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isNumber) }
        case .cremad:
            let f = stem.split(separator: "_", omittingEmptySubsequences: false)
            return f.count == 4 && f[0].count == 4 && f[0].allSatisfy(\.isNumber)
        case .folders:
            return relative.split(separator: "/").count == 2
        }
    }

    /// Parses one audio file's path (relative to the corpus root) under this layout.
    func parse(_ relative: String, calm: CalmHandling, genders: [String: String]) -> Parsed {
        let parts = relative.split(separator: "/").map(String.init)
        let stem = FileTree.stem(relative)
        let folder = parts.count >= 2 ? parts[parts.count - 2] : ""
        switch self {
        case .emovo:
            let f = stem.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 3 else {
                return .problem("name is not <emotion>-<speaker>-<sentence> (e.g. rab-f1-b1.wav)")
            }
            guard let e = Layout.emovoEmotions[f[0].lowercased()] else {
                return .problem("emotion code '\(f[0])' is not one of dis, gio, neu, pau, rab, sor, tri")
            }
            let spk = f[1].lowercased()
            guard Layout.emovoSpeakers.contains(spk) else {
                return .problem("speaker '\(f[1])' is not one of f1 f2 f3 m1 m2 m3")
            }
            let sent = f[2].lowercased()
            guard Layout.emovoSentences.contains(sent) else {
                return .problem("sentence '\(f[2])' is not one of \(Layout.emovoSentences.joined(separator: " "))")
            }
            if !folder.isEmpty, folder.lowercased() != spk {
                return .problem("file of speaker \(spk) lies in folder '\(folder)'")
            }
            return .file(speaker: spk, gender: spk.hasPrefix("f") ? "female" : "male", sentence: sent,
                         emotion: e.name, intensity: "")
        case .ravdess:
            let f = stem.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 7, f.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isNumber) }) else {
                return .problem("name is not seven two-digit fields MM-VV-EE-II-SS-RR-AA (e.g. 03-01-05-02-01-01-12.wav)")
            }
            guard f[0] == "03" else {
                return .problem("modality \(f[0]) is not 03 (audio-only); 01 is audio-video, 02 video-only")
            }
            guard f[1] == "01" else {
                return .problem(f[1] == "02" ? "vocal channel 02 is song; ser reads speech (01)" : "vocal channel \(f[1]) is not 01 (speech)")
            }
            guard let actor = Int(f[6]), (1...24).contains(actor) else {
                return .problem("actor \(f[6]) is not between 01 and 24")
            }
            if !folder.isEmpty, folder.hasPrefix("Actor_"), folder != "Actor_\(f[6])" {
                return .problem("file of actor \(f[6]) lies in folder '\(folder)'")
            }
            let intensity: String
            switch f[3] {
            case "01": intensity = "normal"
            case "02": intensity = "strong"
            default: return .problem("intensity \(f[3]) is not 01 (normal) or 02 (strong)")
            }
            guard f[4] == "01" || f[4] == "02" else { return .problem("statement \(f[4]) is not 01 or 02") }
            let emotion: String
            if f[2] == "02" {
                if calm == .drop { return .skipped("calm") }
                emotion = Emotion.neutral.name
            } else if let e = Layout.ravdessEmotions[f[2]] {
                emotion = e.name
            } else {
                return .problem("emotion \(f[2]) is not between 01 and 08")
            }
            return .file(speaker: f[6], gender: actor % 2 == 1 ? "male" : "female", sentence: f[4],
                         emotion: emotion, intensity: intensity)
        case .cremad:
            let f = stem.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 4 else {
                return .problem("name is not AAAA_SSS_EEE_LL (e.g. 1001_DFA_ANG_XX.wav)")
            }
            guard let actor = Int(f[0]), f[0].count == 4, (1001...1091).contains(actor) else {
                return .problem("actor '\(f[0])' is not between 1001 and 1091")
            }
            guard Layout.cremadSentences.contains(f[1]) else {
                return .problem("sentence '\(f[1])' is not one of \(Layout.cremadSentences.joined(separator: " "))")
            }
            guard let e = Layout.cremadEmotions[f[2]] else {
                return .problem("emotion '\(f[2])' is not one of ANG DIS FEA HAP NEU SAD")
            }
            guard let level = Layout.cremadLevels[f[3]] else {
                return .problem("level '\(f[3])' is not one of LO MD HI XX")
            }
            return .file(speaker: f[0], gender: genders[f[0]] ?? "", sentence: f[1], emotion: e.name, intensity: level)
        case .folders:
            guard parts.count == 2 else {
                return .problem(parts.count == 1
                    ? "lies directly in the corpus folder, not in a label folder"
                    : "lies \(parts.count - 1) folders deep; the folders layout expects <label>/<file>")
            }
            return .file(speaker: "", gender: "", sentence: "", emotion: Emotion(label: folder)?.name ?? folder, intensity: "")
        }
    }
}
