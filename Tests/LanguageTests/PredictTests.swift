import Audio
import Features
import Foundation
import Learn
import Testing
@testable import Language

/// Predictions: the same probabilities from a signal, a live stream and the `predict` verb; probabilities that
/// sum to 1; the verdict; model cards; and models that cannot be used are refused with the reason.
@Suite(.serialized) struct PredictTests {
    static let classes = ["anger", "neutral", "sadness"]

    /// An untrained-but-labelled CNN with the study's card (weights from a seed: the numbers are what matter).
    static func model(recipe: FeatureRecipe = FeatureRecipe(corpus: "emovo", demo: true)) throws -> Model {
        let m = try Model(spec: .cnn1d(classes: classes.count, inputLength: recipe.width), seed: 7)
        m.labels = classes
        m.metadata = ModelCard.metadata(recipe: recipe, table: nil, label: "emotion", split: "grouped", seed: 7, trainRows: 10,
                                        validationRows: 2, testRows: 3, testAccuracy: 0.5, testUAR: 0.4)
        return m
    }

    static func signal(seconds: Double, rate: Int) -> Signal {
        let n = Int(seconds * Double(rate))
        var state: UInt64 = 3
        let samples = (0..<n).map { i -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let t = Float(i) / Float(rate)
            let f0: Float = t < 2 ? 180 : 260
            return 0.3 * sinf(2 * .pi * f0 * t) * (0.6 + 0.4 * sinf(2 * .pi * 3 * t)) + 0.02 * (Float(state >> 40) / Float(1 << 24) - 0.5)
        }
        return Signal(samples: samples, sampleRate: rate)
    }

