import Testing
@testable import Plot

/// Bounding box of the pixels that differ from white, or nil.
func inkBox(_ image: RGBAImage) -> (minX: Int, minY: Int, maxX: Int, maxY: Int)? {
    var box: (Int, Int, Int, Int)?
    for y in 0..<image.height {
        for x in 0..<image.width {
            let p = image.pixel(x, y)
            if p.r != 255 || p.g != 255 || p.b != 255 {
                box = box.map { (min($0.0, x), min($0.1, y), max($0.2, x), max($0.3, y)) } ?? (x, y, x, y)
            }
        }
    }
    return box.map { (minX: $0.0, minY: $0.1, maxX: $0.2, maxY: $0.3) }
}

@Suite struct CanvasTests {
    @Test func opaqueFillCoversWholePixelsExactly() {
        var c = Canvas(width: 10, height: 10)
        c.fill(Rect(x: 2, y: 3, width: 4, height: 2), Color(10, 20, 30))
        #expect(c.image.pixel(2, 3) == (10, 20, 30, 255))
        #expect(c.image.pixel(5, 4) == (10, 20, 30, 255))
        #expect(c.image.pixel(6, 4) == (255, 255, 255, 255))
        #expect(c.image.pixel(2, 5) == (255, 255, 255, 255))
    }

    @Test func fractionalEdgeIsBlendedByCoverage() {
        var c = Canvas(width: 4, height: 1)
        c.fill(Rect(x: 0, y: 0, width: 1.5, height: 1), .black)
        #expect(c.image.pixel(0, 0).r == 0)
        #expect(c.image.pixel(1, 0).r == 128)  // half covered: 255 · 0.5 rounded
    }

    @Test func alphaBlendsSourceOver() {
        var c = Canvas(width: 1, height: 1)
        c.fill(Rect(x: 0, y: 0, width: 1, height: 1), Color(0, 0, 255).opacity(0.5))
        let p = c.image.pixel(0, 0)
        #expect(p.b == 255 && p.a == 255)
        #expect(abs(Int(p.r) - 127) <= 1)
    }

    @Test func scaleTwoDoublesEverything() {
        var c = Canvas(width: 10, height: 10, scale: 2)
        #expect(c.image.width == 20 && c.image.height == 20)
        c.fill(Rect(x: 1, y: 1, width: 2, height: 2), .black)
        let box = inkBox(c.image)
        #expect(box?.minX == 2 && box?.maxX == 5 && box?.minY == 2 && box?.maxY == 5)
    }

    @Test func drawingOutsideTheCanvasIsClippedNotCrashing() {
        var c = Canvas(width: 20, height: 20)
        c.line(from: Point(-50, -50), to: Point(70, 70), .black, lineWidth: 3)
        c.marker(.circle, at: Point(-2, 10), size: 10, .black)
        c.marker(.diamond, at: Point(21, 21), size: 10, .black)
        c.text("outside", at: Point(-30, -5), size: 12)
        c.text("rotated", at: Point(25, 5), size: 12, rotated: true)
        c.heatmap([0, 1, 2, 3], rows: 2, cols: 2, in: Rect(x: -10, y: 15, width: 40, height: 40), colormap: .viridis,
                  range: (0, 3))
        c.fillTriangle(Point(-10, -10), Point(5, -10), Point(-10, 5), .black)
        #expect(c.image.pixels.count == 20 * 20 * 4)
        #expect(c.image.pixel(0, 0).r < 100)  // the diagonal line passes the corner
    }

    @Test func clipRectKeepsEverythingInside() {
        var c = Canvas(width: 40, height: 40)
        let clip = Rect(x: 10, y: 10, width: 20, height: 20)
        c.clipped(to: clip) { c in
            c.fill(Rect(x: 0, y: 0, width: 40, height: 40), .black)
            c.line(from: Point(0, 20), to: Point(40, 20), .black, lineWidth: 4)
            c.text("clipped text", at: Point(0, 20), size: 16)
        }
        let box = inkBox(c.image)
        #expect(box?.minX == 10 && box?.minY == 10 && box?.maxX == 29 && box?.maxY == 29)
        // Drawing after the clipped block is unclipped again.
        c.fill(Rect(x: 0, y: 0, width: 2, height: 2), .black)
        #expect(c.image.pixel(0, 0).r == 0)
    }

    @Test func antialiasedLineHasPartialEdges() {
        var c = Canvas(width: 30, height: 30)
        c.line(from: Point(2, 3), to: Point(27, 21), .black, lineWidth: 1.5)
        let values = Set(c.image.pixels.enumerated().filter { $0.offset % 4 == 0 }.map(\.element))
        #expect(values.contains(0) || values.contains { $0 < 60 })
        #expect(values.contains { $0 > 60 && $0 < 200 })  // grey edge pixels
    }

    @Test func polylineJointsAreNotDoubleBlended() {
        var c = Canvas(width: 30, height: 30)
        let half = Color(0, 0, 0).opacity(0.5)
        c.polyline([Point(5, 15), Point(15, 15), Point(25, 15)], half, lineWidth: 3)
        // Core pixels at the joint and mid-segment get the same single 50 % blend.
        #expect(c.image.pixel(15, 15) == c.image.pixel(10, 15))
        #expect(abs(Int(c.image.pixel(15, 15).r) - 127) <= 1)
    }

    @Test func dashedLineHasGaps() {
        var c = Canvas(width: 60, height: 5)
        c.polyline([Point(0, 2.5), Point(60, 2.5)], .black, lineWidth: 1, dash: [6, 4])
        let row = (0..<60).map { c.image.pixel($0, 2).r }
        #expect(row[2] < 50)       // on
        #expect(row[8] == 255)     // off: 6 … 10
        #expect(row[12] < 50)      // on again
    }

    @Test func heatmapPaintsKnownColormapEntries() {
        var c = Canvas(width: 40, height: 20)
        // 1 × 4 row: 0, 200/255, 128/255, 1 on 0 … 1; viridis(0) = #440154, viridis(200) = #70cf57.
        c.heatmap([0, 200 / 255, 128 / 255, 1], rows: 1, cols: 4, in: Rect(x: 0, y: 0, width: 40, height: 20),
                  colormap: .viridis, range: (0, 1))
        #expect(c.image.pixel(5, 10) == (68, 1, 84, 255))
        #expect(c.image.pixel(15, 10) == (112, 207, 87, 255))
        #expect(c.image.pixel(35, 10) == (253, 231, 37, 255))
        var m = Canvas(width: 10, height: 20)
        // Two rows, origin lower: row 0 (value 0.5 → magma entry 128 = #b73779) at the bottom.
        m.heatmap([0.5, 0], rows: 2, cols: 1, in: Rect(x: 0, y: 0, width: 10, height: 20), colormap: .magma, range: (0, 1))
        #expect(m.image.pixel(5, 15) == (183, 55, 121, 255))
        #expect(m.image.pixel(5, 5) == (0, 0, 4, 255))
    }

    @Test func markersAreCentred() {
        var c = Canvas(width: 21, height: 21)
        c.marker(.circle, at: Point(10.5, 10.5), size: 8, .black)
        let box = inkBox(c.image)
        #expect(box.map { $0.minX + $0.maxX } == 20)
        #expect(box.map { $0.minY + $0.maxY } == 20)
        #expect(c.image.pixel(10, 10).r == 0)
    }
}
