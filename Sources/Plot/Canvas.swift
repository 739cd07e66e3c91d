#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An RGBA raster to draw on in logical coordinates (pixels at scale 1; y grows downwards).
///
/// `scale` (1 or 2, default 1) multiplies every coordinate, line width and font size, so a figure laid out
/// for 600 × 400 renders crisply at 1200 × 800 with `scale: 2`. Everything drawn is clipped to the canvas
/// and to `clip` when set; shapes and glyphs are anti-aliased by pixel coverage and blended source-over.
public struct Canvas: Sendable {
    /// The pixels (device resolution: logical size × scale).
    public private(set) var image: RGBAImage
    /// Device pixels per logical pixel.
    public let scale: Double
    /// Logical size.
    public let width: Double, height: Double
    /// Device-pixel clip box, half-open.
    private var clipX0 = 0, clipY0 = 0, clipX1: Int, clipY1: Int

    /// A canvas of `width × height` logical pixels filled with `background` (default white).
    public init(width: Int, height: Int, scale: Int = 1, background: Color = .white) {
        precondition(width > 0 && height > 0 && scale >= 1, "Canvas: size \(width)×\(height) scale \(scale)")
        image = RGBAImage(width: width * scale, height: height * scale,
                          fill: (background.r, background.g, background.b, background.a))
        self.scale = Double(scale)
        self.width = Double(width)
        self.height = Double(height)
        clipX1 = width * scale
        clipY1 = height * scale
    }

    // MARK: Clipping

    /// Runs `body` with drawing restricted to `rect` (intersected with the current clip).
    public mutating func clipped(to rect: Rect, _ body: (inout Canvas) -> Void) {
        let saved = (clipX0, clipY0, clipX1, clipY1)
        clipX0 = max(clipX0, Int((rect.minX * scale).rounded()))
        clipY0 = max(clipY0, Int((rect.minY * scale).rounded()))
        clipX1 = min(clipX1, Int((rect.maxX * scale).rounded()))
        clipY1 = min(clipY1, Int((rect.maxY * scale).rounded()))
        body(&self)
        (clipX0, clipY0, clipX1, clipY1) = saved
    }

    // MARK: Rectangles

    /// Fills `rect`, edges anti-aliased by their fractional pixel coverage.
    public mutating func fill(_ rect: Rect, _ color: Color) {
        fillDevice(rect.minX * scale, rect.minY * scale, rect.maxX * scale, rect.maxY * scale, color)
    }

    /// Strokes the inside of `rect`'s border with `lineWidth` (logical, default 1).
    public mutating func stroke(_ rect: Rect, _ color: Color, lineWidth: Double = 1) {
        let w = min(lineWidth, rect.width / 2, rect.height / 2)
        fill(Rect(x: rect.minX, y: rect.minY, width: rect.width, height: w), color)
        fill(Rect(x: rect.minX, y: rect.maxY - w, width: rect.width, height: w), color)
        fill(Rect(x: rect.minX, y: rect.minY + w, width: w, height: rect.height - 2 * w), color)
        fill(Rect(x: rect.maxX - w, y: rect.minY + w, width: w, height: rect.height - 2 * w), color)
    }

    /// A horizontal line of `lineWidth` centred on `y`, snapped so a 1-pixel line covers whole device pixels.
    public mutating func hline(y: Double, from x0: Double, to x1: Double, _ color: Color, lineWidth: Double = 1) {
        let w = max(1, (lineWidth * scale).rounded())
        let top = snap(y * scale, width: w)
        fillDevice(min(x0, x1) * scale, top, max(x0, x1) * scale, top + w, color)
    }

    /// A vertical line of `lineWidth` centred on `x`, snapped like `hline`.
    public mutating func vline(x: Double, from y0: Double, to y1: Double, _ color: Color, lineWidth: Double = 1) {
        let w = max(1, (lineWidth * scale).rounded())
        let left = snap(x * scale, width: w)
        fillDevice(left, min(y0, y1) * scale, left + w, max(y0, y1) * scale, color)
    }

    /// The device start of a `width`-pixel band centred on `centre`, on whole pixels.
    private func snap(_ centre: Double, width: Double) -> Double { (centre - width / 2).rounded() }