    @Test func signalStreamAndProbabilities() throws {
        let predictor = try Predictor(model: try Self.model())
        let x = Self.signal(seconds: 5.3, rate: 16000)
        let whole = try predictor.predict(x, name: "x")
        // 5.3 s resampled to 22050 Hz: two whole 2 s windows, the trailing 1.3 s dropped.
        #expect(whole.windows.count == 2)
        #expect(whole.windows.map(\.start) == [0, 2])
        for w in whole.windows {
            #expect(abs(w.probabilities.reduce(0, +) - 1) < 1e-5)
            #expect(w.probabilities.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
        #expect(abs(whole.mean.reduce(0, +) - 1) < 1e-5)
        #expect(whole.confidence == whole.mean.max())
        // The same recording arriving in pieces at its own rate: the same windows, bit for bit, each as soon as
        // it is complete.
        for chunk in [160, 1601, 40000] {
            let stream = try predictor.stream(name: "x", sampleRate: 16000)
            var seen: [WindowPrediction] = []
            var i = 0
            while i < x.samples.count {
                let piece = Array(x.samples[i..<min(x.samples.count, i + chunk)])
                let new = try stream.push(piece)
                for w in new { #expect(Double(i + piece.count) / 16000 >= w.end - 0.01, "window \(w.window) out before its end arrived") }
                seen += new
                i += chunk
            }
            seen += try stream.finish()
            #expect(seen == whole.windows, "pieces of \(chunk)")
        }
        // Shorter than one window: one window of all of it.
        let short = try predictor.predict(Self.signal(seconds: 1.2, rate: 22050), name: "short")
        #expect(short.windows.count == 1 && abs(short.windows[0].end - 1.2) < 1e-9)
        #expect(throws: PredictionError.self) { _ = try predictor.predict(Signal(samples: [], sampleRate: 22050), name: "empty") }
    }

    @Test func verbAgreesWithPredictorAndShowsCard() throws {
        let dir = NSTemporaryDirectory() + "ser-predict-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = try Self.model()
        try model.save(to: "\(dir)/m.safetensors")
        let x = Self.signal(seconds: 4.5, rate: 16000)
        try SoundFile.write(x, to: "\(dir)/x.wav", encoding: .wavFloat)
        let session = Session()
        let out = try session.execute("""
            net = load model "\(dir)/m.safetensors"
            show net
            x = load audio "\(dir)/x.wav"
            p = predict net x
            plot emotions net x to "\(dir)/e.png" above=mel
            """, file: "t")
        #expect(out.text.contains("synthetic DEMO corpus"))
        #expect(out.text.contains("mel128+mfcc20+chroma12"))
        #expect(out.text.contains("test accuracy"))
        #expect(out.text.contains("note: this model was trained on a synthetic demo corpus"))
        #expect(FileManager.default.fileExists(atPath: "\(dir)/e.png"))
        guard case .table(let t) = session.values["p"]!.payload else { Issue.record("no table"); return }
        #expect(t.columns == ["file", "window", "start_s", "end_s", "predicted"] + Self.classes)
        let expected = try Predictor(model: model).predict(try Audio.load("\(dir)/x.wav", sampleRate: 22050), name: "x")
        #expect(t.rows.count == expected.windows.count)
        for (row, w) in zip(t.rows, expected.windows) {
            #expect(Array(row[5...]) == w.probabilities.map(PredictionFormat.fixed))
            #expect(row[4] == Self.classes[w.best])
        }
        // The per-file summary names the verdict.
        #expect(out.text.contains("| \(dir)/x.wav |"))
    }

    static func table(recipe: FeatureRecipe?, labels: [String], width: Int = 160) -> FeatureTable {
        var t = FeatureTable(width: width, recipe: recipe)
        for (i, label) in labels.enumerated() {
            t.append((0..<width).map { Float(($0 * 7 + i) % 11) }, FeatureRow(file: "f\(i).wav", window: 0, start: 0, end: 2, attributes: ["emotion": label]))
        }
        return t
    }

    @Test func mismatchedModelsAreRefused() throws {
        let predictor = try Predictor(model: try Self.model())
        // Another feature set, sample rate, window length, label set: each refused, naming it.
        func refusal(_ table: FeatureTable) -> String {
            do { _ = try LearnVerbs.predictTable(predictor, table, label: "emotion"); return "" } catch { return error.message }
        }
        #expect(refusal(Self.table(recipe: FeatureRecipe(blocks: [.mfcc, .chroma]), labels: ["anger"], width: 32)).contains("features mfcc20+chroma12, the model mel128+mfcc20+chroma12"))
        #expect(refusal(Self.table(recipe: FeatureRecipe(settings: FeatureSettings(sampleRate: 16000)), labels: ["anger"])).contains("sample rate 16000 Hz, the model 22050 Hz"))
        #expect(refusal(Self.table(recipe: FeatureRecipe(windowing: Windowing(length: 1, hop: 1)), labels: ["anger"])).contains("1 s windows, the model 2 s"))
        #expect(refusal(Self.table(recipe: FeatureRecipe(), labels: ["anger", "joy"])).contains("another label set: the table's column 'emotion' holds joy"))
        #expect(refusal(Self.table(recipe: nil, labels: ["anger"], width: 148)).contains("148"))
        #expect(refusal(Self.table(recipe: FeatureRecipe(windowing: Windowing(length: 2, hop: 1)), labels: ["anger", "sadness"])) == "")

        // A model without class names, a card naming features ser cannot compute, a card that contradicts the input layer.
        let untrained = try Model(spec: .cnn1d(classes: 3, inputLength: 160))
        #expect(throws: PredictionError.self) { _ = try Predictor(model: untrained) }
        let odd = try Self.model()
        odd.metadata["n_fft"] = "1024"
        do { _ = try Predictor(model: odd); Issue.record("n_fft 1024 accepted") } catch { #expect(error.message.contains("n_fft")) }
        let narrow = try Self.model()
        narrow.metadata["features"] = "mfcc20"
        do { _ = try Predictor(model: narrow); Issue.record("a 20-value card on a 160-input model accepted") } catch {
            #expect(error.message.contains("mfcc20 (20 values per window) but its input layer takes 160"))
        }
        // A model from before the card: the study's features, said in a note.
        let old = try Self.model()
        old.metadata = ["features": "feats/emovo", "split": "naive"]
        let assumed = try Predictor(model: old)
        #expect(assumed.notes.contains { $0.contains("no card") })
    }

    @Test func recipeTravelsThroughFilesAndCache() throws {
        let dir = NSTemporaryDirectory() + "ser-recipe-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recipe = FeatureRecipe(windowing: Windowing(length: 1.5, hop: 0.5), blocks: [.mel, .chroma], corpus: "ravdess", demo: true)
        let t = Self.table(recipe: recipe, labels: ["anger", "sadness"], width: 140)
        try t.write(prefix: "\(dir)/t")
        #expect(try FeatureTable.read(prefix: "\(dir)/t") == t)
        let bytes = try ValueCoder.encode(Value(.features(t), hash: ContentHash(of: "t")))
        guard case .features(let back) = try ValueCoder.decode(bytes).payload else { Issue.record("not features"); return }
        #expect(back.recipe == recipe)
        // Written again without a recipe, the old PREFIX.json goes.
        try Self.table(recipe: nil, labels: ["anger"], width: 140).write(prefix: "\(dir)/t")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/t.json"))
    }
}
