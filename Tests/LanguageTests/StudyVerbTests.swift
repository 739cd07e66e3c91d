import Evaluate
import Features
import Foundation
import Learn
import Testing
@testable import Language

/// The study's verbs end to end on a small synthetic feature table: 3 emotions × 4 speakers × 5 files ×
/// 2 windows, each class a different mean, so a small CNN learns it in a few epochs.
@Suite(.serialized) struct StudyVerbTests {
    static func table() -> FeatureTable {
        var rng: UInt64 = 42
        func noise() -> Float {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Float(Double(rng >> 11) / Double(1 << 53)) - 0.5
        }
        var t = FeatureTable(width: 160)
        let emotions = ["ang", "hap", "sad"]
        for (e, emotion) in emotions.enumerated() {
            for speaker in ["f1", "f2", "m1", "m2"] {
                for n in 0..<5 {
                    let file = "\(speaker)/\(emotion)-\(n).wav"
                    for w in 0..<2 {
                        let v = (0..<160).map { c in Float(c % 3 == e ? 2 : 0) + noise() }
                        t.append(v, FeatureRow(file: file, window: w, start: Double(w) * 2, end: Double(w) * 2 + 2,
                                               attributes: ["speaker": speaker, "emotion": emotion, "sentence": "s\(n)"]))
                    }
                }
            }
        }
        return t
    }

    static func session() throws -> (Session, String) {
        let dir = NSTemporaryDirectory() + "ser-study-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try table().write(prefix: dir + "/feats")
        let session = Session()
        try session.execute("""
            feats = load features "\(dir)/feats"
            net = model cnn1d classes=3 filters=[4] kernels=[3] dense=[8] seed=1
            """, file: "setup")
        return (session, dir)
    }

