#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One axis tick: a data value and the label printed beside it.
public struct Tick: Sendable, Hashable {
    public var value: Double
    public var label: String
    public init(_ value: Double, _ label: String) { self.value = value; self.label = label }
}

/// Round tick values ("nice numbers") and their labels.
public enum Ticks {
    /// Steps tried per decade, as matplotlib's `MaxNLocator` (steps 1, 2, 2.5, 5, 10).
    static let mantissas: [Double] = [1, 2, 2.5, 5, 10]

    /// The tick step for `lo … hi` giving at most `maxTicks` ticks (default 7): the smallest
    /// 1, 2, 2.5 or 5 × 10ᵏ that fits.
    public static func step(_ lo: Double, _ hi: Double, maxTicks: Int = 7) -> Double {
        let span = abs(hi - lo)
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(1, maxTicks - 1))
        var decade = pow(10, floor(log10(raw)) - 1)
        for _ in 0..<3 {
            for m in mantissas {
                let step = m * decade
                let count = Int(floor(max(lo, hi) / step + 1e-9) - ceil(min(lo, hi) / step - 1e-9)) + 1
                if count <= max(2, maxTicks) { return step }
            }
            decade *= 10
        }
        return decade
    }

    /// Round values inside `lo … hi` (inclusive, tolerant of rounding), at most `maxTicks`, labelled with
    /// just enough decimals for the step and a true minus sign (−) as matplotlib prints.
    public static func nice(_ lo: Double, _ hi: Double, maxTicks: Int = 7) -> [Tick] {
        let (a, b) = lo <= hi ? (lo, hi) : (hi, lo)
        guard b > a else { return [Tick(a, format(a, step: 1))] }
        let step = step(a, b, maxTicks: maxTicks)
        let first = ceil(a / step - 1e-9), last = floor(b / step + 1e-9)
        guard first <= last else { return [] }
        return stride(from: first, through: last, by: 1).map { k in
            var v = k * step
            if abs(v) < step * 1e-9 { v = 0 }
            return Tick(v, format(v, step: step))
        }
    }

    /// `value` printed with the decimals a tick `step` needs (0 for steps ≥ 1, 1 for 0.5, 2 for 0.25 …).
    public static func format(_ value: Double, step: Double) -> String {
        let step = abs(step)
        guard step > 0, step.isFinite else { return format(value, decimals: 0) }
        var decimals = max(0, Int(ceil(-log10(step) - 1e-9)))
        while decimals < 12 {
            let scaled = step * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) <= 1e-6 * max(1, scaled) { break }
            decimals += 1
        }
        return format(value, decimals: decimals)
    }

    /// `value` with exactly `decimals` decimals and a typographic minus sign.
    public static func format(_ value: Double, decimals: Int) -> String {
        let scale = pow(10, Double(decimals))
        let rounded = (abs(value) * scale).rounded() / scale
        let negative = value < 0 && rounded > 0
        var whole = String(Int(rounded))
        if decimals > 0 {
            let frac = Int(((rounded - floor(rounded)) * scale).rounded())
            var f = String(frac)
            while f.count < decimals { f = "0" + f }
            if frac >= Int(scale) { whole = String(Int(rounded) + 1); f = String(repeating: "0", count: decimals) }
            whole += "." + f
        }
        return negative ? "\u{2212}" + whole : whole
    }

    /// Frequencies for a mel-scaled axis up to `fmax` Hz, as `librosa.display.specshow(y_axis='mel')`
    /// labels them: 0 and powers of two from 512 Hz up (512, 1024, 2048, 4096, 8192 …), plus
    /// 128 and 256 when the axis starts low enough to show them apart.
    public static func melFrequencies(fmin: Double = 0, fmax: Double) -> [Tick] {
        var values: [Double] = fmin <= 0 ? [0] : []
        var f = 128.0
        while f <= fmax * (1 + 1e-9) {
            if f >= fmin && (f >= 512 || fmax <= 4096) { values.append(f) }
            f *= 2
        }
        return values.map { Tick($0, format($0, decimals: 0)) }
    }

    /// Hz → mel on the Slaney scale (librosa's default, `htk=False`): linear below 1 kHz, log above.
    public static func hzToMel(_ hz: Double) -> Double {
        let fsp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fsp, logstep = log(6.4) / 27
        return hz >= minLogHz ? minLogMel + log(hz / minLogHz) / logstep : hz / fsp
    }
}
