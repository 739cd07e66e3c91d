/// What `Figure.emotions` draws above the probabilities.
public enum EmotionsView: String, Sendable, CaseIterable {
    /// The waveform (min … max envelope per pixel column).
    case waveform
    /// The mel spectrogram in dB (`melDB`, bins × frames).
    case mel
}

extension Figure {
    /// A recording and what a model hears in it: the waveform or mel spectrogram on top, and beneath it, on
    /// the same time axis, one row per class whose cells are the windows, coloured by that class's
    /// probability (0 … 1, `Blues`), the window's most probable class outlined, and the probability written
    /// in when the cell is wide enough; a tail shorter than a window (not classified) is gray. `title` (e.g. the file and its verdict) heads the figure.
    ///
    /// `windows`: each window's start and end in seconds; `probabilities`: windows × classes, row-major.
    /// `melDB` (with `melBands` × `frames`, hop `hopLength`) is needed for `.mel`. Default 900 × 640.
    public static func emotions(samples: [Float], sampleRate: Int, view: EmotionsView, melDB: [Float] = [],
                                melBands: Int = 128, frames: Int = 0, hopLength: Int = 512,
                                windows: [(start: Double, end: Double)], probabilities: [Float], classes: [String],
                                title: String? = nil, subtitle: String? = nil, width: Int = 900, height: Int = 640,
                                scale: Int = 1) throws(PlotError) -> Figure {
        guard !samples.isEmpty else { throw PlotError("emotions: no samples") }
        guard sampleRate > 0 else { throw PlotError("emotions: sample rate \(sampleRate) must be positive") }
        guard !classes.isEmpty else { throw PlotError("emotions: no classes") }
        guard !windows.isEmpty else { throw PlotError("emotions: no windows") }
        try check(probabilities, rows: windows.count, cols: classes.count, "emotions probabilities")
        let duration = max(Double(samples.count) / Double(sampleRate), windows.map(\.end).max() ?? 0)

        var top: Panel
        switch view {
        case .waveform:
            top = try waveformPanel(samples, sampleRate: sampleRate, duration: duration)
        case .mel:
            top = try spectrogramPanel(melDB, bins: melBands, frames: frames, sampleRate: sampleRate, hopLength: hopLength,
                                       frequency: .mel(fmin: 0, fmax: Double(sampleRate) / 2))
            top.x = Axis(0, duration, label: nil, maxTicks: 9)
        }
        top.x.showsTickLabels = false
        top.x.label = nil

        let n = classes.count
        var y = Axis(categories: classes, label: nil)
        swap(&y.lo, &y.hi)  // first class at the top
        let colormap = Colormap.blues
        let bar = Colorbar(colormap: colormap, lo: 0, hi: 1, ticks: stride(from: 0, through: 100, by: 25).map { Tick(Double($0) / 100, "\($0)%") })
        // A window is drawn up to the next one's start, so overlapping windows (hop < window) tile the axis.
        let spans: [(Double, Double)] = windows.indices.map { i in
            let end = i + 1 < windows.count ? min(windows[i].end, windows[i + 1].start) : windows[i].end
            return (windows[i].start, max(end, windows[i].start))
        }
        var bottom = Panel(title: "Class probability per window", x: Axis(0, duration, label: "Time (s)", maxTicks: 9), y: y,
                           colorbar: bar) { canvas, area in
            for (w, span) in spans.enumerated() {
                let x0 = area.px(span.0), x1 = area.px(span.1)
                for c in 0..<n {
                    let p = Double(probabilities[w * n + c])
                    let y0 = area.py(Double(c)), y1 = area.py(Double(c) + 1)
                    canvas.fill(Rect(x: x0, y: min(y0, y1), width: x1 - x0, height: abs(y1 - y0)), colormap.color(p))
                }
            }
            // The tail shorter than a window is not classified: gray.
            let covered = spans.last?.1 ?? 0
            if covered < duration {
                canvas.fill(Rect(x: area.px(covered), y: area.rect.minY, width: area.px(duration) - area.px(covered),
                                 height: area.rect.height), Color(0xee, 0xee, 0xee))
            }
        }
        bottom.overlay = { canvas, area in
            let rowHeight = area.rect.height / Double(n)
            for (w, span) in spans.enumerated() {
                let x0 = area.px(span.0), x1 = area.px(span.1)
                var best = 0
                for c in 1..<n where probabilities[w * n + c] > probabilities[w * n + best] { best = c }
                let cellWidth = x1 - x0
                for c in 0..<n {
                    let p = Double(probabilities[w * n + c])
                    let text = Ticks.format(p * 100, decimals: 0) + "%"
                    let size = rowHeight >= 22 ? 12.0 : 10.0
                    guard cellWidth >= canvas.measure(text, size: size).width + 6, rowHeight >= 13 else { continue }
                    let ink: Color = colormap.color(p).luminance < 0.35 ? .white : .ink
                    canvas.text(text, at: Point((x0 + x1) / 2, area.py(Double(c) + 0.5)), size: size,
                                weight: c == best ? .bold : .regular, color: ink, anchor: .center)
                }
                let y0 = area.py(Double(best)), y1 = area.py(Double(best) + 1)
                canvas.stroke(Rect(x: x0 + 1, y: min(y0, y1) + 1, width: max(1, cellWidth - 2), height: abs(y1 - y0) - 2),
                              Color(0xd6, 0x27, 0x28), lineWidth: 2)
            }
            let covered = spans.last?.1 ?? 0
            let tail = area.px(duration) - area.px(covered)
            if tail >= canvas.measure("not classified", size: 10).width + 8 {
                canvas.text("not classified", at: Point((area.px(covered) + area.px(duration)) / 2, area.rect.midY), size: 10,
                            color: Color(0x70, 0x70, 0x70), anchor: .center)
            }
            // Window boundaries.
            for span in spans.dropFirst() {
                canvas.vline(x: area.px(span.0), from: area.rect.minY, to: area.rect.maxY, .white, lineWidth: 1)
            }
        }

        var figure = Figure(width: width, height: height, scale: scale)
        let rect = figure.heading(title: title, subtitle: subtitle)
        // The probabilities get more room the more classes there are.
        let share = min(0.62, max(0.42, Double(n) * 0.07))
        let gap = 8.0
        let topHeight = (rect.height - gap) * (1 - share)
        let topRect = Rect(x: rect.x, y: rect.y, width: rect.width, height: topHeight)
        let bottomRect = Rect(x: rect.x, y: rect.y + topHeight + gap, width: rect.width, height: rect.height - topHeight - gap)
        // Lay both out together so their plot areas share left and right edges (one time axis).
        let m0 = top.margins(figure.canvas, plotWidth: rect.width * 0.8)
        let m1 = bottom.margins(figure.canvas, plotWidth: rect.width * 0.8)
        let left = max(m0.left, m1.left), right = max(m0.right, m1.right)
        for (panel, cell, m) in [(top, topRect, m0), (bottom, bottomRect, m1)] {
            let area = cell.inset(top: m.top, left: left, bottom: m.bottom, right: right)
            panel.draw(on: &figure.canvas, plotArea: Rect(x: area.x.rounded(), y: area.y.rounded(),
                                                         width: area.width.rounded(), height: area.height.rounded()))
        }
        return figure
    }