    @Test func splitSchemesAndLeakage() throws {
        let (session, dir) = try StudyVerbTests.session()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try session.execute("""
            s = split feats naive seed=1
            g = split feats grouped seed=1
            l = split feats loso
            p = split feats lopo val=0%
            k = split feats kfold k=4 stratify=true
            s.test.rows
            l.folds
            """, file: "t")
        #expect(out.text.contains("s = split naive: 84 train, 12 validation, 24 test; LEAKS"))
        #expect(out.text.contains("g = split grouped:"))
        #expect(out.text.contains("; no leakage"))
        #expect(out.text.contains("l = split loso: 4 folds"))
        #expect(out.text.contains("p = split lopo: 5 folds"))
        #expect(out.text.contains("k = split kfold: 4 folds"))
        #expect(out.text.hasSuffix("24\n\n4"))
        let fold = try session.execute(#"show l["f2"]"#, file: "t").text
        #expect(fold.contains("loso f2"))
        do { try session.execute("x = l.test", file: "t"); Issue.record("multi-fold .test") } catch {
            #expect(error.message.contains("has no member 'test'"))
        }
        do { try session.execute(#"x = split feats loso only="f9""#, file: "t"); Issue.record("unknown group") } catch {
            #expect(error.message.contains("'f9'"))
            #expect(error.column == 22)
        }
        do { try session.execute("x = split feats loso by=speakr", file: "t"); Issue.record("bad column") } catch {
            #expect(error.message.contains("no column 'speakr'; did you mean 'speaker'?"))
            #expect(error.column == 22)
        }
        do { try session.execute(#"x = split feats loso by="speakr""#, file: "t"); Issue.record("bad column") } catch {
            #expect(error.message.contains("no column 'speakr'; did you mean 'speaker'?"))
        }
    }

    /// Rows of augmented copies (augmentation ≠ none) are training data only: `split` never tests or validates on them.
    @Test func augmentedRowsStayOnTheTrainingSide() throws {
        var t = FeatureTable(width: 160)
        let params = ["none": "", "noise": "noise=0.035", "stretch": "stretch=0.8", "pitch": "pitch=0.7"]
        for f in 0..<20 {
            for augmentation in ["none", "noise", "stretch", "pitch"] {
                let file = augmentation == "none" ? "f\(f).wav" : "f\(f).wav#\(augmentation)"
                t.append([Float](repeating: Float(f), count: 160),
                         FeatureRow(file: file, window: 0, start: 0, end: 2,
                                    attributes: ["emotion": f % 2 == 0 ? "ang" : "sad", "speaker": "s\(f % 4)",
                                                 "source": "f\(f).wav", "augmentation": augmentation, "augment_params": params[augmentation]!]))
            }
        }
        let dir = NSTemporaryDirectory() + "ser-aug-split-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try t.write(prefix: dir + "/aug")
        let session = Session()
        try session.execute("""
            aug = load features "\(dir)/aug"
            g = split aug grouped seed=2
            n = split aug naive seed=2
            l = split aug loso
            """, file: "t")
        guard case .split(let g) = try #require(session.values["g"]).payload,
              case .split(let n) = try #require(session.values["n"]).payload,
              case .split(let l) = try #require(session.values["l"]).payload else {
            Issue.record("not splits"); return
        }
        for split in g.splits + n.splits + l.splits {
            #expect(!split.test.isEmpty)
            for row in split.test + split.validation { #expect(t.rows[row].attributes["augmentation"] == "none", "\(split.name)") }
        }
        #expect(g.splits[0].train.contains { t.rows[$0].attributes["augmentation"] != "none" })
        for split in g.splits + n.splits + l.splits { #expect(split.augmentation?.fromHeldOutAudio == 0, "\(split.name)") }
    }

    /// A table of 3-window recordings with a stretched copy (4 windows) each, written to `dir/aug`.
    static func augmentedTable(dir: String) throws {
        var t = FeatureTable(width: 160)
        for f in 0..<24 {
            let attributes = ["emotion": ["ang", "hap", "sad"][f % 3], "speaker": "s\(f % 4)", "sentence": "p\(f % 2)", "source": "f\(f).wav"]
            func add(_ w: Int, _ augmentation: String, _ params: String) {
                var a = attributes
                a["augmentation"] = augmentation
                a["augment_params"] = params
                t.append((0..<160).map { c in Float(c % 3 == f % 3 ? 2 : 0) + Float(w) * 0.01 },
                         FeatureRow(file: "f\(f).wav", window: w, start: Double(2 * w), end: Double(2 * w + 2), attributes: a))
            }
            for w in 0..<3 { add(w, "none", "") }
            for w in 0..<4 { add(w, "stretch", "stretch=0.8") }
        }
        try t.write(prefix: dir + "/aug")
    }

    @Test func splitReportsWhereAugmentedRowsWent() throws {
        let dir = NSTemporaryDirectory() + "ser-aug-check-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.augmentedTable(dir: dir)
        let session = Session()
        let out = try session.execute("""
            aug = load features "\(dir)/aug"
            n = split aug naive seed=4
            show n
            leaky = split aug naive augmented=leaky seed=4
            p = split aug lopo only=p0
            """, file: "t")
        #expect(out.text.contains("augmented: "))
        #expect(out.text.contains("none made from validation or test audio"))
        #expect(out.text.contains("| augmented rows (training only)"))
        #expect(out.text.contains("LEAKY: "))
        guard case .split(let n) = session.values["n"]!.payload, case .split(let p) = session.values["p"]!.payload else {
            Issue.record("no splits"); return
        }
        let check = try #require(n.splits[0].augmentation)
        #expect(check.inTraining > 0 && check.setAside > 0 && check.fromHeldOutAudio == 0)
        #expect(p.splits[0].augmentation?.fromHeldOutFiles == 0)
        for (text, message) in [
            ("x = split aug grouped augmented=leaky", "augmented=leaky is a variant of the naive split; grouped keeps every file's copies with the file"),
            ("x = split aug naive augmented=dirty", "'augmented' of 'split' expects one of clean, leaky"),
        ] {
            do { try session.execute(text, file: "t"); Issue.record("no error: \(text)") } catch {
                #expect(error.message.hasPrefix(message), "\(text): \(error.message)")
            }
        }
        let (plain, plainDir) = try StudyVerbTests.session()
        defer { try? FileManager.default.removeItem(atPath: plainDir) }
        do { try plain.execute("x = split feats naive augmented=leaky", file: "t"); Issue.record("no error") } catch {
            #expect(error.message.contains("the table holds no augmented rows"))
        }
    }

    @Test func unreadableAugmentationParametersNameTheRow() throws {
        var t = FeatureTable(width: 160)
        for f in 0..<4 {
            for augmentation in ["none", "stretch"] {
                t.append([Float](repeating: 0, count: 160),
                         FeatureRow(file: "f\(f).wav", window: 0, start: 0, end: 2,
                                    attributes: ["emotion": "ang", "source": "f\(f).wav", "augmentation": augmentation,
                                                 "augment_params": augmentation == "none" ? "" : "stretch=fast"]))
            }
        }
        let dir = NSTemporaryDirectory() + "ser-aug-bad-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try t.write(prefix: dir + "/bad")
        let session = Session()
        try session.execute("bad = load features \"\(dir)/bad\"", file: "t")
        do { try session.execute("s = split bad grouped", file: "t"); Issue.record("no error") } catch {
            #expect(error.message.contains("row 1 (f0.wav, window 0)"))
            #expect(error.message.contains("stretch=fast"))
        }
    }

    @Test func repeatKeepsItsRunsAndStartsEachSeedFromItsOwnModel() throws {
        let (session, dir) = try StudyVerbTests.session()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try session.execute("""
            src = repeat net feats scheme=grouped stratify=true seeds=[1, 2] epochs=3 patience=0 lr=1e-2
            src.runs
            z = evaluate src.runs feats
            fz = freeze src.runs conv
            t = repeat fz feats seeds=[1, 2] epochs=2 patience=0
            opened = unfreeze fz[0] conv1d
            lopo = repeat net feats scheme=lopo only=s3 seeds=[5, 6] epochs=2 patience=0
            """, file: "t")
        #expect(out.text.contains("list of 2"))
        #expect(out.text.contains("z = report over 2"))
        #expect(out.text.contains("fz = list of 2"))
        #expect(out.text.contains("seed 5, lopo s3: accuracy"))
        guard case .report(let src) = session.values["src"]!.payload, case .report(let z) = session.values["z"]!.payload,
              case .report(let t) = session.values["t"]!.payload, case .report(let lopo) = session.values["lopo"]!.payload else {
            Issue.record("no reports"); return
        }
        #expect(src.runs.count == 2 && t.runs.count == 2 && lopo.runs.count == 2)
        #expect(src.runs.allSatisfy { $0.splitName == "stratified grouped" })
        #expect(lopo.runs.allSatisfy { $0.splitName == "lopo s3" })
        #expect(z.reports.allSatisfy { $0.confusion.counts.reduce(0, +) == 120 })
        // Each seed's fine-tuning starts from that seed's trained model: the frozen convolutions keep its weights.
        let conv = { (m: ModelValue) in m.copy().weights(layer: 0) }
        #expect(conv(t.runs[0].model) == conv(src.runs[0].model) && conv(t.runs[1].model) == conv(src.runs[1].model))
        #expect(conv(src.runs[0].model) != conv(src.runs[1].model))
        for (text, message) in [
            ("x = repeat net feats scheme=lopo", "repeat makes one split per seed: name the group every run leaves out with only="),
            ("x = repeat fz feats seeds=[1, 2, 3]", "2 models for 3 seeds"),
            ("x = repeat [feats, feats] feats seeds=[1, 2]", "expected a list of models or training runs"),
        ] {
            do { try session.execute(text, file: "t"); Issue.record("no error: \(text)") } catch {
                #expect(error.message.hasPrefix(message), "\(text): \(error.message)")
            }
        }
        let back = try ValueCoder.decode(try ValueCoder.encode(session.values["src"]!))
        guard case .report(let decoded) = back.payload else { Issue.record("not a report"); return }
        #expect(decoded.runs.count == 2 && decoded.runs[1].history.epochs.count == 3)
        #expect(conv(decoded.runs[1].model) == conv(src.runs[1].model))
    }

    @Test func table1ColumnsIdsAndThePapersNumbers() throws {
        let (session, dir) = try StudyVerbTests.session()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try session.execute("""
            a = repeat net feats seeds=[1, 2] epochs=2 patience=0
            l = split feats loso
            b = crossval net l epochs=2 patience=0
            table [a, b] ids=[emovo, augmented_loso] names=["EMOVO only", "augmented, LOSO"] paper=[54%, 20%] to "\(dir)/table1.md"
            table [a, b] ids=[x, y] names=["one", "two"] to "\(dir)/extras.md"
            plot bars [a, b] names=["EMOVO only", "LOSO"] paper=[54%, 20%] to "\(dir)/table1.png"
            """, file: "t")
        let csv = try String(contentsOfFile: dir + "/table1.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(csv[0] == ["id", "experiment", "paper", "accuracy", "UAR", "macro-F1", "runs"])
        #expect(csv[1].prefix(3) == ["emovo", "EMOVO only", "0.54"] && csv[1].last == "2")
        #expect(csv[2].first == "augmented_loso")
        #expect(csv[2].contains("0.20") && csv[2].last == "4")
        let extras = try String(contentsOfFile: dir + "/extras.csv", encoding: .utf8)
        #expect(extras.hasPrefix("id,experiment,accuracy,UAR,macro-F1,runs\n"))
        for (text, message) in [
            ("x = table [a, b] ids=[one] names=[\"a\", \"b\"]", "1 ids for 2 values"),
            ("x = table [a, b] paper=[54%]", "1 paper for 2 values"),
            ("x = table [a, b] ids=[one, one]", "id 'one' is given twice"),
            ("x = table [a, net] paper=[54%, 60%]", "ids and paper apply to a table of reports"),
            ("plot bars [a, b] names=[\"a\", \"b\"] paper=[54%] to \"\(dir)/x.png\"", "1 paper values for 2 reports"),
        ] {
            do { try session.execute(text, file: "t"); Issue.record("no error: \(text)") } catch {
                #expect(error.message.hasPrefix(message), "\(text): \(error.message)")
            }
        }
    }

    @Test func modelTrainEvaluatePredictSaveLoad() throws {
        let (session, dir) = try StudyVerbTests.session()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try session.execute("""
            summary net
            s = split feats grouped seed=3
            fit = train net s epochs=30 patience=0 batch=16 lr=1e-2 seed=1
            r = evaluate fit s.test
            show r
            r.accuracy
            p = predict fit s.test
            export p to "\(dir)/pred.csv"
            save fit to "\(dir)/m.safetensors"
            back = load model "\(dir)/m.safetensors"
            r2 = evaluate back s.test
            frozen = freeze fit "conv"
            """, file: "t")
        #expect(out.text.contains("Conv1D"))
        #expect(out.text.contains("fit = training run on grouped: 30 epochs"))
        guard case .report(let r) = session.values["r"]!.payload, case .report(let r2) = session.values["r2"]!.payload else {
            Issue.record("no reports"); return
        }
        #expect(r.accuracy > 0.9)
        #expect(r.accuracy == r2.accuracy)
        #expect(out.text.contains("| **accuracy**"))
        let csv = try String(contentsOfFile: dir + "/pred.csv", encoding: .utf8)
        #expect(csv.hasPrefix("file,window,start_s,end_s,true,predicted,ang,hap,sad\n"))
        #expect(csv.split(separator: "\n").count == 1 + 24)
        #expect(out.text.contains("frozen = model"))
        // Same seed, same numbers; another seed, other weights.
        try session.execute("fit2 = train net s epochs=30 patience=0 batch=16 lr=1e-2 seed=1\nfit3 = train net s epochs=3 patience=0 seed=2", file: "t")
        guard case .run(let a) = session.values["fit"]!.payload, case .run(let b) = session.values["fit2"]!.payload,
              case .run(let c) = session.values["fit3"]!.payload else { Issue.record("no runs"); return }
        #expect(a.history.epochs.map(\.loss) == b.history.epochs.map(\.loss))
        #expect(a.history.epochs.first?.loss != c.history.epochs.first?.loss)
        do { try session.execute("x = train net l", file: "t"); Issue.record("no error") } catch {
            #expect(error.message.contains("unknown name 'l'"))
        }
        try session.execute("l = split feats loso", file: "t")
        do { try session.execute("x = train net l", file: "t"); Issue.record("no error") } catch {
            #expect(error.message.contains("has 4 folds"))
        }
        do { try session.execute("x = train net s lr=-1", file: "t"); Issue.record("no error") } catch {
            #expect(error.message.contains("'lr' of 'train' expects a number, given the number -1") || error.message.contains("learning rate"))
        }
    }

    @Test func crossvalAndRepeatAggregate() throws {
        let (session, dir) = try StudyVerbTests.session()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try session.execute("""
            l = split feats loso val=0%
            cv = crossval net l epochs=5 patience=0 lr=1e-2
            rep = repeat net feats scheme=grouped seeds=[1, 2] epochs=5 patience=0 lr=1e-2
            show cv
            """, file: "t")
        #expect(out.text.contains("loso f1: 5 epochs"))
        #expect(out.text.contains("cv = report over 4: accuracy"))
        #expect(out.text.contains("rep = report over 2"))
        #expect(out.text.contains("| accuracy | "))
        guard case .report(let cv) = session.values["cv"]!.payload else { Issue.record("no report"); return }
        #expect(cv.reports.count == 4)
        #expect(cv.confusion.counts.reduce(0, +) == 120)
    }

    @Test func customModelAndLayerErrors() throws {
        let (session, dir) = try StudyVerbTests.session()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try session.execute(#"c = model custom layers=[conv1d(4, 3, padding="same", activation="relu"), maxpool(2), flatten(), dense(3, activation="softmax")]"#, file: "t")
        guard case .model(let m) = session.values["c"]!.payload else { Issue.record("no model"); return }
        #expect(m.spec.layers.count == 4)
        for (text, message) in [
            ("x = model custom layers=[conv2d(4, 3)]", "unknown layer 'conv2d'; did you mean 'conv1d'?"),
            (#"x = model custom layers=[dense(3, activation="softmx")]"#, "unknown activation 'softmx'; did you mean 'softmax'?"),
            ("x = model custom layers=[dense(3, unit=2)]", "unknown option 'unit' for layer dense; did you mean 'units'?"),
            ("x = model cnn1d classes=3 filters=[4, 8] kernels=[3]", "2 filter counts but 1 kernel sizes"),
        ] {
            do { try session.execute(text, file: "t"); Issue.record("no error: \(text)") } catch {
                #expect(error.message.hasPrefix(message), "\(text)")
            }
        }
    }

    @Test func mergeAndDescribeFeatures() throws {
        let (session, dir) = try StudyVerbTests.session()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try session.execute("both = merge [feats, feats]\ndescribe both\nexport both to \"\(dir)/both\"", file: "t")
        #expect(out.text.contains("both = feature table 240 × 160 (60 files)"))
        #expect(out.text.contains("| mfcc "))
        #expect(out.text.contains("emotion"))
        let back = try FeatureTable.read(prefix: dir + "/both")
        #expect(back.count == 240)
    }

    /// `describe` of a feature table: the numeric table holds the blocks only; the rows per label value follow
    /// in a table of their own (they used to be crammed into the numeric table's "min" column).
    @Test func describeShowsRowsPerValueInATableOfTheirOwn() throws {
        let (session, dir) = try StudyVerbTests.session()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try session.execute("describe feats", file: "t").text
        // Two Markdown tables, parted by a blank line.
        let tables = out.split(separator: "\n\n").filter { $0.hasPrefix("|") }.map { $0.split(separator: "\n").map(String.init) }
        #expect(tables.count == 2, "\(out)")
        guard tables.count == 2 else { return }
        #expect(tables[0].count == 5 && tables[0].allSatisfy { !$0.contains("rows per") }, "\(out)")   // header, rule, 3 blocks
        #expect(tables[1].count == 4, "\(out)")   // header, rule, speaker, emotion
        #expect(tables[1][0].hasPrefix("| label ") && tables[1][0].contains("| rows per value"), "\(out)")
        #expect(tables[1][2].hasPrefix("| speaker |") && tables[1][3].hasPrefix("| emotion |"), "\(out)")
        #expect(tables[1][2].contains("f1 30, f2 30, m1 30, m2 30") && tables[1][3].contains("ang 40, hap 40, sad 40"), "\(out)")
    }

    @Test func studyValuesRoundTripThroughTheCoder() throws {
        let (session, dir) = try StudyVerbTests.session()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try session.execute("s = split feats naive\nfit = train net s epochs=2 patience=0\nr = evaluate fit s.test\nl = split feats loso\ncv = crossval net l epochs=1 patience=0", file: "t")
        for name in ["feats", "net", "s", "fit", "r", "cv", "l"] {
            let v = session.values[name]!
            let back = try ValueCoder.decode(try ValueCoder.encode(v))
            #expect(back.summary == v.summary, "\(name)")
            #expect(back.describe() == v.describe(), "\(name)")
        }
    }
}

extension StudyVerbTests {
    @Test func resultFigures() throws {
        let (session, dir) = try StudyVerbTests.session()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try session.execute("""
            s = split feats grouped seed=3
            fit = train net s epochs=8 patience=0 lr=1e-2
            r = evaluate fit s.test
            l = split feats loso val=0%
            cv = crossval net l epochs=2 patience=0 lr=1e-2
            plot confusion r to "\(dir)/confusion.png" title="grouped split"
            plot confusions cv to "\(dir)/folds.png" columns=2
            plot history fit to "\(dir)/history.png"
            plot model net to "\(dir)/model.png"
            plot bars [r, cv] names=["grouped", "LOSO"] to "\(dir)/bars.png"
            t = table [r, cv] names=["grouped", "LOSO"] to "\(dir)/table.md"
            """, file: "t")
        #expect(out.figures.count == 5)
        for path in out.figures {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(path)")
        }
        let md = try String(contentsOfFile: dir + "/table.md", encoding: .utf8)
        #expect(md.contains("| experiment |"))
        #expect(md.contains("| grouped    |         1.000 |"))
        #expect(md.contains("| LOSO       |"))
        #expect(md.contains(" ± "))
    }
}
