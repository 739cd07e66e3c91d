import Support
/// A bad argument to a figure function: empty data, mismatched array lengths, non-finite values.
public struct PlotError: ModuleError, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// A finished or in-progress figure: a canvas plus panel layout. Figure functions (`Figure.waveform`,
/// `Figure.confusionMatrix`, …) return one; `write(to:)` saves it as PNG.
public struct Figure: Sendable {
    public var canvas: Canvas
    /// Outer padding around everything, logical pixels.
    static let padding = 10.0

    /// A blank white figure of `width × height` logical pixels at `scale` (1 or 2; default 1).
    public init(width: Int, height: Int, scale: Int = 1) {
        canvas = Canvas(width: width, height: height, scale: scale)
    }

    /// The rendered pixels (logical size × scale).
    public var image: RGBAImage { canvas.image }

    /// Writes the figure as PNG, atomically (see `PNG.write`).
    public func write(to path: String, fast: Bool = false) throws(PNGError) {
        try PNG.write(canvas.image, to: path, fast: fast)
    }

    /// Draws a bold title and a gray subtitle centred at the top, each wrapped onto as many lines as the
    /// figure's width needs (broken at spaces, the lines of about equal width); returns the space left below.
    @discardableResult
    mutating func heading(title: String?, subtitle: String?) -> Rect {
        var top = Figure.padding
        let room = canvas.width - 2 * Figure.padding
        if let title {
            for line in Figure.wrap(title, width: room, measure: { canvas.measure($0, size: Style.titleFont, weight: .bold).width }) {
                canvas.text(line, at: Point(canvas.width / 2, top), size: Style.titleFont, weight: .bold,
                            anchor: TextAnchor(.center, .top))
                top += canvas.measure(line, size: Style.titleFont, weight: .bold).height + Style.pad
            }
        }
        if let subtitle {
            for line in Figure.wrap(subtitle, width: room, measure: { canvas.measure($0, size: Style.labelFont).width }) {
                canvas.text(line, at: Point(canvas.width / 2, top), size: Style.labelFont, color: Color(0x44, 0x44, 0x44),
                            anchor: TextAnchor(.center, .top))
                top += canvas.measure(line, size: Style.labelFont).height + Style.pad
            }
        }
        if title != nil || subtitle != nil { top += 6 }
        let p = Figure.padding
        return Rect(x: p, y: top, width: canvas.width - 2 * p, height: canvas.height - top - p)
    }

    /// Lays `panels` out row by row in `columns` columns inside `rect`, aligning plot areas: panels in one
    /// column share left and right margins, panels in one row share top and bottom margins.
    /// Returns each panel's plot area.
    @discardableResult
    public mutating func layout(_ panels: [Panel], columns: Int = 1, in rect: Rect, gap: Double = 12) -> [Rect] {
        guard !panels.isEmpty else { return [] }
        let cols = max(1, min(columns, panels.count))
        let rows = (panels.count + cols - 1) / cols
        let cellW = (rect.width - gap * Double(cols - 1)) / Double(cols)
        let cellH = (rect.height - gap * Double(rows - 1)) / Double(rows)
        var left = [Double](repeating: 0, count: cols), right = left
        var top = [Double](repeating: 0, count: rows), bottom = top
        for (i, panel) in panels.enumerated() {
            let m = panel.margins(canvas, plotWidth: cellW * 0.8)
            let r = i / cols, c = i % cols
            left[c] = max(left[c], m.left); right[c] = max(right[c], m.right)
            top[r] = max(top[r], m.top); bottom[r] = max(bottom[r], m.bottom)
        }
        var areas: [Rect] = []
        for (i, panel) in panels.enumerated() {
            let r = i / cols, c = i % cols
            let cell = Rect(x: rect.minX + Double(c) * (cellW + gap), y: rect.minY + Double(r) * (cellH + gap),
                            width: cellW, height: cellH)
            let area = cell.inset(top: top[r], left: left[c], bottom: bottom[r], right: right[c])
            // Whole logical pixels keep frames and ticks crisp.
            let snapped = Rect(x: area.x.rounded(), y: area.y.rounded(), width: area.width.rounded(),
                               height: area.height.rounded())
            panel.draw(on: &canvas, plotArea: snapped)
            areas.append(snapped)
        }
        return areas
    }
}

extension Figure {
    /// `text` broken at spaces into the fewest lines no wider than `width` (by `measure`), with the break points
    /// moved so that the lines are about equally wide (a title of 1.2 widths gives two lines of 0.6, not 1 and
    /// 0.2). A word wider than `width` stays whole on a line of its own. Text that fits is one line, unchanged.
    static func wrap(_ text: String, width: Double, measure: (String) -> Double) -> [String] {
        guard measure(text) > width else { return [text] }
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        func greedy(_ limit: Double) -> [String] {
            var lines: [String] = [], line = ""
            for word in words {
                let candidate = line.isEmpty ? word : line + " " + word
                if line.isEmpty || measure(candidate) <= limit { line = candidate } else { lines.append(line); line = word }
            }
            lines.append(line)
            return lines
        }
        let fewest = greedy(width)
        // The narrowest limit that still gives that many lines: a bisection between the widest word and `width`.
        var lo = words.map(measure).max() ?? 0, hi = width
        guard lo < hi else { return fewest }
        for _ in 0..<24 {
            let mid = (lo + hi) / 2
            if greedy(mid).count <= fewest.count { hi = mid } else { lo = mid }
        }
        return greedy(hi)
    }

    /// Throws unless `values` has `rows × cols` entries, both positive, all finite.
    static func check(_ values: [Float], rows: Int, cols: Int, _ what: String) throws(PlotError) {
        guard rows > 0, cols > 0 else { throw PlotError("\(what): empty matrix (\(rows) × \(cols))") }
        guard values.count == rows * cols else {
            throw PlotError("\(what): \(values.count) values for a \(rows) × \(cols) matrix (need \(rows * cols))")
        }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw PlotError("\(what): value \(values[i]) at row \(i / cols), column \(i % cols) is not finite")
        }
    }

    /// The smallest and largest of `values` (non-empty).
    static func extent(_ values: [Float]) -> (Double, Double) {
        var lo = Float.infinity, hi = -Float.infinity
        for v in values { lo = min(lo, v); hi = max(hi, v) }
        return (Double(lo), Double(hi))
    }
}
