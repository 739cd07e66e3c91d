import Foundation
import Testing
@testable import Plot

@Suite struct FigureTests {
    typealias D = SampleData

    @Test func badInputIsNamed() {
        #expect(throws: PlotError("spectrogram: 10 values for a 3 × 4 matrix (need 12)")) {
            try Figure.spectrogram([Float](repeating: 0, count: 10), bins: 3, frames: 4, frequency: .linear)
        }
        #expect(throws: PlotError("MFCC: value nan at row 1, column 0 is not finite")) {
            try Figure.mfcc([0, 0, .nan, 0], coefficients: 2, frames: 2)
        }
        #expect(throws: PlotError("waveform: no samples")) { try Figure.waveform([], sampleRate: 22050) }
        #expect(throws: PlotError("confusion matrix 'x': 3 counts for 2 classes (need 4)")) {
            try Figure.confusionMatrix(ConfusionChart(counts: [1, 2, 3], classes: ["a", "b"], title: "x"))
        }
        #expect(throws: PlotError("model diagram: 2 types, 1 shapes and 2 parameter counts (need one of each per layer)")) {
            try Figure.modelDiagram(types: ["Dense", "Dense"], shapes: ["(None, 4)"], parameters: [1, 2])
        }
        #expect(throws: PlotError("bar chart: series 'ser' has 1 means for 2 groups")) {
            try Figure.groupedBars(groups: ["a", "b"], series: ["ser"], means: [[1]])
        }
        #expect(throws: PlotError("training curves: best epoch 9 is outside 1 … 3")) {
            try Figure.trainingCurves(trainLoss: [3, 2, 1], bestEpoch: 9)
        }
    }

    @Test func longTitlesWrapIntoLinesOfAboutEqualWidth() {
        let measure: (String) -> Double = { Double($0.count) }  // one unit per character
        #expect(Figure.wrap("fits in one", width: 20, measure: measure) == ["fits in one"])
        // 23 characters in 20: two lines of about equal width (9 and 13), not greedy's 19 and 3.
        #expect(Figure.wrap("aaaa bbbb cccc dddd eee", width: 20, measure: measure) == ["aaaa bbbb", "cccc dddd eee"])
        #expect(Figure.wrap("a bbbbbbbbbbbb c", width: 5, measure: measure) == ["a", "bbbbbbbbbbbb", "c"])
    }

    @Test func aTitleWiderThanTheFigureIsNotClipped() throws {
        let title = "Figure 3 · EMOVO only, naive split: test windows of every seed (demo corpus), a title far wider than the figure"
        let fig = try Figure.confusionMatrix(ConfusionChart(counts: [3, 1, 0, 4], classes: ["a", "b"], title: title),
                                             width: 400, height: 380)
        let img = fig.image
        // Nothing is drawn in the outer padding, left or right, so no glyph was cut at the edge …
        for y in 0..<img.height {
            for x in [0, 1, 2, img.width - 3, img.width - 2, img.width - 1] {
                #expect(img.pixel(x, y) == (255, 255, 255, 255), "ink at (\(x), \(y))")
            }
        }
        // … because the title was set on lines that fit.
        let canvas = Canvas(width: 1, height: 1)
        let lines = Figure.wrap(title, width: 400 - 2 * Figure.padding) { canvas.measure($0, size: Style.titleFont, weight: .bold).width }
        #expect(lines.count == 3 && lines.joined(separator: " ") == title, "\(lines)")
    }

    @Test func theTrainingLegendAvoidsTheCurves() {
        let corners: [LegendCorner] = [.topRight, .bottomLeft, .topLeft, .bottomRight]
        // Falling losses leave the top right free: the legend goes where it always went.
        let falling: [Double] = (0..<30).map { (i: Int) -> Double in 2 - Double(i) * 0.06 }
        let validation: [Double] = falling.map { $0 + 0.1 }
        #expect(Figure.emptiestCorner(of: [falling, validation], epochs: 30, lo: 0, hi: 2.2, preferring: corners) == .topRight)
        // A validation loss that rises after epoch 10 above where it began takes the top right: bottom left.
        let rising: [Double] = (0..<30).map { (i: Int) -> Double in
            i < 10 ? 1.6 - Double(i) * 0.05 : 1.1 + Double(i - 10) * 0.06
        }
        #expect(Figure.emptiestCorner(of: [falling, rising], epochs: 30, lo: 0, hi: 2.5, preferring: corners) == .bottomLeft)
    }

    @Test func confusionSummaryNumbers() {
        let m = ConfusionChart(counts: [8, 2, 1, 9], classes: ["a", "b"])
        #expect(abs(m.accuracy - 17.0 / 20) < 1e-12)
        #expect(abs(m.uar - (0.8 + 0.9) / 2) < 1e-12)
        #expect(m.rowFractions == [0.8, 0.2, 0.1, 0.9])
        #expect(m.summary == "accuracy 85.0 % \u{00B7} UAR 85.0 %")
    }

    @Test func confusionCellTextSwitchesColourForContrast() throws {
        // Class a: all correct (dark cell → white text); class b: none correct (light diagonal → dark text).
        let fig = try Figure.confusionMatrix(ConfusionChart(counts: [10, 0, 10, 0], classes: ["a", "b"]),
                                             width: 400, height: 380)
        let img = fig.image
        // Find the darkest-blue cell (top-left) and check it contains white pixels.
        var sawWhiteOnDark = false, sawDarkOnLight = false
        for y in 0..<img.height {
            for x in 0..<img.width {
                let p = img.pixel(x, y)
                if p == (255, 255, 255, 255) {
                    let left = img.pixel(max(0, x - 6), y)
                    if left.b > 80 && left.r < 40 { sawWhiteOnDark = true }
                }
                if p.r < 60 && p.g < 60 && p.b < 60 {
                    let left = img.pixel(max(0, x - 6), y)
                    if left.r > 235 && left.b > 240 && left.g > 240 && x > img.width / 4 { sawDarkOnLight = true }
                }
            }
        }
        #expect(sawWhiteOnDark)
        #expect(sawDarkOnLight)
    }

    @Test func writesAPNGThatReadsBackIdentically() throws {
        let fig = try Figure.chroma(D.chroma, frames: D.frames, width: 300, height: 160)
        let dir = NSTemporaryDirectory()
        for fast in [false, true] {
            let path = dir + "ser-plot-\(UUID().uuidString).png"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try fig.write(to: path, fast: fast)
            #expect(try PNG.read(path) == fig.image)
        }
    }

    @Test func scaleTwoRendersTwiceTheSize() throws {
        let one = try Figure.mfcc(D.mfcc, coefficients: 20, frames: D.frames, width: 200, height: 120)
        let two = try Figure.mfcc(D.mfcc, coefficients: 20, frames: D.frames, width: 200, height: 120, scale: 2)
        #expect(two.image.width == 2 * one.image.width && two.image.height == 2 * one.image.height)
    }

    @Test func colormapsHaveTheirPublishedEnds() {
        #expect(Colormap.viridis.colors.first == Color(68, 1, 84))
        #expect(Colormap.viridis.colors.last == Color(253, 231, 37))
        #expect(Colormap.magma.colors.first == Color(0, 0, 4))
        #expect(Colormap.gray.colors.first == Color(0, 0, 0) && Colormap.gray.colors.last == Color(255, 255, 255))
        #expect(Colormap.coolwarm.colors[0] == Color(59, 76, 192))
        #expect(Colormap.named("Viridis_r")?.colors.first == Color(253, 231, 37))
        #expect(Colormap.named("jet") == nil)
        #expect(Colormap.viridis.color(0.5) == Colormap.viridis.colors[128])
        #expect(Colormap.viridis.color(-3) == Colormap.viridis.colors[0])
        #expect(Colormap.viridis.color(7) == Colormap.viridis.colors[255])
    }
}