    private mutating func fillDevice(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ color: Color) {
        guard x1 > x0, y1 > y0, color.a > 0 else { return }
        let ix0 = max(clipX0, Int(x0.rounded(.down))), ix1 = min(clipX1, Int(x1.rounded(.up)))
        let iy0 = max(clipY0, Int(y0.rounded(.down))), iy1 = min(clipY1, Int(y1.rounded(.up)))
        guard ix0 < ix1, iy0 < iy1 else { return }
        let w = image.width
        let alpha = Float(color.a) / 255
        image.pixels.withUnsafeMutableBufferPointer { p in
            for y in iy0..<iy1 {
                let cy = min(Double(y + 1), y1) - max(Double(y), y0)
                for x in ix0..<ix1 {
                    let cx = min(Double(x + 1), x1) - max(Double(x), x0)
                    Canvas.blend(p, (y * w + x) * 4, color, alpha * Float(cx * cy))
                }
            }
        }
    }

    /// Source-over blend of `color` with opacity `a` (0 … 1) into the pixel at byte offset `i`.
    @inline(__always)
    static func blend(_ p: UnsafeMutableBufferPointer<UInt8>, _ i: Int, _ color: Color, _ a: Float) {
        if a >= 0.999 {
            p[i] = color.r; p[i + 1] = color.g; p[i + 2] = color.b; p[i + 3] = 255
            return
        }
        if a <= 0.001 { return }
        let da = Float(p[i + 3]) / 255
        let outA = a + da * (1 - a)
        let k = da * (1 - a)
        p[i] = UInt8((Float(color.r) * a + Float(p[i]) * k) / outA + 0.5)
        p[i + 1] = UInt8((Float(color.g) * a + Float(p[i + 1]) * k) / outA + 0.5)
        p[i + 2] = UInt8((Float(color.b) * a + Float(p[i + 2]) * k) / outA + 0.5)
        p[i + 3] = UInt8(outA * 255 + 0.5)
    }

    // MARK: Lines

    /// A straight anti-aliased line of `lineWidth` (logical, default 1) with round ends.
    public mutating func line(from a: Point, to b: Point, _ color: Color, lineWidth: Double = 1) {
        polyline([a, b], color, lineWidth: lineWidth)
    }

    /// Connected anti-aliased segments through `points`, drawn as one shape (joints are not blended twice).
    ///
    /// `dash`: alternating on/off lengths in logical pixels (e.g. `[6, 3]`); nil (default) for a solid line.
    public mutating func polyline(_ points: [Point], _ color: Color, lineWidth: Double = 1, dash: [Double]? = nil) {
        guard points.count >= 2, color.a > 0 else { return }
        let hw = max(0.5, lineWidth * scale / 2)
        let fade = Float(min(1, lineWidth * scale))  // hairlines thinner than a pixel: lighter, not thinner
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for p in points {
            minX = min(minX, p.x * scale); maxX = max(maxX, p.x * scale)
            minY = min(minY, p.y * scale); maxY = max(maxY, p.y * scale)
        }
        let bx0 = max(clipX0, Int((minX - hw - 1).rounded(.down))), bx1 = min(clipX1, Int((maxX + hw + 1).rounded(.up)))
        let by0 = max(clipY0, Int((minY - hw - 1).rounded(.down))), by1 = min(clipY1, Int((maxY + hw + 1).rounded(.up)))
        guard bx0 < bx1, by0 < by1 else { return }
        let mw = bx1 - bx0
        var mask = [Float](repeating: 0, count: mw * (by1 - by0))
        let segments = dash.map { dashed(points, pattern: $0.map { $0 * scale }) }
            ?? [points.map { Point($0.x * scale, $0.y * scale) }]
        mask.withUnsafeMutableBufferPointer { m in
            for piece in segments where piece.count >= 2 {
                for k in 1..<piece.count {
                    Canvas.stamp(segment: piece[k - 1], piece[k], halfWidth: hw, into: m, x0: bx0, y0: by0,
                                 x1: bx1, y1: by1)
                }
            }
        }
        composite(mask: mask, x0: bx0, y0: by0, width: mw, color: color, opacity: fade)
    }

