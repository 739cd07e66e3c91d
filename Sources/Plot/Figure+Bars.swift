extension Figure {
    /// A grouped bar chart with error bars: for each group (x), one bar per series side by side, height
    /// `means[s][g]`, whisker ± `stds[s][g]` (omit `stds` or give an empty row for no whiskers), value
    /// printed above each bar with `decimals` decimals (default 1). Used for the results table: the study's
    /// numbers beside ser's, mean ± std over folds. Default 820 × 440 logical pixels, y from 0 to `yMax` (default 1.3 × the highest whisker,
    /// headroom for the value labels and the legend); `tickMax` hides y ticks above it (e.g. 100 for percentages).
    public static func groupedBars(groups: [String], series: [String], means: [[Double]], stds: [[Double]] = [],
                                   yLabel: String? = nil, title: String? = nil, decimals: Int = 1,
                                   yMax: Double? = nil, tickMax: Double? = nil, width: Int = 820, height: Int = 440,
                                   scale: Int = 1) throws(PlotError) -> Figure {
        guard !groups.isEmpty, !series.isEmpty else { throw PlotError("bar chart: no groups or no series") }
        guard means.count == series.count else {
            throw PlotError("bar chart: \(means.count) rows of means for \(series.count) series")
        }
        for (s, row) in means.enumerated() where row.count != groups.count {
            throw PlotError("bar chart: series '\(series[s])' has \(row.count) means for \(groups.count) groups")
        }
        guard stds.isEmpty || stds.count == series.count else {
            throw PlotError("bar chart: \(stds.count) rows of stds for \(series.count) series")
        }
        for (s, row) in stds.enumerated() where !row.isEmpty && row.count != groups.count {
            throw PlotError("bar chart: series '\(series[s])' has \(row.count) stds for \(groups.count) groups")
        }
        for (s, row) in means.enumerated() {
            if let g = row.firstIndex(where: { !$0.isFinite }) {
                throw PlotError("bar chart: series '\(series[s])', group '\(groups[g])': mean \(row[g]) is not finite")
            }
        }
        func std(_ s: Int, _ g: Int) -> Double? {
            guard s < stds.count, !stds[s].isEmpty, stds[s][g].isFinite else { return nil }
            return stds[s][g]
        }
        var top = 0.0
        for s in series.indices { for g in groups.indices { top = max(top, means[s][g] + (std(s, g) ?? 0)) } }
        let hi = yMax ?? (top > 0 ? top * 1.3 : 1)  // headroom for value labels and the legend
        var y = Axis(0, hi, label: yLabel, maxTicks: 7)
        y.ticks = y.ticks.filter { $0.value <= min(hi, tickMax ?? hi) }
        var x = Axis(categories: groups)
        x.rotatesTickLabels = nil
        var panel = Panel(x: x, y: y) { canvas, area in
            let slot = area.rect.width / Double(groups.count)
            let barW = slot * 0.8 / Double(series.count)
            for g in groups.indices {
                for s in series.indices {
                    let color = Color.tab10[s % Color.tab10.count]
                    let left = area.rect.minX + Double(g) * slot + slot * 0.1 + Double(s) * barW
                    let v = means[s][g]
                    let yTop = area.py(v), yBase = area.py(0)
                    canvas.fill(Rect(x: left + 1, y: min(yTop, yBase), width: barW - 2, height: abs(yBase - yTop)), color)
                    var labelY = min(yTop, yBase)
                    if let e = std(s, g), e > 0 {
                        let cx = left + barW / 2, a = area.py(v - e), b = area.py(v + e)
                        let cap = min(8, barW * 0.35)
                        canvas.vline(x: cx, from: a, to: b, .ink, lineWidth: 1.5)
                        canvas.hline(y: a, from: cx - cap, to: cx + cap, .ink, lineWidth: 1.5)
                        canvas.hline(y: b, from: cx - cap, to: cx + cap, .ink, lineWidth: 1.5)
                        labelY = min(labelY, b)
                    }
                    canvas.text(Ticks.format(v, decimals: decimals), at: Point(left + barW / 2, labelY - 3),
                                size: barW >= 34 ? 12 : 10, anchor: TextAnchor(.center, .bottom))
                }
            }
        }
        panel.gridY = true
        panel.legend = series.enumerated().map { LegendEntry($0.element, color: Color.tab10[$0.offset % 10], swatch: true) }
        panel.legendCorner = .topRight
        var figure = Figure(width: width, height: height, scale: scale)
        let rect = figure.heading(title: title, subtitle: nil)
        figure.layout([panel], in: rect)
        return figure
    }
}
