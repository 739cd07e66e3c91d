extension Figure {
    /// Training curves as Keras's `History` holds them: loss (left panel) and accuracy (right panel) per
    /// epoch (1-based), training solid blue and validation dashed orange, and the early-stopping epoch
    /// (`bestEpoch`, 1-based: the weights kept) marked by a dashed gray line in both panels.
    ///
    /// Any of the four series may be empty (not drawn); the accuracy panel is left out when both accuracy
    /// series are empty. Accuracies are fractions (0 … 1). Each panel's legend sits in the corner that hides the
    /// fewest points of its curves. Default 960 × 380 logical pixels.
    public static func trainingCurves(trainLoss: [Double], validationLoss: [Double] = [],
                                      trainAccuracy: [Double] = [], validationAccuracy: [Double] = [],
                                      bestEpoch: Int? = nil, title: String? = nil, width: Int = 960,
                                      height: Int = 380, scale: Int = 1) throws(PlotError) -> Figure {
        let series = [("training loss", trainLoss), ("validation loss", validationLoss),
                      ("training accuracy", trainAccuracy), ("validation accuracy", validationAccuracy)]
        let epochs = series.map(\.1.count).max() ?? 0
        guard epochs > 0 else { throw PlotError("training curves: no epochs in any series") }
        for (name, s) in series {
            if let i = s.firstIndex(where: { !$0.isFinite }) {
                throw PlotError("training curves: \(name) at epoch \(i + 1) is \(s[i]), not finite")
            }
        }
        if let best = bestEpoch, best < 1 || best > epochs {
            throw PlotError("training curves: best epoch \(best) is outside 1 … \(epochs)")
        }
        let xAxis: Axis = {
            let hi = Double(max(epochs, 2))
            var axis = Axis(1, hi, label: "Epoch", maxTicks: 8)
            axis.ticks = axis.ticks.filter { $0.value == $0.value.rounded() && $0.value >= 1 }
            if axis.ticks.first?.value != 1 { axis.ticks.insert(Tick(1, "1"), at: 0) }
            let pad = (hi - 1) * 0.03
            axis.lo = 1 - pad; axis.hi = hi + pad
            return axis
        }()
        func panel(_ title: String, _ train: [Double], _ validation: [Double], yLabel: String,
                   corners: [LegendCorner]) -> Panel {
            let all = train + validation
            var lo = all.min() ?? 0, hi = all.max() ?? 1
            if hi - lo < 1e-9 { lo -= 0.5; hi += 0.5 }
            let margin = (hi - lo) * 0.06
            let corner = Figure.emptiestCorner(of: [train, validation], epochs: epochs, lo: lo - margin, hi: hi + margin,
                                               preferring: corners)
            var p = Panel(title: title, x: xAxis, y: Axis(lo - margin, hi + margin, label: yLabel, maxTicks: 7)) { canvas, area in
                if let best = bestEpoch {
                    canvas.polyline([area.point(Double(best), area.y.lo), area.point(Double(best), area.y.hi)],
                                    Color(0x70, 0x70, 0x70), lineWidth: 1.2, dash: [5, 4])
                }
                for (values, color, dash) in [(train, Color.tab10[0], nil as [Double]?), (validation, Color.tab10[1], [7, 4])]
                where !values.isEmpty {
                    let points = values.enumerated().map { area.point(Double($0.offset + 1), $0.element) }
                    canvas.polyline(points, color, lineWidth: 2, dash: dash)
                    if let best = bestEpoch, best <= values.count {
                        canvas.marker(.circle, at: points[best - 1], size: 7, color)
                    }
                }
            }
            p.gridY = true
            p.legendCorner = corner
            if !train.isEmpty { p.legend.append(LegendEntry("training", color: Color.tab10[0])) }
            if !validation.isEmpty { p.legend.append(LegendEntry("validation", color: Color.tab10[1], dash: [7, 4])) }
            if let best = bestEpoch {
                p.legend.append(LegendEntry("best epoch (\(best))", color: Color(0x70, 0x70, 0x70), dash: [5, 4]))
            }
            return p
        }
        var panels = [panel("Loss", trainLoss, validationLoss, yLabel: "Loss",
                            corners: [.topRight, .bottomLeft, .topLeft, .bottomRight])]
        if !trainAccuracy.isEmpty || !validationAccuracy.isEmpty {
            panels.append(panel("Accuracy", trainAccuracy, validationAccuracy, yLabel: "Accuracy",
                                corners: [.bottomRight, .topLeft, .bottomLeft, .topRight]))
        }
        var figure = Figure(width: width, height: height, scale: scale)
        let rect = figure.heading(title: title, subtitle: nil)
        figure.layout(panels, columns: panels.count, in: rect, gap: 24)
        return figure
    }

    /// The corner, in `preferring`'s order, whose legend box (half the width, 40 % of the height) covers the fewest
    /// points of `series` (epoch i + 1 at value v, on an axis from `lo` to `hi`): a rising validation loss keeps
    /// the legend out of the top right.
    static func emptiestCorner(of series: [[Double]], epochs: Int, lo: Double, hi: Double,
                               preferring: [LegendCorner]) -> LegendCorner {
        func covered(_ corner: LegendCorner) -> Int {
            var n = 0
            for values in series {
                for (i, v) in values.enumerated() {
                    let x = epochs > 1 ? Double(i) / Double(epochs - 1) : 0.5
                    let y = hi > lo ? (v - lo) / (hi - lo) : 0.5
                    let inX = corner == .topRight || corner == .bottomRight ? x >= 0.5 : x <= 0.5
                    let inY = corner == .topRight || corner == .topLeft ? y >= 0.6 : y <= 0.4
                    if inX && inY { n += 1 }
                }
            }
            return n
        }
        return preferring.min { covered($0) < covered($1) } ?? .topRight
    }
}
