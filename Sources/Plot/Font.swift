/// Weight of the built-in font.
public enum FontWeight: Sendable, Hashable {
    case regular
    case bold
}

/// One glyph of a face: where its coverage bitmap sits in the atlas and how it is placed.
struct Glyph: Sendable {
    /// Top-left corner of the bitmap in the atlas, pixels.
    var atlasX: Int32, atlasY: Int32
    /// Bitmap size, pixels (0 × 0 for blanks such as space).
    var width: Int32, height: Int32
    /// Pen → bitmap left edge, pixels.
    var left: Int32
    /// Baseline → bitmap top row, pixels (positive = above the baseline).
    var top: Int32
    /// Horizontal advance, 1/64 pixel.
    var advance64: Int32
}

/// One size and weight of the built-in font (DejaVu Sans rasterised by scripts/fonts/make_font.py).
struct FontFace: Sendable {
    /// Pixels per em.
    var pixelSize: Int
    var weight: FontWeight
    /// Pixels above / below the baseline for the tallest glyphs.
    var ascent: Int, descent: Int
    /// Glyphs of code points 0 … 255 (nil where missing).
    var latin: [Glyph?]
    /// Glyphs of the few code points beyond Latin-1 (minus sign, dashes, ellipsis, arrow, bullet, ♯).
    var extra: [UInt32: Glyph]

    /// The glyph drawn for `scalar`: its own, else `?`.
    func glyph(_ scalar: Unicode.Scalar) -> Glyph {
        let v = scalar.value
        if v < 256, let g = latin[Int(v)] { return g }
        if let g = extra[v] { return g }
        return latin[Int(UInt8(ascii: "?"))]!
    }

    /// Advance width of `text` in pixels (no kerning).
    func width(_ text: String) -> Double {
        var sum = 0
        for s in text.unicodeScalars { sum += Int(glyph(s).advance64) }
        return Double(sum) / 64
    }
}

/// The built-in font: every face decoded once from `FontData` (a PNG atlas and Int16 metrics, base64).
final class BuiltinFont: Sendable {
    /// Decoded coverage atlas, one byte a pixel.
    let atlas: [UInt8]
    let atlasWidth: Int
    let faces: [FontFace]

    static let shared = BuiltinFont()

    private init() {
        let png = Base64.decode(FontData.atlas)
        do {
            let decoded = try PNG.decodeGray(png, name: "built-in font atlas")
            atlas = decoded.pixels
            atlasWidth = decoded.width
        } catch {
            preconditionFailure("built-in font atlas is corrupt: \(error)")
        }
        let bytes = Base64.decode(FontData.metrics)
        var values = [Int32](repeating: 0, count: bytes.count / 2)
        for i in values.indices { values[i] = Int32(Int16(bitPattern: UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8)) }
        var at = 0
        func next() -> Int32 { defer { at += 1 }; return values[at] }
        let faceCount = Int(next())
        var faces: [FontFace] = []
        for _ in 0..<faceCount {
            let size = Int(next()), bold = next() != 0, ascent = Int(next()), descent = Int(next())
            let count = Int(next())
            var face = FontFace(pixelSize: size, weight: bold ? .bold : .regular, ascent: ascent, descent: descent,
                                latin: [Glyph?](repeating: nil, count: 256), extra: [:])
            for _ in 0..<count {
                let cp = UInt32(next())
                let g = Glyph(atlasX: next(), atlasY: next(), width: next(), height: next(), left: next(),
                              top: next(), advance64: next())
                _ = next()
                if cp < 256 { face.latin[Int(cp)] = g } else { face.extra[cp] = g }
            }
            faces.append(face)
        }
        self.faces = faces
    }

    /// The face of `weight` whose pixel size is nearest `pixelSize` (the smaller on a tie).
    func face(pixelSize: Double, weight: FontWeight) -> FontFace {
        var best = faces[0]
        var bestDistance = Double.infinity
        for f in faces where f.weight == weight {
            let d = abs(Double(f.pixelSize) - pixelSize)
            if d < bestDistance { best = f; bestDistance = d }
        }
        return best
    }

    /// Pixel sizes available for each weight.
    var pixelSizes: [Int] { faces.filter { $0.weight == .regular }.map(\.pixelSize) }
}

/// A minimal base64 decoder (standard alphabet; other characters such as newlines are skipped).
enum Base64 {
    static func decode(_ text: String) -> [UInt8] {
        var table = [UInt8](repeating: 255, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(c)] = UInt8(i)
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var buffer: UInt32 = 0, bits = 0
        for c in text.utf8 {
            let v = table[Int(c)]
            if v == 255 { continue }
            buffer = buffer << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return out
    }
}
