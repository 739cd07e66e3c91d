extension Figure {
    /// A grouped bar chart with error bars: for each group (x), one bar per series side by side, height
    /// `means[s][g]`, whisker ± `stds[s][g]` (omit `stds` or give an empty row for no whiskers), value
    /// printed above each bar with `decimals` decimals (default 1). Used for the results table: the paper's
    /// numbers beside ser's, mean ± std over folds. Default 820 × 440 logical pixels, y from 0 to `yMax` (default 1.3 × the highest whisker,
    /// headroom for the value labels and the legend); `tickMax` hides y ticks above it (e.g. 100 for percentages).
    ///
    /// `references` (one per group, nil for none) marks a published number beside each group's bars: a
    /// diamond at its height with the value written above, named `referenceName` in the legend (Table 1's
    /// "paper" accuracy beside ser's).
    public static func groupedBars(groups: [String], series: [String], means: [[Double]], stds: [[Double]] = [],
                                   references: [Double?]? = nil, referenceName: String = "paper",
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
        if let references {
            guard references.count == groups.count else {
                throw PlotError("bar chart: \(references.count) reference values for \(groups.count) groups")
            }
            if let g = references.firstIndex(where: { $0.map { !$0.isFinite } ?? false }) {
                throw PlotError("bar chart: group '\(groups[g])': reference \(references[g]!) is not finite")
            }
        }
        let marks = references ?? []
        func std(_ s: Int, _ g: Int) -> Double? {
            guard s < stds.count, !stds[s].isEmpty, stds[s][g].isFinite else { return nil }
            return stds[s][g]
        }
        var top = 0.0
        for s in series.indices { for g in groups.indices { top = max(top, means[s][g] + (std(s, g) ?? 0)) } }
        for case let r? in marks { top = max(top, r) }
        let hi = yMax ?? (top > 0 ? top * 1.3 : 1)  // headroom for value labels and the legend
        var y = Axis(0, hi, label: yLabel, maxTicks: 7)
        y.ticks = y.ticks.filter { $0.value <= min(hi, tickMax ?? hi) }
        var x = Axis(categories: groups)
        x.rotatesTickLabels = nil
        var panel = Panel(x: x, y: y) { canvas, area in
            let slot = area.rect.width / Double(groups.count)
            // A reference mark takes a narrower place of its own after the group's bars.
            let markUnits = marks.isEmpty ? 0 : 0.7
            let barW = slot * 0.8 / (Double(series.count) + markUnits)
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
                if g < marks.count, let r = marks[g] {
                    let cx = area.rect.minX + Double(g) * slot + slot * 0.1 + Double(series.count) * barW + barW * markUnits / 2
                    let cy = area.py(r)
                    canvas.marker(.diamond, at: Point(cx, cy), size: 10, .ink)
                    canvas.text(Ticks.format(r, decimals: 0), at: Point(cx, cy - 7), size: 10, weight: .bold,
                                anchor: TextAnchor(.center, .bottom))
                }
            }
        }
        panel.gridY = true
        panel.legend = series.enumerated().map { LegendEntry($0.element, color: Color.tab10[$0.offset % 10], swatch: true) }
        if marks.contains(where: { $0 != nil }) { panel.legend.append(LegendEntry(referenceName, color: .ink, line: false, marker: .diamond)) }
        panel.legendCorner = .topRight
        var figure = Figure(width: width, height: height, scale: scale)
        let rect = figure.heading(title: title, subtitle: nil)
        figure.layout([panel], in: rect)
        return figure
    }
}
