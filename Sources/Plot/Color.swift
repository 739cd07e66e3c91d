#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An 8-bit sRGB colour with straight (not premultiplied) alpha.
public struct Color: Sendable, Hashable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public var a: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }

    /// A colour from `0xRRGGBB`, opaque.
    public init(hex: UInt32) {
        self.init(UInt8(hex >> 16 & 0xff), UInt8(hex >> 8 & 0xff), UInt8(hex & 0xff))
    }

    /// The same colour with alpha `opacity` (0 … 1).
    public func opacity(_ opacity: Double) -> Color {
        Color(r, g, b, UInt8((max(0, min(1, opacity)) * 255).rounded()))
    }

    /// Relative luminance (0 = black … 1 = white) of the sRGB colour, WCAG formula.
    public var luminance: Double {
        func lin(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    public static let black = Color(0, 0, 0)
    public static let white = Color(255, 255, 255)
    /// matplotlib's text and axis colour.
    public static let ink = Color(0x1a, 0x1a, 0x1a)
    /// Light gray for grid lines.
    public static let grid = Color(0xdd, 0xdd, 0xdd)
    public static let gray = Color(0x80, 0x80, 0x80)

    /// matplotlib's default colour cycle (`tab10`), for series in order.
    public static let tab10: [Color] = [
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
    ].map { Color(hex: $0) }
}
