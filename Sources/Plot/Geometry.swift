/// A point in a canvas's logical coordinates (pixels at scale 1; y grows downwards).
public struct Point: Sendable, Hashable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}

/// An axis-aligned rectangle in logical coordinates: origin at the top-left corner.
public struct Rect: Sendable, Hashable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    public var minX: Double { x }
    public var minY: Double { y }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var midX: Double { x + width / 2 }
    public var midY: Double { y + height / 2 }

    /// The rectangle shrunk by the given margins.
    public func inset(top: Double = 0, left: Double = 0, bottom: Double = 0, right: Double = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: max(0, width - left - right), height: max(0, height - top - bottom))
    }

    /// True when `p` lies inside (edges included).
    public func contains(_ p: Point) -> Bool { p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY }
}

/// Where a text's anchor point sits on the text's box, along and across the writing direction.
public struct TextAnchor: Sendable, Hashable {
    public enum Along: Sendable, Hashable { case start, center, end }
    public enum Across: Sendable, Hashable {
        /// The top of the tallest glyphs (font ascent).
        case top
        /// Halfway up capital letters and digits: looks centred for labels.
        case middle
        case baseline
        /// The bottom of descenders (font descent).
        case bottom
    }
    public var along: Along
    public var across: Across
    public init(_ along: Along, _ across: Across) { self.along = along; self.across = across }

    public static let topLeft = TextAnchor(.start, .top)
    public static let center = TextAnchor(.center, .middle)
}

/// A text's measured size in logical units.
public struct TextExtent: Sendable, Hashable {
    /// Advance width (no kerning).
    public var width: Double
    /// Font ascent and descent (above / below the baseline).
    public var ascent: Double
    public var descent: Double
    /// Height of capital letters above the baseline.
    public var capHeight: Double
    /// ascent + descent.
    public var height: Double { ascent + descent }
}

/// Marker shapes for scatter points and line series.
public enum Marker: Sendable, Hashable {
    case circle
    case square
    case diamond
}