@Suite struct EdgeCaseTests {
    @Test func silenceDrawsDarkWithAReadableScale() throws {
        let fig = try Figure.spectrogram([Float](repeating: -100, count: 8 * 5), bins: 8, frames: 5,
                                         frequency: .mel(fmin: 0, fmax: 11025), width: 300, height: 160)
        let img = fig.image
        // The middle of the plot is magma's darkest entry.
        var darkest = 255
        for y in 40..<100 { for x in 100..<160 { darkest = min(darkest, Int(img.pixel(x, y).r)) } }
        #expect(darkest == 0)
        let panel = try Figure.spectrogramPanel([Float](repeating: -100, count: 4), bins: 2, frames: 2,
                                                frequency: .linear)
        #expect(panel.colorbar?.lo == -100 && panel.colorbar?.hi == -20)
        #expect(Set(panel.colorbar?.ticks.map(\.label) ?? []).count == panel.colorbar?.ticks.count)
    }

    @Test func singleFrameAndSingleEpochStillDraw() throws {
        _ = try Figure.features(melDB: [Float](repeating: 0, count: 4), melBands: 4, mfcc: [0, 0], coefficients: 2,
                                chroma: [Float](repeating: 0.5, count: 12), frames: 1, width: 300, height: 400)
        _ = try Figure.trainingCurves(trainLoss: [1], validationLoss: [1.2], bestEpoch: 1, width: 300, height: 200)
        _ = try Figure.waveform([0.5], sampleRate: 22050, width: 200, height: 100)
    }
}
