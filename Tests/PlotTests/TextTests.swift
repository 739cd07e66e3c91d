import Testing
@testable import Plot

@Suite struct TextTests {
    @Test func fontHasTwoWeightsAndSeveralSizes() {
        let font = BuiltinFont.shared
        #expect(font.pixelSizes == [10, 12, 14, 16, 20, 24, 28, 32])
        #expect(font.faces.contains { $0.weight == .bold })
    }

    @Test(arguments: ["àèéìòù", "ÀÈÉÌÒÙ", "ç ñ ü ß ø å", "° ± × ÷ µ ·", "−–—…→•♯"])
    func latinOneAndTypographicGlyphsExist(_ text: String) {
        for weight in [FontWeight.regular, .bold] {
            let face = BuiltinFont.shared.face(pixelSize: 12, weight: weight)
            for s in text.unicodeScalars where s != " " {
                let g = face.glyph(s)
                #expect(g.width > 0 && g.height > 0 && g.advance64 > 0, "no glyph for \(s) (\(weight))")
                #expect(g.atlasX != face.glyph("?").atlasX || g.atlasY != face.glyph("?").atlasY || s == "?")
            }
        }
    }

    @Test func accentsSitAboveTheBaseLetter() {
        let face = BuiltinFont.shared.face(pixelSize: 16, weight: .regular)
        #expect(face.glyph("è").top > face.glyph("e").top)
        #expect(face.glyph("È").top > face.glyph("E").top)
    }

    @Test func boldIsWiderThanRegular() {
        let c = Canvas(width: 1, height: 1)
        #expect(c.measure("Accuracy", size: 14, weight: .bold).width > c.measure("Accuracy", size: 14).width)
        #expect(c.measure("Accuracy", size: 16).width > c.measure("Accuracy", size: 12).width)
    }

    @Test func unknownCharactersDrawAsQuestionMark() {
        let face = BuiltinFont.shared.face(pixelSize: 12, weight: .regular)
        #expect(face.glyph("漢").atlasX == face.glyph("?").atlasX)
    }

    @Test(arguments: [1, 2])
    func textStaysInsideItsMeasuredBox(scale: Int) throws {
        var c = Canvas(width: 200, height: 60, scale: scale)
        let text = "Perché città? Ågj 0.25"
        let origin = Point(20, 15)
        c.text(text, at: origin, size: 14, anchor: .topLeft)
        let m = c.measure(text, size: 14)
        let box = try #require(inkBox(c.image))
        let s = Double(scale)
        #expect(Double(box.minX) >= (origin.x - 1) * s)
        #expect(Double(box.maxX) <= (origin.x + m.width + 1) * s)
        #expect(Double(box.minY) >= (origin.y - 1) * s)
        #expect(Double(box.maxY) <= (origin.y + m.height + 1) * s)
        #expect(Double(box.maxX - box.minX) > m.width * s * 0.8)  // it really drew the whole string
    }

    @Test func anchorsCentreText() throws {
        var c = Canvas(width: 100, height: 40)
        c.text("HHHH", at: Point(50, 20), size: 16, anchor: .center)
        let box = try #require(inkBox(c.image))
        #expect(abs(Double(box.minX + box.maxX) / 2 - 50) <= 1.5)
        #expect(abs(Double(box.minY + box.maxY) / 2 - 20) <= 1.5)
    }

    @Test func rotatedTextReadsUpwards() throws {
        var flat = Canvas(width: 120, height: 120)
        flat.text("Amplitude", at: Point(10, 60), size: 14, anchor: TextAnchor(.start, .middle))
        var turned = Canvas(width: 120, height: 120)
        turned.text("Amplitude", at: Point(60, 110), size: 14, anchor: TextAnchor(.start, .middle), rotated: true)
        let a = try #require(inkBox(flat.image)), b = try #require(inkBox(turned.image))
        // Same extents, swapped; the start of the text ("A") is at the bottom.
        #expect(abs((a.maxX - a.minX) - (b.maxY - b.minY)) <= 1)
        #expect(abs((a.maxY - a.minY) - (b.maxX - b.minX)) <= 1)
        #expect(b.maxY <= 110 && b.maxY >= 105)
        // Pixel (x, y) of the flat text maps to (60 + (y − 60), 110 − (x − 10)) rotated.
        var same = 0, total = 0
        for y in a.minY...a.maxY {
            for x in a.minX...a.maxX where flat.image.pixel(x, y).r < 128 {
                total += 1
                if turned.image.pixel(60 + (y - 60), 110 - (x - 10)).r < 128 { same += 1 }
            }
        }
        #expect(total > 50 && same * 10 >= total * 9)
    }
}