    /// The waveform as a panel over 0 … `duration` seconds.
    static func waveformPanel(_ samples: [Float], sampleRate: Int, duration: Double) throws(PlotError) -> Panel {
        if let i = samples.firstIndex(where: { !$0.isFinite }) {
            throw PlotError("waveform: sample \(i) is \(samples[i]), not finite")
        }
        let peak = max(Double(samples.map { abs($0) }.max() ?? 0), 1e-3) * 1.05
        let seconds = Double(samples.count) / Double(sampleRate)
        var panel = Panel(x: Axis(0, duration, label: "Time (s)", maxTicks: 9),
                          y: Axis(-peak, peak, label: "Amplitude", maxTicks: 7)) { canvas, area in
            let blue = Color.tab10[0]
            let columns = Int((area.rect.width * (seconds / duration) * canvas.scale).rounded())
            let perColumn = Double(samples.count) / Double(max(1, columns))
            samples.withUnsafeBufferPointer { s in
                for c in 0..<columns {
                    let a = Int(Double(c) * perColumn), b = max(a + 1, min(s.count, Int(Double(c + 1) * perColumn)))
                    guard a < s.count else { break }
                    var lo = s[a], hi = s[a]
                    for i in a..<b { lo = min(lo, s[i]); hi = max(hi, s[i]) }
                    if b < s.count { lo = min(lo, s[b]); hi = max(hi, s[b]) }
                    let x = area.rect.minX + Double(c) / canvas.scale
                    let top = area.py(Double(hi)), bottom = area.py(Double(lo))
                    let minHeight = 1 / canvas.scale
                    let mid = (top + bottom) / 2
                    canvas.fill(Rect(x: x, y: min(top, mid - minHeight / 2), width: 1 / canvas.scale,
                                     height: max(bottom - top, minHeight)), blue)
                }
            }
        }
        panel.gridY = true
        return panel
    }
}
