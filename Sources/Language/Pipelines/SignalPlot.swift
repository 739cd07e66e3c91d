import Audio
import Features
import Plot
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The views of one signal that `ser plot` and the `plot waveform|spectrogram|mel|mfcc|chroma|features`
/// verbs draw.
public enum SignalView: String, CaseIterable, Sendable {
    case waveform, spectrogram, mel, mfcc, chroma, features

    /// The figure's default title before " — <signal name>".
    var heading: String {
        switch self {
        case .waveform: "Waveform"
        case .spectrogram: "Spectrogram"
        case .mel: "Mel spectrogram"
        case .mfcc: "MFCC"
        case .chroma: "Chromagram"
        case .features: "Features"
        }
    }

    /// The default size in logical pixels (the Plot module's defaults for each figure).
    public var defaultSize: (width: Int, height: Int) {
        switch self {
        case .waveform: (800, 300)
        case .spectrogram, .mel: (800, 360)
        case .mfcc, .chroma: (800, 320)
        case .features: (900, 800)
        }
    }
}

/// One view of one signal as a PNG: the one drawing path of `ser plot` and the signal `plot` verbs, so both
/// give the same bytes for the same signal and options. Spectrograms (linear and mel) are in dB relative
/// to their peak (`power_to_db(ref=np.max)`, 80 dB range), as librosa's display examples draw them;
/// MFCCs are librosa's (`power_to_db(ref=1.0)` of the mel spectrogram, then the DCT).
public struct SignalPlot: Sendable {
    public var view: SignalView
    /// nil: "<view> — <signal name>".
    public var title: String?
    /// nil: the view's default size.
    public var width: Int?
    public var height: Int?
    /// Pixel density: 1, or 2 for sharp figures on high-resolution screens and print.
    public var scale = 1

    public init(view: SignalView) { self.view = view }

    /// The title drawn for a signal named `name`.
    public func title(for name: String) -> String { title ?? "\(view.heading) — \(name)" }

    /// Computes the view's data once; the returned closure draws it (benchmarks time only the drawing).
    func renderer(_ signal: Signal, name: String) throws(VerbFailure) -> () throws(VerbFailure) -> Figure {
        guard !signal.samples.isEmpty else { throw VerbFailure("the signal is empty", argument: "signal") }
        // One rule for non-finite audio in every view (a NaN frame would be drawn black, a chroma refused).
        if let problem = FeatureRun.nonFinite(samples: signal.samples, sampleRate: signal.sampleRate) {
            throw VerbFailure("\(name): \(problem)", argument: "signal")
        }
        guard scale == 1 || scale == 2 else { throw VerbFailure("scale must be 1 or 2, given \(scale)", argument: "scale") }
        let samples = signal.samples, sr = signal.sampleRate
        let title = title(for: name), scale = scale
        let width = width ?? view.defaultSize.width, height = height ?? view.defaultSize.height
        func draw(_ body: () throws(PlotError) -> Figure) throws(VerbFailure) -> Figure {
            do { return try body() } catch { throw VerbFailure(error.message) }
        }
        switch view {
        case .waveform:
            return { () throws(VerbFailure) in
                try draw { () throws(PlotError) in
                    try Figure.waveform(samples, sampleRate: sr, title: title, width: width, height: height, scale: scale)
                }
            }
        case .spectrogram:
            let db = Self.peakDB(STFT.spectrogram(samples))
            return { () throws(VerbFailure) in
                try draw { () throws(PlotError) in
                    try Figure.spectrogram(db.values, bins: db.rows, frames: db.columns, sampleRate: sr, frequency: .linear,
                                           title: title, width: width, height: height, scale: scale)
                }
            }
        case .mel:
            let db = Self.peakDB(Spectral.melSpectrogram(samples, sampleRate: sr))
            return { () throws(VerbFailure) in
                try draw { () throws(PlotError) in
                    try Figure.spectrogram(db.values, bins: db.rows, frames: db.columns, sampleRate: sr,
                                           frequency: .mel(fmin: 0, fmax: Double(sr) / 2), title: title, width: width,
                                           height: height, scale: scale)
                }
            }
        case .mfcc:
            let m = Spectral.mfcc(samples, sampleRate: sr)
            return { () throws(VerbFailure) in
                try draw { () throws(PlotError) in
                    try Figure.mfcc(m.values, coefficients: m.rows, frames: m.columns, sampleRate: sr, title: title,
                                    width: width, height: height, scale: scale)
                }
            }
        case .chroma:
            let c = Spectral.chroma(samples, sampleRate: sr)
            return { () throws(VerbFailure) in
                try draw { () throws(PlotError) in
                    try Figure.chroma(c.values, frames: c.columns, sampleRate: sr, title: title, width: width,
                                      height: height, scale: scale)
                }
            }
        case .features:
            let power = Spectral.melSpectrogram(samples, sampleRate: sr)
            let melDB = Self.peakDB(power)
            let m = Spectral.mfcc(melDB: Spectral.powerToDB(power))
            let c = Spectral.chroma(samples, sampleRate: sr)
            return { () throws(VerbFailure) in
                try draw { () throws(PlotError) in
                    try Figure.features(melDB: melDB.values, melBands: melDB.rows, mfcc: m.values, coefficients: m.rows,
                                        chroma: c.values, frames: melDB.columns, sampleRate: sr, fmax: Double(sr) / 2,
                                        title: title, width: width, height: height, scale: scale)
                }
            }
        }
    }

