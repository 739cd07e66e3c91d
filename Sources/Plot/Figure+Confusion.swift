/// One confusion matrix to draw: counts (true class = row, predicted = column) and a name.
public struct ConfusionChart: Sendable {
    /// `classes.count × classes.count` counts, row-major: `counts[t * n + p]` = items of class t predicted p.
    public var counts: [Int]
    public var classes: [String]
    /// Panel title (e.g. the corpus or model); nil for none.
    public var title: String?

    public init(counts: [Int], classes: [String], title: String? = nil) {
        self.counts = counts; self.classes = classes; self.title = title
    }

    /// Correct / total (0 when empty).
    public var accuracy: Double {
        let n = classes.count
        let total = counts.reduce(0, +)
        return total == 0 ? 0 : Double((0..<n).map { counts[$0 * n + $0] }.reduce(0, +)) / Double(total)
    }

    /// Unweighted average recall: the mean over classes with items of correct / row total.
    public var uar: Double {
        let n = classes.count
        var sum = 0.0, k = 0
        for t in 0..<n {
            let row = counts[(t * n)..<(t * n + n)].reduce(0, +)
            if row > 0 { sum += Double(counts[t * n + t]) / Double(row); k += 1 }
        }
        return k == 0 ? 0 : sum / Double(k)
    }

    /// Row-normalised fractions (each row sums to 1; rows without items stay 0).
    public var rowFractions: [Float] {
        let n = classes.count
        var out = [Float](repeating: 0, count: n * n)
        for t in 0..<n {
            let row = counts[(t * n)..<(t * n + n)].reduce(0, +)
            if row > 0 { for p in 0..<n { out[t * n + p] = Float(counts[t * n + p]) / Float(row) } }
        }
        return out
    }

    /// "accuracy 71.4 % · UAR 70.2 %".
    public var summary: String {
        "accuracy \(Ticks.format(accuracy * 100, decimals: 1)) % \u{00B7} UAR \(Ticks.format(uar * 100, decimals: 1)) %"
    }

    func validate() throws(PlotError) {
        let n = classes.count
        guard n > 0 else { throw PlotError("confusion matrix\(named): no classes") }
        guard counts.count == n * n else {
            throw PlotError("confusion matrix\(named): \(counts.count) counts for \(n) classes (need \(n * n))")
        }
        if let i = counts.firstIndex(where: { $0 < 0 }) {
            throw PlotError("confusion matrix\(named): negative count \(counts[i]) at row \(i / n), column \(i % n)")
        }
    }

    private var named: String { title.map { " '\($0)'" } ?? "" }
}

extension Figure {
    /// A confusion-matrix panel: true class down, predicted class across, each cell coloured by its
    /// row-normalised fraction (recall along the diagonal) and labelled with its count and that percentage in
    /// a colour that contrasts with the cell; colorbar 0 … 100 %; `summary` (accuracy, UAR) as subtitle.
    public static func confusionPanel(_ matrix: ConfusionChart, colormap: Colormap = .blues,
                                      colorbar: Bool = true) throws(PlotError) -> Panel {
        try matrix.validate()
        let n = matrix.classes.count
        let fractions = matrix.rowFractions
        var y = Axis(categories: matrix.classes, label: "True")
        swap(&y.lo, &y.hi)  // row 0 at the top
        let x = Axis(categories: matrix.classes, label: "Predicted")
        let bar = colorbar
            ? Colorbar(colormap: colormap, lo: 0, hi: 1,
                       ticks: stride(from: 0, through: 100, by: 20).map { Tick(Double($0) / 100, "\($0)%") })
            : nil
        var panel = Panel(title: matrix.title, x: x, y: y, colorbar: bar) { canvas, area in
            canvas.heatmap(fractions, rows: n, cols: n, in: area.rect, colormap: colormap, range: (0, 1),
                           originLower: false)
        }
        panel.subtitle = matrix.summary
        panel.overlay = { canvas, area in
            let cell = area.rect.width / Double(n)
            let big = cell >= 56 ? 14.0 : cell >= 40 ? 12.0 : 10.0
            let small = cell >= 56 ? 12.0 : 10.0
            let twoLines = area.rect.height / Double(n) >= 30
            for t in 0..<n {
                for p in 0..<n {
                    let f = fractions[t * n + p]
                    let background = colormap.color(Double(f))
                    let ink: Color = background.luminance < 0.35 ? .white : .ink
                    let cx = area.px(Double(p) + 0.5), cy = area.py(Double(t) + 0.5)
                    let count = String(matrix.counts[t * n + p])
                    let percent = Ticks.format(Double(f) * 100, decimals: 1) + "%"
                    if twoLines {
                        let gap = canvas.measure(count, size: big).capHeight * 0.55 + 2
                        canvas.text(count, at: Point(cx, cy - gap), size: big, weight: p == t ? .bold : .regular,
                                    color: ink, anchor: TextAnchor.center)
                        canvas.text(percent, at: Point(cx, cy + gap + 1), size: small, color: ink, anchor: .center)
                    } else {
                        canvas.text(count, at: Point(cx, cy), size: small, color: ink, anchor: .center)
                    }
                }
            }
        }
        return panel
    }

