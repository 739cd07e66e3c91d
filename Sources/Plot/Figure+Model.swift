extension Figure {
    /// The paper's Figure 2: a model as a chain of boxes, one per layer, each showing the layer type (bold),
    /// its output shape and its parameter count, joined by arrows, with the total underneath.
    ///
    /// `types[i]`, `shapes[i]` (as Keras prints them, e.g. "(None, 160, 128)") and `parameters[i]` describe
    /// layer i; the input comes first if the caller includes it. Long models wrap into columns of at most
    /// `perColumn` boxes (default 10). The figure sizes itself unless `width`/`height` are given.
    public static func modelDiagram(types: [String], shapes: [String], parameters: [Int], title: String? = nil,
                                    perColumn: Int = 10, width: Int? = nil, height: Int? = nil,
                                    scale: Int = 1) throws(PlotError) -> Figure {
        let n = types.count
        guard n > 0 else { throw PlotError("model diagram: no layers") }
        guard shapes.count == n, parameters.count == n else {
            throw PlotError("model diagram: \(n) types, \(shapes.count) shapes and \(parameters.count) parameter counts (need one of each per layer)")
        }
        if let i = parameters.firstIndex(where: { $0 < 0 }) {
            throw PlotError("model diagram: layer \(i) (\(types[i])) has \(parameters[i]) parameters")
        }
        let columns = (n + max(1, perColumn) - 1) / max(1, perColumn)
        let rows = (n + columns - 1) / columns
        let probe = Canvas(width: 1, height: 1, scale: scale)
        let textWidth = (0..<n).map { i in
            max(probe.measure(types[i], size: Style.labelFont, weight: .bold).width + 12
                + probe.measure(grouped(parameters[i]) + " params", size: Style.tickFont).width,
                probe.measure(shapes[i], size: Style.tickFont).width)
        }.max() ?? 0
        let boxW = max(220, (textWidth + 24).rounded()), boxH = 48.0, vgap = 22.0, hgap = 70.0
        let pad = Figure.padding
        let titleH = title == nil ? 0 : probe.measure("Ag", size: Style.titleFont, weight: .bold).height + Style.pad + 20
        let footerH = 42.0
        let contentW = Double(columns) * boxW + Double(columns - 1) * hgap
        let contentH = Double(rows) * boxH + Double(rows - 1) * vgap
        let w = width ?? Int((contentW + 2 * pad + 20).rounded())
        let h = height ?? Int((titleH + contentH + footerH + 2 * pad + 20).rounded())
        var figure = Figure(width: w, height: h, scale: scale)
        let area = figure.heading(title: title, subtitle: nil)
        let x0 = ((figure.canvas.width - contentW) / 2).rounded(), y0 = (area.minY + 22).rounded()
        func box(_ i: Int) -> Rect {
            let c = i / rows, r = i % rows
            return Rect(x: x0 + Double(c) * (boxW + hgap), y: y0 + Double(r) * (boxH + vgap), width: boxW, height: boxH)
        }
        let edge = Color(0x44, 0x44, 0x44)
        for i in 0..<n {
            let b = box(i)
            figure.canvas.fill(b, fill(for: types[i]))
            figure.canvas.stroke(b, edge)
            figure.canvas.text(types[i], at: Point(b.minX + 10, b.minY + 8), size: Style.labelFont, weight: .bold,
                               anchor: .topLeft)
            figure.canvas.text(grouped(parameters[i]) + " params", at: Point(b.maxX - 10, b.minY + 9),
                               size: Style.tickFont, color: Color(0x44, 0x44, 0x44), anchor: TextAnchor(.end, .top))
            figure.canvas.text(shapes[i], at: Point(b.minX + 10, b.maxY - 8), size: Style.tickFont,
                               color: Color(0x33, 0x33, 0x33), anchor: TextAnchor(.start, .bottom))
            guard i + 1 < n else { continue }
            let next = box(i + 1)
            if next.minX == b.minX {
                figure.canvas.arrow(from: Point(b.midX, b.maxY + 1), to: Point(b.midX, next.minY - 1), edge)
            } else {
                // Elbow into the next column: down, across the gap, up to its top, then into its first box.
                let down = b.maxY + vgap / 2, up = next.minY - 12, mid = b.maxX + hgap / 2
                figure.canvas.polyline([Point(b.midX, b.maxY + 1), Point(b.midX, down), Point(mid, down),
                                        Point(mid, up), Point(next.midX, up)], edge, lineWidth: 1.5)
                figure.canvas.arrow(from: Point(next.midX, up), to: Point(next.midX, next.minY - 1), edge)
            }
        }
        let total = parameters.reduce(0, +)
        figure.canvas.text("Total params: \(grouped(total))", at: Point(figure.canvas.width / 2, y0 + contentH + 24),
                           size: Style.labelFont, anchor: TextAnchor(.center, .top))
        return figure
    }

    /// `1234567` → "1,234,567".
    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "\u{2212}" + out : out
    }

    /// A pale fill per layer family: convolution blue, pooling green, dropout/normalisation gray,
    /// dense orange, input white, anything else lilac.
    static func fill(for type: String) -> Color {
        let t = type.lowercased()
        if t.contains("input") { return .white }
        if t.contains("conv") { return Color(hex: 0xd6e6f5) }
        if t.contains("pool") { return Color(hex: 0xd9f0d3) }
        if t.contains("dropout") || t.contains("norm") { return Color(hex: 0xececec) }
        if t.contains("dense") { return Color(hex: 0xfde0c5) }
        return Color(hex: 0xe8dff5)
    }
}