    /// Max-accumulates the coverage of a capsule around segment a–b (device coordinates) into `m`.
    private static func stamp(segment a: Point, _ b: Point, halfWidth hw: Double,
                              into m: UnsafeMutableBufferPointer<Float>, x0: Int, y0: Int, x1: Int, y1: Int) {
        let sx0 = max(x0, Int((min(a.x, b.x) - hw - 1).rounded(.down)))
        let sx1 = min(x1, Int((max(a.x, b.x) + hw + 1).rounded(.up)))
        let sy0 = max(y0, Int((min(a.y, b.y) - hw - 1).rounded(.down)))
        let sy1 = min(y1, Int((max(a.y, b.y) + hw + 1).rounded(.up)))
        guard sx0 < sx1, sy0 < sy1 else { return }
        let dx = b.x - a.x, dy = b.y - a.y
        let len2 = dx * dx + dy * dy
        let mw = x1 - x0
        for y in sy0..<sy1 {
            let py = Double(y) + 0.5
            for x in sx0..<sx1 {
                let px = Double(x) + 0.5
                var t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0
                t = max(0, min(1, t))
                let ex = px - (a.x + t * dx), ey = py - (a.y + t * dy)
                let d = (ex * ex + ey * ey).squareRoot()
                let cov = Float(max(0, min(1, hw + 0.5 - d)))
                let i = (y - y0) * mw + (x - x0)
                if cov > m[i] { m[i] = cov }
            }
        }
    }

    /// Splits a device-coordinate polyline into its "on" pieces for a dash pattern (device lengths).
    private func dashed(_ points: [Point], pattern: [Double]) -> [[Point]] {
        let pattern = pattern.filter { $0 > 0 }
        guard !pattern.isEmpty else { return [points.map { Point($0.x * scale, $0.y * scale) }] }
        let pts = points.map { Point($0.x * scale, $0.y * scale) }
        var pieces: [[Point]] = []
        var current: [Point] = [pts[0]]
        var index = 0, left = pattern[0], on = true
        for k in 1..<pts.count {
            var a = pts[k - 1]
            let b = pts[k]
            var remaining = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            while remaining > 0 {
                let step = min(left, remaining)
                let t = step / remaining
                let p = Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
                if on { current.append(p) }
                remaining -= step; left -= step; a = p
                if left <= 1e-9 {
                    if on { pieces.append(current) }
                    on.toggle()
                    index = (index + 1) % pattern.count
                    left = pattern[index]
                    current = [p]
                }
            }
        }
        if on, current.count >= 2 { pieces.append(current) }
        return pieces
    }

    private mutating func composite(mask: [Float], x0: Int, y0: Int, width mw: Int, color: Color, opacity: Float) {
        let w = image.width
        let alpha = Float(color.a) / 255 * opacity
        let rows = mask.count / mw
        image.pixels.withUnsafeMutableBufferPointer { p in
            mask.withUnsafeBufferPointer { m in
                for r in 0..<rows {
                    for c in 0..<mw {
                        let cov = m[r * mw + c]
                        if cov > 0 { Canvas.blend(p, ((y0 + r) * w + x0 + c) * 4, color, alpha * cov) }
                    }
                }
            }
        }
    }

    // MARK: Markers

    /// A filled marker centred on `center`, `size` logical pixels across (default 6).
    public mutating func marker(_ kind: Marker, at center: Point, size: Double = 6, _ color: Color) {
        let r = size * scale / 2
        let cx = center.x * scale, cy = center.y * scale
        if kind == .square {
            fillDevice(cx - r, cy - r, cx + r, cy + r, color)
            return
        }
        let x0 = max(clipX0, Int((cx - r - 1).rounded(.down))), x1 = min(clipX1, Int((cx + r + 1).rounded(.up)))
        let y0 = max(clipY0, Int((cy - r - 1).rounded(.down))), y1 = min(clipY1, Int((cy + r + 1).rounded(.up)))
        guard x0 < x1, y0 < y1 else { return }
        let w = image.width
        let alpha = Float(color.a) / 255
        image.pixels.withUnsafeMutableBufferPointer { p in
            for y in y0..<y1 {
                let dy = Double(y) + 0.5 - cy
                for x in x0..<x1 {
                    let dx = Double(x) + 0.5 - cx
                    let d: Double
                    switch kind {
                    case .circle: d = (dx * dx + dy * dy).squareRoot() - r
                    case .diamond: d = (abs(dx) + abs(dy) - r * 1.25) / 2.0.squareRoot()
                    case .square: d = max(abs(dx), abs(dy)) - r
                    }
                    let cov = Float(max(0, min(1, 0.5 - d)))
                    if cov > 0 { Canvas.blend(p, (y * w + x) * 4, color, alpha * cov) }
                }
            }
        }
    }