    /// Draws the view of `signal` (named `name` in the default title).
    func draw(_ signal: Signal, name: String) throws(VerbFailure) -> Figure {
        try renderer(signal, name: name)()
    }

    /// Writes a figure as PNG, creating missing folders.
    static func write(_ figure: Figure, to path: String, fast: Bool = false) throws(VerbFailure) {
        do {
            try Files.makeParentDirectories(of: path)
            try figure.write(to: path, fast: fast)
        } catch { throw VerbFailure(userMessage(error), argument: "to") }
    }

    /// `ser plot`'s job: loads `path` as `load audio` does (named by the path as given), draws the view and
    /// writes it to `out`. Returns the PNG's size in pixels.
    public func plotFile(_ path: String, sampleRate: Int, to out: String) throws(VerbFailure) -> (width: Int, height: Int) {
        // Before the work: an output path that cannot be written fails now, not after drawing.
        do { try AtomicFile.checkTarget(out, createFolders: true) } catch { throw VerbFailure(error.description, argument: "to") }
        let figure = try draw(try Self.load(path, sampleRate: sampleRate), name: path)
        try Self.write(figure, to: out)
        return (figure.image.width, figure.image.height)
    }

    /// Times drawing + PNG encoding of the view of `path` `runs` times after one warm-up run (which also
    /// decodes the built-in font); returns the seconds of every run, warm-up first, and the pixel size.
    public func benchmarkFile(_ path: String, sampleRate: Int, to out: String, runs: Int) throws(VerbFailure)
        -> (seconds: [Double], width: Int, height: Int)
    {
        let render = try renderer(try Self.load(path, sampleRate: sampleRate), name: path)
        var times: [Double] = [], size = (0, 0)
        for _ in 0..<(runs + 1) {
            let start = Self.now()
            let figure = try render()
            try Self.write(figure, to: out, fast: true)
            times.append(Self.now() - start)
            size = (figure.image.width, figure.image.height)
        }
        return (times, size.0, size.1)
    }

    static func load(_ path: String, sampleRate: Int) throws(VerbFailure) -> Signal {
        guard sampleRates.contains(sampleRate) else {
            throw VerbFailure("sr must be between \(sampleRates.lowerBound) and \(sampleRates.upperBound) Hz (got \(sampleRate))", argument: "rate")
        }
        // A whole-file spectrogram grows with the length: long files are refused with their length.
        do { return try Audio.load(path, sampleRate: sampleRate, maxSeconds: longestWholeFileSeconds) } catch {
            throw VerbFailure(error.description, argument: "path")
        }
    }

    /// `power_to_db(S, ref=np.max)` with an 80 dB range (a silent signal: ref 1).
    static func peakDB(_ power: Matrix) -> Matrix {
        let peak = Double(power.values.max() ?? 1)
        return Spectral.powerToDB(power, ref: peak > 0 ? peak : 1)
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
