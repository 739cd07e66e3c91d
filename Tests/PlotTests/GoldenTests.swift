import Foundation
import Testing
@testable import Plot

/// Every figure type rendered from `SampleData` and compared with its committed PNG in Fixtures/.
///
/// A pixel counts as different when a channel differs by more than 2; a figure passes with at most 0.02 %
/// such pixels. On failure the actual image and a diff (differing pixels red over a faded copy) are
/// written to `$TMPDIR/ser-plot-golden/` and the test says where. `SER_UPDATE_GOLDEN=1 swift test --filter
/// GoldenTests` rewrites the goldens in Tests/PlotTests/Fixtures/ after a deliberate change (look at them!);
/// rebuild (`swift build --build-tests`) before the next plain run so the test bundle copies the new files.
@Suite struct GoldenTests {
    typealias D = SampleData

    static let figures: [(String, @Sendable () throws -> Figure)] = [
        ("waveform", { try Figure.waveform(D.waveform, sampleRate: D.sampleRate, title: "Waveform", width: 480, height: 220) }),
        ("waveform-2x", { try Figure.waveform(D.waveform, sampleRate: D.sampleRate, width: 300, height: 150, scale: 2) }),
        ("mel", {
            try Figure.spectrogram(D.melDB, bins: 64, frames: D.frames, frequency: .mel(fmin: 0, fmax: 11025),
                                   title: "Mel spectrogram", width: 480, height: 260)
        }),
        ("stft", {
            try Figure.spectrogram(D.stftDB, bins: 129, frames: D.frames, frequency: .linear, title: "Spectrogram",
                                   colormap: .viridis, width: 480, height: 260)
        }),
        ("mfcc", { try Figure.mfcc(D.mfcc, coefficients: 20, frames: D.frames, title: "MFCC", width: 480, height: 240) }),
        ("chroma", { try Figure.chroma(D.chroma, frames: D.frames, title: "Chroma", width: 480, height: 240) }),
        ("features", {
            try Figure.features(melDB: D.melDB, melBands: 64, mfcc: D.mfcc, coefficients: 20, chroma: D.chroma,
                                frames: D.frames, title: "f1/gio-f1-b1.wav", width: 600, height: 620)
        }),
        ("confusion", {
            try Figure.confusionMatrix(ConfusionChart(counts: D.confusion(correct: [14, 16, 11, 17, 12, 15, 18], seed: 1),
                                                       classes: D.emozioni, title: "EMOVO, test speakers"))
        }),
        ("confusion-side-by-side", {
            try Figure.confusionMatrices([
                ConfusionChart(counts: D.confusion(correct: [9, 12, 8, 14, 10, 11, 16], seed: 2), classes: D.emotions,
                                title: "EMOVO"),
                ConfusionChart(counts: D.confusion(correct: [15, 18, 13, 19, 14, 17, 19], seed: 3), classes: D.emotions,
                                title: "EMOVO + augmentation"),
            ], title: "Figure 7: confusion matrices", width: 960, height: 500)
        }),
        ("training-curves", {
            try Figure.trainingCurves(trainLoss: D.history.trainLoss, validationLoss: D.history.valLoss,
                                      trainAccuracy: D.history.trainAcc, validationAccuracy: D.history.valAcc,
                                      bestEpoch: 28, title: "Training", width: 800, height: 320)
        }),
        ("model", {
            try Figure.modelDiagram(types: D.model.types, shapes: D.model.shapes, parameters: D.model.params,
                                    title: "Figure 2: 1-D CNN", perColumn: 7)
        }),
        ("bars", {
            try Figure.groupedBars(groups: ["EMOVO", "EMOVO aug.", "RAVDESS", "SAVEE"], series: ["study", "ser"],
                                   means: [[68.0, 78.0, 71.5, 60.1], [66.2, 77.4, 70.1, 61.8]],
                                   stds: [[], [2.1, 1.7, 2.6, 3.3]], yLabel: "Accuracy (%)",
                                   title: "Test accuracy: study vs ser", yMax: 100, width: 640, height: 360)
        }),
    ]

    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    @Test(arguments: figures.map(\.0))
    func matchesGolden(name: String) throws {
        let render = try #require(Self.figures.first { $0.0 == name }?.1)
        let actual = try render().image
        let goldenName = "golden-\(name)"
        if ProcessInfo.processInfo.environment["SER_UPDATE_GOLDEN"] == "1" {
            try PNG.write(actual, to: Self.fixtures.appendingPathComponent(goldenName + ".png").path)
            return
        }
        let url = try #require(Bundle.module.url(forResource: goldenName, withExtension: "png", subdirectory: "Fixtures"),
                               "no golden \(goldenName).png: run SER_UPDATE_GOLDEN=1 swift test --filter GoldenTests")
        let golden = try PNG.read(url.path)
        let (different, diff) = Self.compare(actual, golden)
        let allowed = actual.width * actual.height / 5000
        if different > allowed {
            let dir = NSTemporaryDirectory() + "ser-plot-golden"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try PNG.write(actual, to: "\(dir)/\(name)-actual.png")
            if let diff { try PNG.write(diff, to: "\(dir)/\(name)-diff.png") }
            Issue.record("""
                \(name): \(different) pixels differ from \(goldenName).png (allowed \(allowed)); actual and diff \
                written to \(dir)/\(name)-actual.png and -diff.png
                """)
        }
    }

    /// Counts differing pixels (> 2 in any channel) and draws a diff image (nil when sizes differ).
    static func compare(_ a: RGBAImage, _ b: RGBAImage) -> (Int, RGBAImage?) {
        guard a.width == b.width, a.height == b.height else { return (Int.max, nil) }
        var diff = RGBAImage(width: a.width, height: a.height)
        var count = 0
        for i in stride(from: 0, to: a.pixels.count, by: 4) {
            var d = 0
            for c in 0..<4 { d = max(d, abs(Int(a.pixels[i + c]) - Int(b.pixels[i + c]))) }
            if d > 2 {
                count += 1
                diff.pixels[i] = 255; diff.pixels[i + 1] = 0; diff.pixels[i + 2] = 0
            } else {
                let g = UInt8(200 + Int(a.pixels[i + 1]) * 55 / 255)
                diff.pixels[i] = g; diff.pixels[i + 1] = g; diff.pixels[i + 2] = g
            }
        }
        return (count, diff)
    }

    @Test func comparisonFlagsAChangedImage() throws {
        let a = try Figure.waveform(D.waveform, sampleRate: D.sampleRate, width: 200, height: 100).image
        var b = a
        for i in stride(from: 0, to: 4 * 400, by: 4) { b.pixels[i] = 255 &- b.pixels[i] }
        let (same, _) = Self.compare(a, a)
        let (different, diff) = Self.compare(a, b)
        #expect(same == 0)
        #expect(different > 0 && different <= 400)
        let marked = try #require(diff)
        #expect(marked.pixel(0, 0) == (255, 0, 0, 255))
        #expect(marked.pixel(199, 99).g == marked.pixel(199, 99).r)
    }
}