    /// Fills the triangle a–b–c (any winding), edges anti-aliased.
    public mutating func fillTriangle(_ a: Point, _ b: Point, _ c: Point, _ color: Color) {
        var pts = [a, b, c].map { Point($0.x * scale, $0.y * scale) }
        let area2 = (pts[1].x - pts[0].x) * (pts[2].y - pts[0].y) - (pts[2].x - pts[0].x) * (pts[1].y - pts[0].y)
        guard abs(area2) > 1e-9 else { return }
        if area2 < 0 { pts.swapAt(1, 2) }
        // Inward unit normals: signed distance of p to edge i is n·(p − pᵢ).
        var edges: [(Double, Double, Double, Double)] = []
        for i in 0..<3 {
            let p = pts[i], q = pts[(i + 1) % 3]
            let dx = q.x - p.x, dy = q.y - p.y, len = (dx * dx + dy * dy).squareRoot()
            edges.append((-dy / len, dx / len, p.x, p.y))
        }
        let x0 = max(clipX0, Int(pts.map(\.x).min()!.rounded(.down)) - 1)
        let x1 = min(clipX1, Int(pts.map(\.x).max()!.rounded(.up)) + 1)
        let y0 = max(clipY0, Int(pts.map(\.y).min()!.rounded(.down)) - 1)
        let y1 = min(clipY1, Int(pts.map(\.y).max()!.rounded(.up)) + 1)
        guard x0 < x1, y0 < y1 else { return }
        let w = image.width
        let alpha = Float(color.a) / 255
        image.pixels.withUnsafeMutableBufferPointer { p in
            for y in y0..<y1 {
                let py = Double(y) + 0.5
                for x in x0..<x1 {
                    let px = Double(x) + 0.5
                    var d = Double.infinity
                    for e in edges { d = min(d, e.0 * (px - e.2) + e.1 * (py - e.3)) }
                    let cov = Float(max(0, min(1, d + 0.5)))
                    if cov > 0 { Canvas.blend(p, (y * w + x) * 4, color, alpha * cov) }
                }
            }
        }
    }

    /// A line from `a` to `b` ending in a filled arrowhead `head` logical pixels long (default 8) at `b`.
    public mutating func arrow(from a: Point, to b: Point, _ color: Color, lineWidth: Double = 1.5, head: Double = 8) {
        let dx = b.x - a.x, dy = b.y - a.y, len = (dx * dx + dy * dy).squareRoot()
        guard len > 0 else { return }
        let ux = dx / len, uy = dy / len
        let base = Point(b.x - ux * head, b.y - uy * head)
        line(from: a, to: Point(b.x - ux * head * 0.8, b.y - uy * head * 0.8), color, lineWidth: lineWidth)
        fillTriangle(b, Point(base.x - uy * head * 0.45, base.y + ux * head * 0.45),
                     Point(base.x + uy * head * 0.45, base.y - ux * head * 0.45), color)
    }

    // MARK: Text

    /// The size of `text` set in the built-in font at `size` logical pixels per em (default 12).
    public func measure(_ text: String, size: Double = 12, weight: FontWeight = .regular) -> TextExtent {
        let face = BuiltinFont.shared.face(pixelSize: size * scale, weight: weight)
        return TextExtent(width: face.width(text) / scale, ascent: Double(face.ascent) / scale,
                          descent: Double(face.descent) / scale, capHeight: Double(capHeight(face)) / scale)
    }

    private func capHeight(_ face: FontFace) -> Int32 { face.glyph("H").top }

