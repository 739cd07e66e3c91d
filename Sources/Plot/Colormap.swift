/// A 256-entry colour lookup table mapping 0 … 1 to colours, as matplotlib's `ListedColormap`.
public struct Colormap: Sendable, Equatable {
    /// The name as matplotlib spells it (`viridis`, `magma`, `coolwarm`, `Blues`, `gray`; `_r` when reversed).
    public var name: String
    /// 256 colours, low end first.
    public var colors: [Color]

    public init(name: String, colors: [Color]) {
        precondition(colors.count == 256, "Colormap \(name): \(colors.count) entries, need 256")
        self.name = name
        self.colors = colors
    }

    /// The colour for `t` in 0 … 1 (clamped), as matplotlib does: entry `min(255, ⌊256·t⌋)`. NaN maps to entry 0.
    @inlinable public func color(_ t: Double) -> Color {
        colors[Colormap.index(t)]
    }

    /// The table index for `t`: `min(255, max(0, ⌊256·t⌋))`.
    @inlinable static func index(_ t: Double) -> Int {
        guard t > 0 else { return 0 }
        return t >= 1 ? 255 : min(255, Int(t * 256))
    }

    /// The same map run backwards (matplotlib's `_r`).
    public var reversed: Colormap { Colormap(name: name + "_r", colors: colors.reversed()) }

    /// Perceptually uniform, dark blue → yellow (matplotlib's default).
    public static let viridis = Colormap(name: "viridis", hex: ColormapData.viridis)
    /// Perceptually uniform, black → light yellow (librosa.display's default for non-negative data and dB).
    public static let magma = Colormap(name: "magma", hex: ColormapData.magma)
    /// Diverging blue → white → red (librosa.display's default for signed data such as MFCC).
    public static let coolwarm = Colormap(name: "coolwarm", hex: ColormapData.coolwarm)
    /// ColorBrewer sequential white → dark blue (confusion matrices).
    public static let blues = Colormap(name: "Blues", hex: ColormapData.blues)
    /// Black → white.
    public static let gray = Colormap(name: "gray", hex: ColormapData.gray)

    /// All built-in maps.
    public static let all: [Colormap] = [.viridis, .magma, .coolwarm, .blues, .gray]

    /// A built-in map by matplotlib name (case-insensitive), `_r` suffix for reversed; nil when unknown.
    public static func named(_ name: String) -> Colormap? {
        let lower = name.lowercased()
        if lower.hasSuffix("_r") { return named(String(lower.dropLast(2)))?.reversed }
        return all.first { $0.name.lowercased() == lower }
    }

    private init(name: String, hex: String) {
        var digits: [UInt8] = []
        digits.reserveCapacity(1536)
        for c in hex.utf8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digits.append(c - UInt8(ascii: "a") + 10)
            default: continue
            }
        }
        var colors: [Color] = []
        colors.reserveCapacity(256)
        for i in stride(from: 0, to: digits.count - 5, by: 6) {
            colors.append(Color(digits[i] << 4 | digits[i + 1], digits[i + 2] << 4 | digits[i + 3],
                                digits[i + 4] << 4 | digits[i + 5]))
        }
        self.init(name: name, colors: colors)
    }
}