    /// One confusion matrix with class names on both axes, counts and row-normalised percentages in the
    /// cells, a colorbar, its title (bold) and "accuracy … · UAR …" beneath. Default 620 × 560, `Blues`.
    public static func confusionMatrix(_ matrix: ConfusionChart, colormap: Colormap = .blues, width: Int = 620,
                                       height: Int = 560, scale: Int = 1) throws(PlotError) -> Figure {
        try matrix.validate()
        var untitled = matrix
        untitled.title = nil
        return try confusionMatrices([untitled], title: matrix.title, colormap: colormap, width: width, height: height,
                                     scale: scale)
    }

    /// Several confusion matrices side by side (the paper's Figures 7 and 8), each with its own title and
    /// accuracy/UAR line, one colorbar on the last; `title` heads the figure.
    /// Default size: 480 logical pixels a matrix wide (plus colorbar), 560 high.
    public static func confusionMatrices(_ matrices: [ConfusionChart], columns: Int? = nil, title: String? = nil,
                                         colormap: Colormap = .blues, width: Int? = nil, height: Int? = nil,
                                         scale: Int = 1) throws(PlotError) -> Figure {
        guard !matrices.isEmpty else { throw PlotError("confusion matrices: none given") }
        let cols = max(1, min(columns ?? matrices.count, matrices.count))
        let rows = (matrices.count + cols - 1) / cols
        var panels: [Panel] = []
        for (i, m) in matrices.enumerated() {
            var panel = try confusionPanel(m, colormap: colormap, colorbar: i % cols == cols - 1 || i == matrices.count - 1)
            if i % cols != 0 { panel.y.label = nil }
            panels.append(panel)
        }
        var figure = Figure(width: width ?? (480 * cols + 80), height: height ?? (520 * rows + (title == nil ? 0 : 30)),
                            scale: scale)
        let rect = figure.heading(title: title, subtitle: nil)
        // Square plot areas of one side for all: decide label rotation from that side, then place each
        // panel in its cell with its own margins, top-aligned in its row.
        let cellW = (rect.width - 12 * Double(cols - 1)) / Double(cols)
        let cellH = (rect.height - 12 * Double(rows - 1)) / Double(rows)
        func side() -> Double {
            let margins = panels.map { $0.margins(figure.canvas, plotWidth: cellW) }
            let left = margins.map(\.left).max() ?? 0, top = margins.map(\.top).max() ?? 0
            return margins.map { min(cellW - left - $0.right, cellH - top - $0.bottom) }.min() ?? 0
        }
        var s = side()
        let rotate = panels.contains { $0.rotatesX(figure.canvas, plotWidth: s) }
        for i in panels.indices { panels[i].x.rotatesTickLabels = rotate }
        s = max(40, side().rounded(.down))
        let left = panels.map { $0.margins(figure.canvas, plotWidth: s).left }.max() ?? 0
        let top = panels.map { $0.margins(figure.canvas, plotWidth: s).top }.max() ?? 0
        for (i, panel) in panels.enumerated() {
            let r = i / cols, c = i % cols
            let m = panel.margins(figure.canvas, plotWidth: s)
            // Centre the panel (plot area plus its margins) in its cell.
            let used = left + s + m.right
            let x = rect.minX + Double(c) * (cellW + 12) + max(0, (cellW - used) / 2) + left
            let y = rect.minY + Double(r) * (cellH + 12) + top
            panel.draw(on: &figure.canvas, plotArea: Rect(x: x.rounded(), y: y.rounded(), width: s, height: s))
        }
        return figure
    }
}
