/// Font sizes and lengths shared by every figure, in logical pixels (matplotlib-like proportions).
enum Style {
    static let tickFont = 12.0
    static let labelFont = 14.0
    static let titleFont = 16.0
    static let tickLength = 4.0
    static let pad = 4.0
    static let colorbarGap = 12.0
    static let colorbarWidth = 14.0
}

/// One axis of a panel: its data range, ticks and label.
public struct Axis: Sendable {
    /// Data values at the plot area's two edges (left/bottom first); lo > hi flips the axis.
    public var lo: Double, hi: Double
    public var ticks: [Tick]
    public var label: String?
    /// Draw tick labels (false for the inner x-axes of stacked panels that share time).
    public var showsTickLabels = true
    /// Turn x tick labels 90° (reading upwards); nil (default) turns them only when neighbours would touch.
    public var rotatesTickLabels: Bool? = nil
    /// Ticks to show instead of `ticks` when the labels of a y axis would overlap (e.g. only the natural
    /// notes of a chroma axis); nil (default) keeps every k-th tick then.
    public var sparseTicks: [Tick]? = nil

    /// The y ticks that fit `height` logical pixels with labels `lineHeight` tall: all, else `sparseTicks`,
    /// else every k-th.
    func fitting(height: Double, lineHeight: Double) -> [Tick] {
        func fits(_ t: [Tick]) -> Bool {
            guard t.count > 1 else { return true }
            let gap = zip(t, t.dropFirst()).map { abs($1.value - $0.value) }.min() ?? 0
            return height * gap / abs(hi - lo) >= lineHeight
        }
        if fits(ticks) { return ticks }
        if let sparse = sparseTicks, fits(sparse) { return sparse }
        var k = 2
        while k < ticks.count {
            let kept = ticks.enumerated().filter { $0.offset % k == 0 }.map(\.element)
            if fits(kept) { return kept }
            k += 1
        }
        return Array(ticks.prefix(1))
    }

    /// An axis over `lo … hi` with round ticks (`Ticks.nice`, at most `maxTicks`, default 7).
    public init(_ lo: Double, _ hi: Double, label: String? = nil, maxTicks: Int = 7) {
        self.lo = lo; self.hi = hi
        self.ticks = Ticks.nice(lo, hi, maxTicks: maxTicks)
        self.label = label
    }

    /// An axis with explicit ticks.
    public init(_ lo: Double, _ hi: Double, ticks: [Tick], label: String? = nil) {
        self.lo = lo; self.hi = hi; self.ticks = ticks; self.label = label
    }

    /// A categorical axis: `names[i]` labels the centre of band `i` of `names.count` equal bands.
    public init(categories names: [String], label: String? = nil) {
        self.init(0, Double(names.count), ticks: names.enumerated().map { Tick(Double($0.offset) + 0.5, $0.element) },
                  label: label)
    }
}

/// A colour scale beside a panel: a gradient bar with its own ticks.
public struct Colorbar: Sendable {
    public var colormap: Colormap
    public var lo: Double, hi: Double
    public var ticks: [Tick]
    public var label: String?

    /// A colorbar over `lo … hi`, round ticks (at most 6) unless `ticks` is given.
    public init(colormap: Colormap, lo: Double, hi: Double, ticks: [Tick]? = nil, label: String? = nil) {
        self.colormap = colormap; self.lo = lo; self.hi = hi
        self.ticks = ticks ?? Ticks.nice(lo, hi, maxTicks: 6)
        self.label = label
    }
}

/// One legend row: a line and/or marker in a colour, and its name.
public struct LegendEntry: Sendable {
    public var name: String
    public var color: Color
    public var line: Bool
    public var dash: [Double]?
    public var marker: Marker?
    /// A filled square swatch instead of a line (bar charts).
    public var swatch: Bool

    public init(_ name: String, color: Color, line: Bool = true, dash: [Double]? = nil, marker: Marker? = nil,
                swatch: Bool = false) {
        self.name = name; self.color = color; self.line = line; self.dash = dash; self.marker = marker
        self.swatch = swatch
    }
}

