#if canImport(Glibc)
import Glibc
#endif
import Audio
import Evaluate
import Features
import Foundation
import Language
import Learn
import Testing

/// Each `ser` command and its verb, on the same input with the same seed, give the same outputs: weights,
/// reports, feature tables, augmented audio and PNG bytes. Both front-ends call one library pipeline
/// (Language's `TrainJob`, `EvaluateJob`, `FeaturesJob`, `AugmentJob`, `SignalPlot`); this test keeps them
/// from drifting again.
@Suite(.serialized) struct ParityTests {
    static let work: String = {
        let d = NSTemporaryDirectory() + "ser-parity-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    /// Runs `ser arguments…` (as `CLITests` does); expects success, returns stdout.
    @discardableResult
    static func ser(_ arguments: [String]) throws -> String {
        let run = try CLITests.ser(arguments)
        #expect(run.status == 0, "ser \(arguments.joined(separator: " ")): \(run.stderr)")
        return run.stdout
    }

    /// Runs statements in a fresh session (seed 1, as `ser exec`).
    static func session(_ source: String) throws -> Session {
        let session = Session()
        session.progressSink = { _ in }
        _ = try session.execute(source, file: "parity")
        return session
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// A 0.8 s tone with a vibrato and a little deterministic noise, written as 16-bit WAV at 22050 Hz.
    static func tone(_ name: String, frequency: Double) throws -> String {
        let path = "\(work)/\(name).wav"
        let sr = 22050
        let samples = (0..<(sr * 4 / 5)).map { i -> Float in
            let t = Double(i) / Double(sr)
            let f = frequency * (1 + 0.01 * sin(2 * .pi * 5 * t))
            return Float(0.4 * sin(2 * .pi * f * t) + 0.02 * sin(Double(i * i % 7919)))
        }
        try SoundFile.write(Signal(samples: samples, sampleRate: sr), to: path, encoding: .wav16)
        return path
    }

    /// A small labelled feature table (3 classes, 16 files of 3 windows), written as PREFIX.npy/.csv.
    static let table: String = {
        let prefix = "\(work)/table"
        let emotions = ["anger", "joy", "neutral"]
        var t = FeatureTable(width: 160)
        var state: UInt64 = 42
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) - 0.5
        }
        for file in 0..<48 {
            let emotion = emotions[file % 3]
            for w in 0..<3 {
                let values = (0..<160).map { c in next() + (c % 3 == file % 3 ? 0.8 : 0) }
                t.append(values[...], FeatureRow(file: "f\(file).wav", window: w, start: Double(w) * 2, end: Double(w + 1) * 2,
                                                attributes: ["emotion": emotion]))
            }
        }
        try! t.write(prefix: prefix)
        return prefix
    }()

    @Test func trainAndEvaluateGiveTheVerbsWeightsAndReport() throws {
        let prefix = Self.table
        let cliModel = "\(Self.work)/cli.safetensors", verbModel = "\(Self.work)/verb.safetensors"
        // Both with their default threads (1 shard per batch, whatever the machine's cores): the same weights.
        try Self.ser(["train", "--features", prefix, "--epochs", "3", "--patience", "0", "--seed", "5", "--out", cliModel])
        let session = try Self.session("""
            t = load features "\(prefix)"
            s = split t naive seed=5
            net = model cnn1d classes=3 seed=5
            fit = train net s epochs=3 patience=0 seed=5
            save fit to "\(verbModel)"
            m = load model "\(cliModel)"
            r = evaluate m t
            """)
        let a = try Model.load(from: cliModel), b = try Model.load(from: verbModel)
        let sameWeights = a.flatWeights == b.flatWeights  // not inside #expect: a failure would diff 100 000 floats
        #expect(sameWeights, "the CLI's and the verb's weights differ")
        #expect(a.normalization?.mean == b.normalization?.mean && a.normalization?.std == b.normalization?.std)
        #expect(a.labels == b.labels)

        let json = try Self.ser(["evaluate", cliModel, "--features", prefix, "--json"])
        let line = try #require(json.split(separator: "\n").last)
        let result = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        guard case .report(let report)? = session.values["r"]?.payload else { Issue.record("no report"); return }
        #expect(result?["confusion"] as? [Int] == report.reports[0].confusion.counts)
        #expect(result?["test_accuracy"] as? Double == report.reports[0].accuracy)
    }

    @Test func featuresGiveTheVerbsTable() throws {
        let a = try Self.tone("fa", frequency: 220), b = try Self.tone("fb", frequency: 330)
        let cli = "\(Self.work)/feats-cli", verb = "\(Self.work)/feats-verb"
        try Self.ser(["features", a, b, "--out", cli, "--window", "0.5", "--hop", "0.25", "--threads", "2"])
        _ = try Self.session("""
            a = load audio "\(a)"
            b = load audio "\(b)"
            f = features [a, b] window=0.5s hop=0.25s
            export f to "\(verb)"
            """)
        #expect(try Self.bytes(cli + ".npy") == Self.bytes(verb + ".npy"))
    }

