import Audio
import Corpus
import Features
import Foundation
import Testing
@testable import Language

/// Corpus verbs on the small EMOVO demo corpus (42 files, synthesised by espeak-ng into a temporary folder).
@Suite(.serialized) struct CorpusVerbTests {
    static func session() throws -> (Session, String) {
        let folder = NSTemporaryDirectory() + "ser-corpus-\(UUID().uuidString)"
        let session = Session()
        try session.execute("e = demo emovo size=small into=\"\(folder)/emovo\" seed=1", file: "setup")
        return (session, folder)
    }

    @Test func demoLoadShowIndex() throws {
        let (session, folder) = try CorpusVerbTests.session()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard case .corpus(let c) = session.values["e"]!.payload else { Issue.record("no corpus"); return }
        #expect(c.corpus.files.count == 42 && c.corpus.layout == .emovo)
        // Made once: the second time reads the folder back.
        let again = try session.execute("e2 = demo emovo size=small into=\"\(folder)/emovo\" seed=1", file: "t")
        #expect(again.text.contains("demo corpus already there (42 files)"))
        let out = try session.execute("""
            show e
            l = load emovo "\(folder)/emovo"
            d = load corpus "\(folder)/emovo"
            x = e["f1/rab-f1-b1.wav"]
            y = e[0]
            e.files
            """, file: "t")
        #expect(out.text.contains("| anger     |   3 |   3 |     6 |"))
        #expect(out.text.contains("l = corpus emovo"))
        #expect(out.text.contains("d = corpus emovo"))
        guard case .signal(let x) = session.values["x"]!.payload else { Issue.record("no signal"); return }
        #expect(x.signal.sampleRate == 22050 && x.attributes["emotion"] == "anger" && x.attributes["speaker"] == "f1")
        #expect(out.text.hasSuffix("42"))
        // LOPO's phrase: the sentence with the longest mean duration, checked against the decoded files.
        let longest = try session.execute("phrase = longest e by=sentence", file: "t")
        var seconds: [String: [Double]] = [:]
        for f in c.corpus.files {
            let audio = try SoundFile.read(f.path)
            seconds[f.sentence, default: []].append(Double(audio.frames) / Double(audio.sampleRate))
        }
        let means = seconds.mapValues { $0.reduce(0, +) / Double($0.count) }
        let expected = means.max { $0.value < $1.value }!.key
        guard case .string(let phrase) = session.values["phrase"]!.payload else { Issue.record("no phrase"); return }
        #expect(phrase == expected && means.count == 3)
        #expect(longest.text.contains("longest sentence by mean duration: \(expected) ("))
        #expect(longest.text.contains("| sentence | files | mean s |"))
        for (text, message, column) in [
            (#"x = e["f1/rab-f1-b2.wav"]"#, "no file 'f1/rab-f1-b2.wav' in the corpus; did you mean 'f1/rab-f1-b1.wav'?", 7),
            ("x = e[99]", "file index must be a whole number in 0…41", 7),
            (#"x = load emovo "/nonexistent/EMOVO""#, "/nonexistent/EMOVO: no such folder", 16),
            ("x = demo emovo size=tiny", "'size' of 'demo emovo' expects one of small, full, given 'tiny'", 21),
        ] {
            do { try session.execute(text, file: "t"); Issue.record("no error: \(text)") } catch {
                #expect(error.message.hasPrefix(message), "\(text): \(error.message)")
                #expect(error.column == column, "\(text)")
            }
        }
    }

    @Test func featuresSplitsAndCrossvalOnTheCorpus() throws {
        let (session, folder) = try CorpusVerbTests.session()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = try session.execute("""
            f = features e window=2s hop=1s
            s = split f loso
            net = model cnn1d classes=7 filters=[8] kernels=[5] dense=[16]
            cv = crossval net s epochs=2 patience=0
            """, file: "t")
        guard case .features(let f) = session.values["f"]!.payload else { Issue.record("no features"); return }
        #expect(f.width == 160 && f.count > 42)
        #expect(f.attributeNames.starts(with: ["corpus", "speaker", "gender", "sentence", "emotion"]))
        #expect(f.rows[0].file == "f1/dis-f1-b1.wav" || f.rows[0].file.hasPrefix("f1/"))
        #expect(out.text.contains("s = split loso: 2 folds"))
        #expect(out.text.contains("cv = report over 2"))
        // A corpus round-trips through the cache coder.
        let back = try ValueCoder.decode(try ValueCoder.encode(session.values["e"]!))
        #expect(back.summary == session.values["e"]!.summary)
        do { try session.execute("m = merge [e, e]", file: "t"); Issue.record("no error") } catch {
            #expect(error.message.contains("is in two of the corpora"))
        }
        do { try session.execute("m = merge [e, f]", file: "t"); Issue.record("no error") } catch {
            #expect(error.message == "merge corpora with corpora and tables with tables")
        }
    }
}