/// Where a legend sits inside the plot area.
public enum LegendCorner: Sendable {
    case topLeft, topRight, bottomLeft, bottomRight
}

/// The data → pixel mapping of a panel's plot area, handed to its content.
public struct PlotArea: Sendable {
    /// The plot area in logical canvas coordinates.
    public var rect: Rect
    public var x: (lo: Double, hi: Double)
    public var y: (lo: Double, hi: Double)

    /// The canvas x of data value `v`.
    public func px(_ v: Double) -> Double { rect.minX + (v - x.lo) / (x.hi - x.lo) * rect.width }
    /// The canvas y of data value `v` (lo at the bottom).
    public func py(_ v: Double) -> Double { rect.maxY - (v - y.lo) / (y.hi - y.lo) * rect.height }
    /// The canvas point of data point (`x`, `y`).
    public func point(_ x: Double, _ y: Double) -> Point { Point(px(x), py(y)) }
}

/// One panel of a figure: axes with ticks and labels, optional title, grid, colorbar and legend, and content
/// drawn by a closure inside the (clipped) plot area.
public struct Panel {
    public var title: String?
    /// A second, smaller gray line under the title.
    public var subtitle: String?
    public var x: Axis
    public var y: Axis
    public var colorbar: Colorbar?
    /// Light grid lines at the y ticks / x ticks, under the content (default off).
    public var gridY = false, gridX = false
    public var legend: [LegendEntry] = []
    public var legendCorner: LegendCorner = .topRight
    /// Draw the frame and ticks (false for diagrams).
    public var showsAxes = true
    /// Draws the data; called with drawing clipped to the plot area.
    public var content: (inout Canvas, PlotArea) -> Void
    /// Draws over everything (frame included), unclipped: annotations such as cell labels.
    public var overlay: ((inout Canvas, PlotArea) -> Void)?

    public init(title: String? = nil, x: Axis, y: Axis, colorbar: Colorbar? = nil,
                content: @escaping (inout Canvas, PlotArea) -> Void) {
        self.title = title; self.x = x; self.y = y; self.colorbar = colorbar; self.content = content
    }

    /// Space this panel needs around its plot area for ticks, labels, title and colorbar.
    func margins(_ canvas: Canvas, plotWidth: Double) -> (left: Double, right: Double, top: Double, bottom: Double) {
        let tick = canvas.measure("0", size: Style.tickFont)
        let label = canvas.measure("Ag", size: Style.labelFont)
        var left = 0.0, right = 0.0, top = 0.0, bottom = 0.0
        if showsAxes {
            left = Style.tickLength + Style.pad
            if y.showsTickLabels { left += y.ticks.map { canvas.measure($0.label, size: Style.tickFont).width }.max() ?? 0 }
            if y.label != nil { left += Style.pad + label.height }
            bottom = Style.tickLength + Style.pad
            if x.showsTickLabels {
                bottom += rotatesX(canvas, plotWidth: plotWidth)
                    ? (x.ticks.map { canvas.measure($0.label, size: Style.tickFont).width }.max() ?? 0)
                    : tick.height
            }
            if x.label != nil { bottom += Style.pad + label.height }
        }
        if title != nil { top += canvas.measure("Ag", size: Style.titleFont).height + Style.pad * 2 }
        if subtitle != nil { top += canvas.measure("Ag", size: Style.tickFont).height + Style.pad }
        if let bar = colorbar {
            right += Style.colorbarGap + Style.colorbarWidth + Style.tickLength + Style.pad
            right += bar.ticks.map { canvas.measure($0.label, size: Style.tickFont).width }.max() ?? 0
            if bar.label != nil { right += Style.pad + label.height }
        }
        right = max(right, 6)
        top = max(top, 6)
        return (left, right, top, bottom)
    }

