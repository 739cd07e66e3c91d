import Corpus
import Foundation
import Testing
import Support

/// A temporary folder filled with empty files at the given relative paths (parsing never reads audio).
final class Tree {
    let root: String

    init(_ paths: [String]) throws {
        root = NSTemporaryDirectory() + "ser-corpus-\(UUID().uuidString)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        for p in paths {
            let full = root + "/" + p
            if p.hasSuffix("/") {
                try fm.createDirectory(atPath: full, withIntermediateDirectories: true)
                continue
            }
            try fm.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = fm.createFile(atPath: full, contents: Data())
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }
}

private func emovoNames() -> [String] {
    var names: [String] = []
    for spk in ["f1", "f2", "f3", "m1", "m2", "m3"] {
        for emo in ["dis", "gio", "neu", "pau", "rab", "sor", "tri"] {
            for sent in ["b1", "b2", "b3", "l1", "l2", "l3", "l4", "n1", "n2", "n3", "n4", "n5", "d1", "d2"] {
                names.append("\(spk)/\(emo)-\(spk)-\(sent).wav")
            }
        }
    }
    return names
}

@Suite struct LayoutTests {
    @Test func emovoFullLayout() throws {
        let tree = try Tree(emovoNames() + ["documents/readme.txt"])
        let c = try Corpus.load(tree.root)
        #expect(c.layout == .emovo)
        #expect(c.files.count == 588)
        #expect(c.problems.isEmpty)
        #expect(c.warnings.isEmpty)
        #expect(c.otherFiles == 1)
        let f = try #require(c["f1/rab-f1-b1.wav"])
        #expect(f.metadata == ["corpus": "emovo", "speaker": "f1", "gender": "female", "sentence": "b1",
                               "emotion": "anger", "intensity": ""])
        #expect(c["m3/gio-m3-d2.wav"]?.emotion == "happiness")
        #expect(c["m3/gio-m3-d2.wav"]?.gender == "male")
        #expect(c.emotions == ["neutral", "anger", "disgust", "fear", "happiness", "sadness", "surprise"])
        #expect(c.speakers == ["f1", "f2", "f3", "m1", "m2", "m3"])
        let s = c.summary
        #expect(s.count(emotion: "fear", speaker: "m2") == 14)
        #expect(s.total == 588)
        #expect(s.markdown.hasPrefix("| emotion | f1 | f2 | f3 | m1 | m2 | m3 | total |\n| --- |"))
        #expect(s.markdown.contains("| neutral | 14 | 14 | 14 | 14 | 14 | 14 | 84 |"))
        #expect(s.text.contains("\ntotal      98  98  98  98  98  98    588\n"), "\(s.text)")
    }

    @Test func emovoBadNamesAreListedWithReasons() throws {
        let tree = try Tree([
            "f1/rab-f1-b1.wav", "f1/neu-f1-b2.wav", "f2/dis-f2-n1.wav",
            "f1/xyz-f1-b1.wav",       // unknown emotion
            "f1/rab-f9-b1.wav",       // unknown speaker
            "f1/rab-f1-q7.wav",       // unknown sentence
            "f1/rab_f1_b1.wav",       // wrong separators
            "f2/tri-f1-b1.wav",       // wrong folder
        ])
        let c = try Corpus.load(tree.root, layout: .emovo)
        #expect(c.files.count == 3)
        let reasons = Dictionary(uniqueKeysWithValues: c.problems.map { ($0.relativePath, $0.reason) })
        #expect(reasons["f1/xyz-f1-b1.wav"]?.contains("emotion code 'xyz'") == true)
        #expect(reasons["f1/rab-f9-b1.wav"]?.contains("speaker 'f9'") == true)
        #expect(reasons["f1/rab-f1-q7.wav"]?.contains("sentence 'q7'") == true)
        #expect(reasons["f1/rab_f1_b1.wav"]?.contains("<emotion>-<speaker>-<sentence>") == true)
        #expect(reasons["f2/tri-f1-b1.wav"]?.contains("lies in folder 'f2'") == true)
        #expect(c.warnings.contains { $0.hasPrefix("5 audio files left out") })
        // Classes with no files are named.
        #expect(c.warnings.contains("class 'fear' has no files"))
        #expect(!c.warnings.contains("class 'anger' has no files"))
    }

    @Test func ravdessSpeechWithCalmDroppedOrMerged() throws {
        let tree = try Tree([
            "Actor_01/03-01-01-01-01-01-01.wav",   // neutral, male
            "Actor_01/03-01-02-02-02-01-01.wav",   // calm strong
            "Actor_02/03-01-05-02-01-02-02.wav",   // angry strong, female
            "Actor_02/03-01-08-01-02-01-02.wav",   // surprised
            "Actor_02/03-02-05-01-01-01-02.wav",   // song: a problem
            "Actor_02/01-01-05-01-01-01-02.wav",   // audio-video: a problem
            "Actor_03/03-01-09-01-01-01-03.wav",   // emotion 09: a problem
            "Actor_03/03-01-05-01-01-01-04.wav",   // wrong actor folder
        ])
        let c = try Corpus.load(tree.root)
        #expect(c.layout == .ravdess)
        #expect(c.files.map(\.relativePath) == ["Actor_01/03-01-01-01-01-01-01.wav", "Actor_02/03-01-05-02-01-02-02.wav",
                                                "Actor_02/03-01-08-01-02-01-02.wav"])
        let angry = try #require(c["Actor_02/03-01-05-02-01-02-02.wav"])
        #expect(angry.metadata == ["corpus": "ravdess", "speaker": "02", "gender": "female", "sentence": "01",
                                   "emotion": "anger", "intensity": "strong"])
        #expect(c["Actor_01/03-01-01-01-01-01-01.wav"]?.gender == "male")
        #expect(c.problems.count == 4)
        #expect(c.problems.contains { $0.reason.contains("song") })
        #expect(c.problems.contains { $0.reason.contains("modality 01") })
        #expect(c.problems.contains { $0.reason.contains("emotion 09") })
        #expect(c.problems.contains { $0.reason.contains("lies in folder 'Actor_03'") })
        #expect(c.warnings.contains { $0.hasPrefix("1 RAVDESS calm file left out") })

        let merged = try Corpus.load(tree.root, calm: .neutral)
        let calm = try #require(merged["Actor_01/03-01-02-02-02-01-01.wav"])
        #expect(calm.emotion == "neutral")
        #expect(calm.intensity == "strong")
        #expect(merged.files.count == 4)
    }

    @Test func cremadWithDemographics() throws {
        let tree = try Tree([
            "AudioWAV/1001_DFA_ANG_XX.wav", "AudioWAV/1001_IEO_HAP_HI.wav", "AudioWAV/1002_TIE_SAD_LO.wav",
            "AudioWAV/1091_WSI_NEU_MD.wav", "AudioWAV/1092_WSI_NEU_MD.wav", "AudioWAV/1001_ABC_ANG_XX.wav",
            "AudioWAV/1001_DFA_XXX_XX.wav",
        ])
        try "ActorID,Age,Sex,Race,Ethnicity\n1001,51,Male,Caucasian,Not Hispanic\n1002,21,Female,Caucasian,Not Hispanic\n"
            .write(toFile: tree.root + "/VideoDemographics.csv", atomically: true, encoding: .utf8)
        let c = try Corpus.load(tree.root)
        #expect(c.layout == .cremad)
        #expect(c.files.count == 4)
        let f = try #require(c["AudioWAV/1002_TIE_SAD_LO.wav"])
        #expect(f.metadata == ["corpus": "cremad", "speaker": "1002", "gender": "female", "sentence": "TIE",
                               "emotion": "sadness", "intensity": "low"])
        #expect(c["AudioWAV/1001_DFA_ANG_XX.wav"]?.intensity == "unspecified")
        #expect(c["AudioWAV/1091_WSI_NEU_MD.wav"]?.gender == "")
        #expect(c.problems.map(\.reason).sorted() == [
            "actor '1092' is not between 1001 and 1091",
            "emotion 'XXX' is not one of ANG DIS FEA HAP NEU SAD",
            "sentence 'ABC' is not one of IEO TIE IOM IWW TAI MTI IWL ITH DFA ITS TSI WSI",
        ])
        #expect(c.warnings.contains("class 'fear' has no files"))
        #expect(!c.warnings.contains("class 'surprise' has no files"))  // CREMA-D has no surprise

        // Pointing at the AudioWAV folder itself works too, demographics found beside it.
        let inner = try Corpus.load(tree.root + "/AudioWAV")
        #expect(inner.layout == .cremad)
        #expect(inner["1001_DFA_ANG_XX.wav"]?.gender == "male")
    }

    @Test func foldersLayout() throws {
        let tree = try Tree(["angry/a.wav", "angry/b.flac", "Happy/c.wav", "whatever/d.wav", "empty/",
                             "stray.wav", "angry/deeper/e.wav", "angry/notes.txt"])
        let c = try Corpus.load(tree.root)
        #expect(c.layout == .folders)
        #expect(c.files.map(\.emotion) == ["happiness", "anger", "anger", "whatever"])
        #expect(c.files[0].metadata["speaker"] == "")
        #expect(c.problems.count == 2)
        #expect(c.problems.contains(Problem(relativePath: "stray.wav", reason: "lies directly in the corpus folder, not in a label folder")))
        #expect(c.warnings.contains("label folder 'empty' has no audio files"))
        #expect(c.otherFiles == 1)
    }

    @Test func clearErrors() throws {
        #expect { try Corpus.load("/nonexistent/ser-corpus") } throws: { error in
            (error as? CorpusError)?.code == .missingFolder && "\(error)" == "/nonexistent/ser-corpus: no such folder"
        }
        let empty = try Tree(["notes.txt"])
        #expect { try Corpus.load(empty.root) } throws: { error in
            (error as? CorpusError)?.code == .empty && "\(error)".contains("no audio files")
        }
        let nothingFits = try Tree(["f1/hello.wav", "f1/world.wav"])
        #expect { try Corpus.load(nothingFits.root, layout: .emovo) } throws: { error in
            (error as? CorpusError)?.code == .empty && "\(error)".contains("f1/hello.wav: name is not")
        }
        let unknown = try Tree(["a.wav", "b/c/d.wav"])
        #expect { try Corpus.load(unknown.root) } throws: { error in
            (error as? CorpusError)?.code == .unknownLayout
        }
        let emovo = try Tree(emovoNames())
        #expect(try Corpus.detect(emovo.root) == .emovo)
        #expect(!(try Corpus.load(emovo.root).isSyntheticDemo))
        if let home = ProcessInfo.processInfo.environment["HOME"] {
            #expect(Files.expandingTilde("~/data/EMOVO") == home + "/data/EMOVO")
        }
        #expect(Files.expandingTilde("/a/~/b") == "/a/~/b")
    }

    @Test func harmonisedLabels() {
        #expect(Emotion(label: "ANG") == .anger)
        #expect(Emotion(label: "gio") == .happiness)
        #expect(Emotion(label: "Surprised") == .surprise)
        #expect(Emotion(label: "calm") == nil)
        #expect(["zzz", "sadness", "neutral", "anger"].sorted(by: Emotion.order) == ["neutral", "anger", "sadness", "zzz"])
    }
}
