import Testing
@testable import Plot

@Suite struct TicksTests {
    @Test(arguments: [
        (0.0, 2.97, [0, 0.5, 1, 1.5, 2, 2.5]),
        (-80.0, 0.0, [-80, -60, -40, -20, 0]),
        (0.0, 1.0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (1.0, 40.0, [5, 10, 15, 20, 25, 30, 35, 40]),
        (-0.7, 0.7, [-0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6]),
        (0.0, 11025.0, [0, 2000, 4000, 6000, 8000, 10000]),
    ])
    func niceTicks(lo: Double, hi: Double, expected: [Double]) {
        let values = Ticks.nice(lo, hi, maxTicks: 8).map(\.value)
        #expect(values.count == expected.count)
        for (v, e) in zip(values, expected) { #expect(abs(v - e) < 1e-9) }
    }

    @Test func labelsUseJustEnoughDecimalsAndATrueMinus() {
        #expect(Ticks.nice(-0.7, 0.7).map(\.label) == ["\u{2212}0.6", "\u{2212}0.4", "\u{2212}0.2", "0.0", "0.2", "0.4", "0.6"])
        #expect(Ticks.nice(0, 1.2, maxTicks: 7).map(\.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0", "1.2"])
        #expect(Ticks.format(0.25, step: 0.25) == "0.25")
        #expect(Ticks.format(-80, step: 20) == "\u{2212}80")
        #expect(Ticks.format(-0.0001, decimals: 1) == "0.0")
        #expect(Ticks.format(9.96, decimals: 1) == "10.0")
        #expect(Ticks.format(-99.9999998, step: 2e-7) == "\u{2212}99.9999998")
        #expect(Ticks.format(3, step: 2.5e-5) == "3.000000")
        #expect(Ticks.format(1500, step: 500) == "1500")
    }

    @Test func melTicksAreLibrosaStyle() {
        #expect(Ticks.melFrequencies(fmax: 11025).map(\.label) == ["0", "512", "1024", "2048", "4096", "8192"])
        #expect(Ticks.melFrequencies(fmax: 4000).map(\.value) == [0, 128, 256, 512, 1024, 2048])
        // librosa.hz_to_mel (Slaney): 1000 Hz → 15, 8000 Hz → 45.24564…, 512 Hz → 7.68.
        #expect(abs(Ticks.hzToMel(1000) - 15) < 1e-9)
        #expect(abs(Ticks.hzToMel(8000) - 45.245640471924965) < 1e-9)
        #expect(abs(Ticks.hzToMel(512) - 7.68) < 1e-9)
    }

    /// Draws a panel and checks that tick marks land where the data values are.
    @Test func tickMarksSitAtTheirValues() {
        var figure = Figure(width: 300, height: 200)
        let panel = Panel(x: Axis(0, 10, label: "x"), y: Axis(-1, 1, label: "y")) { _, _ in }
        let area = figure.layout([panel], in: Rect(x: 0, y: 0, width: 300, height: 200))[0]
        let img = figure.image
        let plot = PlotArea(rect: area, x: (0, 10), y: (-1, 1))
        #expect(panel.x.ticks.map(\.value) == [0, 2, 4, 6, 8, 10])
        for t in panel.x.ticks {
            let x = Int(plot.px(t.value).rounded(.down)), y = Int(area.maxY) + 2
            let at = img.pixel(min(x, img.width - 1), y), beside = img.pixel(x + 3, y)
            #expect(at.r < 80, "no x tick at \(t.value)")
            #expect(beside.r == 255)
        }
        for t in panel.y.ticks {
            let y = Int(plot.py(t.value).rounded(.down)), x = Int(area.minX) - 3
            #expect(img.pixel(x, y).r < 80, "no y tick at \(t.value)")
        }
    }
}