    /// Whether x tick labels are drawn turned.
    func rotatesX(_ canvas: Canvas, plotWidth: Double) -> Bool {
        if let r = x.rotatesTickLabels { return r }
        guard x.ticks.count > 1 else { return false }
        let spacing = plotWidth / Double(x.ticks.count) * 0.98
        return x.ticks.contains { canvas.measure($0.label, size: Style.tickFont).width + 6 > spacing }
    }

    /// Draws the panel with its plot area at `rect`.
    func draw(on canvas: inout Canvas, plotArea rect: Rect) {
        let area = PlotArea(rect: rect, x: (x.lo, x.hi), y: (y.lo, y.hi))
        let ink = Color.ink
        if gridY { for t in y.ticks { canvas.hline(y: area.py(t.value), from: rect.minX, to: rect.maxX, .grid) } }
        if gridX { for t in x.ticks { canvas.vline(x: area.px(t.value), from: rect.minY, to: rect.maxY, .grid) } }
        canvas.clipped(to: rect) { content(&$0, area) }
        if showsAxes {
            // Frame: 1-pixel lines on the plot area's outer edge.
            canvas.fill(Rect(x: rect.minX - 1, y: rect.minY - 1, width: rect.width + 2, height: 1), ink)
            canvas.fill(Rect(x: rect.minX - 1, y: rect.maxY, width: rect.width + 2, height: 1), ink)
            canvas.fill(Rect(x: rect.minX - 1, y: rect.minY, width: 1, height: rect.height), ink)
            canvas.fill(Rect(x: rect.maxX, y: rect.minY, width: 1, height: rect.height), ink)
            let rotate = rotatesX(canvas, plotWidth: rect.width)
            var xLabelTop = rect.maxY + 1 + Style.tickLength + Style.pad
            var tallest = 0.0
            for t in x.ticks {
                let px = area.px(t.value)
                guard px >= rect.minX - 0.5, px <= rect.maxX + 0.5 else { continue }
                canvas.vline(x: px, from: rect.maxY + 1, to: rect.maxY + 1 + Style.tickLength, ink)
                guard x.showsTickLabels else { continue }
                if rotate {
                    canvas.text(t.label, at: Point(px, xLabelTop), size: Style.tickFont,
                                anchor: TextAnchor(.end, .middle), rotated: true)
                    tallest = max(tallest, canvas.measure(t.label, size: Style.tickFont).width)
                } else {
                    canvas.text(t.label, at: Point(px, xLabelTop), size: Style.tickFont, anchor: TextAnchor(.center, .top))
                    tallest = max(tallest, canvas.measure(t.label, size: Style.tickFont).height)
                }
            }
            xLabelTop += tallest + Style.pad
            if let label = x.label {
                canvas.text(label, at: Point(rect.midX, xLabelTop), size: Style.labelFont, anchor: TextAnchor(.center, .top))
            }
            var widest = 0.0
            for t in y.fitting(height: rect.height, lineHeight: canvas.measure("0", size: Style.tickFont).capHeight + 4) {
                let py = area.py(t.value)
                guard py >= rect.minY - 0.5, py <= rect.maxY + 0.5 else { continue }
                canvas.hline(y: py, from: rect.minX - 1 - Style.tickLength, to: rect.minX - 1, ink)
                guard y.showsTickLabels else { continue }
                canvas.text(t.label, at: Point(rect.minX - 1 - Style.tickLength - Style.pad, py), size: Style.tickFont,
                            anchor: TextAnchor(.end, .middle))
                widest = max(widest, canvas.measure(t.label, size: Style.tickFont).width)
            }
            if let label = y.label {
                let x = rect.minX - 1 - Style.tickLength - Style.pad - widest - Style.pad
                canvas.text(label, at: Point(x, rect.midY), size: Style.labelFont, anchor: TextAnchor(.center, .bottom),
                            rotated: true)
            }
        }
        var titleBottom = rect.minY - 1 - Style.pad * 2
        if let subtitle {
            canvas.text(subtitle, at: Point(rect.midX, titleBottom), size: Style.tickFont, color: Color(0x55, 0x55, 0x55),
                        anchor: TextAnchor(.center, .bottom))
            titleBottom -= canvas.measure("Ag", size: Style.tickFont).height + Style.pad
        }
        if let title {
            canvas.text(title, at: Point(rect.midX, titleBottom), size: Style.titleFont, anchor: TextAnchor(.center, .bottom))
        }
        if let bar = colorbar { drawColorbar(bar, on: &canvas, beside: rect) }
        if !legend.isEmpty { drawLegend(on: &canvas, in: rect) }
        overlay?(&canvas, area)
    }