    /// Draws `text` in the built-in font (DejaVu Sans, regular or bold) at `size` logical pixels per em.
    ///
    /// `anchor` says which point of the text box lands on `point` (default: start of the baseline).
    /// `rotated` turns the text 90° counter-clockwise (reading upwards, as y-axis labels do); the anchor
    /// is then taken along and across that upward direction. Multi-line text is not supported: one line.
    public mutating func text(_ text: String, at point: Point, size: Double = 12, weight: FontWeight = .regular,
                              color: Color = .ink, anchor: TextAnchor = TextAnchor(.start, .baseline),
                              rotated: Bool = false) {
        let font = BuiltinFont.shared
        let face = font.face(pixelSize: size * scale, weight: weight)
        let width = face.width(text)
        var along: Double
        switch anchor.along {
        case .start: along = 0
        case .center: along = -width / 2
        case .end: along = -width
        }
        let baseline: Double  // offset of the baseline below the anchor, across the writing direction
        switch anchor.across {
        case .top: baseline = Double(face.ascent)
        case .middle: baseline = Double(capHeight(face)) / 2
        case .baseline: baseline = 0
        case .bottom: baseline = -Double(face.descent)
        }
        let ox = point.x * scale, oy = point.y * scale
        // Pen origin in device pixels, snapped to whole pixels so glyph bitmaps stay crisp.
        let penU = (along).rounded()
        let penV = (rotated ? ox + baseline : oy + baseline).rounded()
        let startU = rotated ? oy.rounded() : ox.rounded()
        var advance = 0
        let w = image.width, aw = font.atlasWidth
        let alpha = Float(color.a) / 255 / 255
        image.pixels.withUnsafeMutableBufferPointer { p in
            font.atlas.withUnsafeBufferPointer { atlas in
                for s in text.unicodeScalars {
                    let g = face.glyph(s)
                    let u0 = Int(startU) + (rotated ? -1 : 1) * (Int(penU) + Int((Double(advance) / 64).rounded()) + Int(g.left))
                    let v0 = Int(penV) - Int(g.top)
                    advance += Int(g.advance64)
                    if g.width == 0 { continue }
                    for gy in 0..<Int(g.height) {
                        for gx in 0..<Int(g.width) {
                            let cov = atlas[(Int(g.atlasY) + gy) * aw + Int(g.atlasX) + gx]
                            if cov == 0 { continue }
                            let x: Int, y: Int
                            if rotated { x = v0 + gy; y = u0 - gx } else { x = u0 + gx; y = v0 + gy }
                            guard x >= clipX0, x < clipX1, y >= clipY0, y < clipY1 else { continue }
                            Canvas.blend(p, (y * w + x) * 4, color, alpha * Float(cov))
                        }
                    }
                }
            }
        }
    }

    // MARK: Images

    /// Paints a matrix as coloured cells filling `rect` (nearest cell per device pixel, no smoothing).
    ///
    /// `values`: `rows × cols`, row-major. Row 0 is drawn at the bottom when `originLower` (default, as
    /// `librosa.display.specshow` and matplotlib's `origin='lower'`), at the top otherwise. Values map
    /// linearly from `range` (lo … hi) onto `colormap`; NaN paints entry 0.
    public mutating func heatmap(_ values: [Float], rows: Int, cols: Int, in rect: Rect, colormap: Colormap,
                                 range: (lo: Double, hi: Double), originLower: Bool = true) {
        precondition(values.count == rows * cols, "heatmap: \(values.count) values for \(rows)×\(cols)")
        guard rows > 0, cols > 0 else { return }
        let dx0 = Int((rect.minX * scale).rounded()), dx1 = Int((rect.maxX * scale).rounded())
        let dy0 = Int((rect.minY * scale).rounded()), dy1 = Int((rect.maxY * scale).rounded())
        guard dx1 > dx0, dy1 > dy0 else { return }
        let span = rect.width * scale, spanY = rect.height * scale
        let x0 = max(clipX0, dx0), x1 = min(clipX1, dx1), y0 = max(clipY0, dy0), y1 = min(clipY1, dy1)
        guard x0 < x1, y0 < y1 else { return }
        // Colour index of every cell once, then one lookup per pixel.
        let lo = range.lo, inv = range.hi > range.lo ? 1 / (range.hi - range.lo) : 0
        var cell = [UInt8](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { v in
            for i in 0..<v.count { cell[i] = UInt8(Colormap.index((Double(v[i]) - lo) * inv)) }
        }
        var column = [Int](repeating: 0, count: x1 - x0)
        for x in x0..<x1 { column[x - x0] = min(cols - 1, Int((Double(x - dx0) + 0.5) / span * Double(cols))) }
        var lut = [UInt8](repeating: 0, count: 256 * 4)
        for (i, c) in colormap.colors.enumerated() {
            lut[4 * i] = c.r; lut[4 * i + 1] = c.g; lut[4 * i + 2] = c.b; lut[4 * i + 3] = 255
        }
        let w = image.width
        image.pixels.withUnsafeMutableBufferPointer { p in
            cell.withUnsafeBufferPointer { cells in
                lut.withUnsafeBufferPointer { lut in
                    column.withUnsafeBufferPointer { column in
                        for y in y0..<y1 {
                            var r = min(rows - 1, Int((Double(y - dy0) + 0.5) / spanY * Double(rows)))
                            if originLower { r = rows - 1 - r }
                            let rowBase = r * cols
                            var o = (y * w + x0) * 4
                            for k in 0..<column.count {
                                let li = Int(cells[rowBase + column[k]]) * 4
                                p[o] = lut[li]; p[o + 1] = lut[li + 1]; p[o + 2] = lut[li + 2]; p[o + 3] = 255
                                o += 4
                            }
                        }
                    }
                }
            }
        }
    }
}