    /// A corpus folder (`folders` layout: one folder per emotion): `ser features FOLDER`, with or without
    /// `--layout folders` (detected as `load corpus` detects it), and `features (load corpus FOLDER)` give the
    /// same rows, the same label columns and the same recipe — one `FeatureRun` under both.
    @Test(arguments: [["--layout", "folders"], []])
    func featuresOfACorpusGiveTheVerbsTableColumnsAndRecipe(layout: [String]) throws {
        let corpus = "\(Self.work)/feats-corpus\(layout.count)"
        for (emotion, frequency) in [("anger", 250.0), ("sadness", 180.0)] {
            try FileManager.default.createDirectory(atPath: corpus + "/" + emotion, withIntermediateDirectories: true)
            for take in 1...2 {
                let tone = try Self.tone("fc-\(emotion)-\(take)", frequency: frequency + Double(take) * 7)
                try FileManager.default.moveItem(atPath: tone, toPath: "\(corpus)/\(emotion)/take\(take).wav")
            }
        }
        let cli = "\(Self.work)/feats-corpus\(layout.count)-cli", verb = "\(Self.work)/feats-corpus\(layout.count)-verb"
        try Self.ser(["features", corpus] + layout + ["--out", cli, "--window", "0.5", "--hop", "0.5", "--threads", "2"])
        _ = try Self.session("""
            c = load corpus "\(corpus)"
            f = features c window=0.5s hop=0.5s
            export f to "\(verb)"
            """)
        for suffix in [".npy", ".csv", ".json"] {
            #expect(try Self.bytes(cli + suffix) == Self.bytes(verb + suffix), "\(suffix)")
        }
        #expect(try String(contentsOfFile: cli + ".csv", encoding: .utf8).contains("anger/take1.wav"))
    }

    @Test func augmentGivesTheVerbsCopies() throws {
        let x = try Self.tone("ax", frequency: 260)
        let out = "\(Self.work)/aug-cli"
        try Self.ser(["augment", x, "--recipe", "study", "--seed", "7", "--out", out])
        let names = ["noise", "stretch", "pitch", "noise+stretch", "noise+pitch", "stretch+pitch", "noise+stretch+pitch"]
        var source = "x = load audio \"\(x)\"\naug = augment x seed=7 originals=false\n"
        for (i, name) in names.enumerated() { source += "export aug[\(i)] to \"\(Self.work)/aug-verb-\(name).wav\"\n" }
        _ = try Self.session(source)
        // The same samples, rate and channels (the WAV's PEAK chunk holds the time it was written).
        for name in names {
            let cli = try SoundFile.read("\(out)/ax.\(name).wav"), verb = try SoundFile.read("\(Self.work)/aug-verb-\(name).wav")
            #expect(cli == verb, "\(name)")
            #expect(cli.interleaved.count > 8000, "\(name)")
        }
    }

    @Test(arguments: SignalView.allCases)
    func plotGivesTheVerbsPNG(view: SignalView) throws {
        let x = try Self.tone("px-\(view.rawValue)", frequency: 240)
        let cli = "\(Self.work)/plot-cli-\(view.rawValue).png", verb = "\(Self.work)/plot-verb-\(view.rawValue).png"
        try Self.ser(["plot", view.rawValue, x, "--out", cli, "--title", "parity \(view.rawValue)"])
        _ = try Self.session("""
            x = load audio "\(x)"
            plot \(view.rawValue) x to "\(verb)" title="parity \(view.rawValue)"
            """)
        #expect(try Self.bytes(cli) == Self.bytes(verb))
    }

    /// `ser plot emotions` and the `plot emotions` verb: the same model on the same file, the same PNG bytes.
    @Test func plotEmotionsGivesTheVerbsPNG() throws {
        let prefix = Self.table
        let model = "\(Self.work)/emotions.safetensors"
        try Self.ser(["train", "--features", prefix, "--epochs", "1", "--patience", "0", "--seed", "3", "--out", model])
        let x = try Self.tone("pe", frequency: 250)
        let cli = "\(Self.work)/plot-cli-emotions.png", verb = "\(Self.work)/plot-verb-emotions.png"
        for above in ["waveform", "mel"] {
            try Self.ser(["plot", "emotions", x, "--model", model, "--above", above, "--out", cli, "--title", "parity emotions"])
            _ = try Self.session("""
                m = load model "\(model)"
                x = load audio "\(x)"
                plot emotions m x to "\(verb)" above=\(above) title="parity emotions"
                """)
            #expect(try Self.bytes(cli) == Self.bytes(verb), "\(above)")
        }
    }
}