    private func drawColorbar(_ bar: Colorbar, on canvas: inout Canvas, beside rect: Rect) {
        let ink = Color.ink
        let box = Rect(x: rect.maxX + Style.colorbarGap, y: rect.minY, width: Style.colorbarWidth, height: rect.height)
        let ramp = (0..<256).map { Float($0) / 255 }
        canvas.heatmap(ramp, rows: 256, cols: 1, in: box, colormap: bar.colormap, range: (0, 1))
        canvas.stroke(Rect(x: box.minX - 1, y: box.minY - 1, width: box.width + 2, height: box.height + 2), ink)
        var widest = 0.0
        for t in bar.ticks {
            let f = (t.value - bar.lo) / (bar.hi - bar.lo)
            guard f >= -1e-9, f <= 1 + 1e-9 else { continue }
            let py = box.maxY - f * box.height
            canvas.hline(y: py, from: box.maxX + 1, to: box.maxX + 1 + Style.tickLength, ink)
            canvas.text(t.label, at: Point(box.maxX + 1 + Style.tickLength + Style.pad, py), size: Style.tickFont,
                        anchor: TextAnchor(.start, .middle))
            widest = max(widest, canvas.measure(t.label, size: Style.tickFont).width)
        }
        if let label = bar.label {
            let x = box.maxX + 1 + Style.tickLength + Style.pad + widest + Style.pad
            canvas.text(label, at: Point(x, box.midY), size: Style.labelFont, anchor: TextAnchor(.center, .top),
                        rotated: true)
        }
    }

    private func drawLegend(on canvas: inout Canvas, in rect: Rect) {
        let size = Style.tickFont
        let row = canvas.measure("Ag", size: size).height + 4
        let sample = 24.0
        let textWidth = legend.map { canvas.measure($0.name, size: size).width }.max() ?? 0
        let w = 8 + sample + 6 + textWidth + 8, h = Double(legend.count) * row + 8
        let inset = 8.0
        let x0: Double, y0: Double
        switch legendCorner {
        case .topLeft: x0 = rect.minX + inset; y0 = rect.minY + inset
        case .topRight: x0 = rect.maxX - inset - w; y0 = rect.minY + inset
        case .bottomLeft: x0 = rect.minX + inset; y0 = rect.maxY - inset - h
        case .bottomRight: x0 = rect.maxX - inset - w; y0 = rect.maxY - inset - h
        }
        let box = Rect(x: x0, y: y0, width: w, height: h)
        canvas.fill(box, Color.white.opacity(0.85))
        canvas.stroke(box, Color(0xcc, 0xcc, 0xcc))
        for (i, e) in legend.enumerated() {
            let cy = y0 + 4 + (Double(i) + 0.5) * row
            let sx = x0 + 8
            if e.swatch {
                canvas.fill(Rect(x: sx + 4, y: cy - 5, width: sample - 8, height: 10), e.color)
            } else if e.line {
                canvas.polyline([Point(sx, cy), Point(sx + sample, cy)], e.color, lineWidth: 2, dash: e.dash)
            }
            if let m = e.marker { canvas.marker(m, at: Point(sx + sample / 2, cy), size: 6, e.color) }
            canvas.text(e.name, at: Point(sx + sample + 6, cy), size: size, anchor: TextAnchor(.start, .middle))
        }
    }
}
