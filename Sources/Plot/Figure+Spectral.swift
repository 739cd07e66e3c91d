/// How the rows of a spectrogram map onto frequency.
public enum FrequencyScale: Sendable, Hashable {
    /// STFT bins: row k at k · sampleRate / nFFT, rows spanning 0 … sampleRate / 2 (y axis in Hz).
    case linear
    /// Mel bands equally spaced on librosa's (Slaney) mel scale from `fmin` to `fmax` Hz; ticks in Hz at
    /// 0, 512, 1024, 2048 … as `librosa.display.specshow(y_axis='mel')`.
    case mel(fmin: Double, fmax: Double)
}

/// Pitch-class names for chroma rows, as librosa.display writes them.
public let pitchClasses = ["C", "C\u{266F}", "D", "D\u{266F}", "E", "F", "F\u{266F}", "G", "G\u{266F}", "A", "A\u{266F}", "B"]

extension Figure {
    // MARK: Panels

    /// The time axis of `frames` STFT frames: 0 … frames · hop / sr seconds.
    static func timeAxis(frames: Int, sampleRate: Int, hopLength: Int, label: Bool = true) -> Axis {
        Axis(0, Double(frames * hopLength) / Double(sampleRate), label: label ? "Time (s)" : nil, maxTicks: 9)
    }

    /// A spectrogram panel (values in dB, `bins × frames`, row 0 = lowest frequency).
    ///
    /// Colours span the top 80 dB (or the data's range when narrower): `max − 80 … max`; constant data
    /// (silence) spans `value … value + 80` so it shows dark.
    public static func spectrogramPanel(_ db: [Float], bins: Int, frames: Int, sampleRate: Int = 22050,
                                        hopLength: Int = 512, frequency: FrequencyScale, title: String? = nil,
                                        colormap: Colormap = .magma) throws(PlotError) -> Panel {
        try check(db, rows: bins, cols: frames, "spectrogram")
        let (lo, hi) = extent(db)
        // A (nearly) constant spectrogram, such as silence, sits at the dark bottom of an 80 dB scale.
        let flat = hi - lo < 1e-3
        let vmin = flat ? lo : max(lo, hi - 80), vmax = flat ? lo + 80 : hi
        let y: Axis
        switch frequency {
        case .linear:
            y = Axis(0, Double(sampleRate) / 2, label: "Hz", maxTicks: 7)
        case .mel(let fmin, let fmax):
            guard fmax > fmin, fmin >= 0 else { throw PlotError("spectrogram: mel range \(fmin) … \(fmax) Hz is empty") }
            let ticks = Ticks.melFrequencies(fmin: fmin, fmax: fmax).map { Tick(Ticks.hzToMel($0.value), $0.label) }
            y = Axis(Ticks.hzToMel(fmin), Ticks.hzToMel(fmax), ticks: ticks, label: "Hz")
        }
        let bar = Colorbar(colormap: colormap, lo: vmin, hi: vmax,
                           ticks: Ticks.nice(vmin, vmax, maxTicks: 6).map { Tick($0.value, $0.label + " dB") })
        return Panel(title: title, x: timeAxis(frames: frames, sampleRate: sampleRate, hopLength: hopLength), y: y,
                     colorbar: bar) { canvas, area in
            canvas.heatmap(db, rows: bins, cols: frames, in: area.rect, colormap: colormap, range: (vmin, vmax))
        }
    }

    /// An MFCC panel (`coefficients × frames`, row 0 = coefficient 0 at the bottom), colours symmetric
    /// about 0 (± the largest magnitude; ±1 for an all-zero matrix) (default `coolwarm`, as librosa.display picks for signed data).
    public static func mfccPanel(_ values: [Float], coefficients: Int, frames: Int, sampleRate: Int = 22050,
                                 hopLength: Int = 512, title: String? = nil,
                                 colormap: Colormap = .coolwarm) throws(PlotError) -> Panel {
        try check(values, rows: coefficients, cols: frames, "MFCC")
        let (lo, hi) = extent(values)
        let m = max(abs(lo), abs(hi)) > 1e-6 ? max(abs(lo), abs(hi)) : 1
        let step = Ticks.step(0, Double(coefficients - 1), maxTicks: 6)
        let ticks = Swift.stride(from: 0.0, through: Double(coefficients - 1), by: max(1, step.rounded()))
            .map { Tick($0 + 0.5, Ticks.format($0, decimals: 0)) }
        return Panel(title: title, x: timeAxis(frames: frames, sampleRate: sampleRate, hopLength: hopLength),
                     y: Axis(0, Double(coefficients), ticks: ticks, label: "MFCC"),
                     colorbar: Colorbar(colormap: colormap, lo: -m, hi: m)) { canvas, area in
            canvas.heatmap(values, rows: coefficients, cols: frames, in: area.rect, colormap: colormap, range: (-m, m))
        }
    }

    /// A chroma panel (`12 × frames`, row 0 = C at the bottom), values 0 … 1 (default `magma`). All twelve
    /// pitch classes are labelled when they fit, else C D E G A B.
    public static func chromaPanel(_ values: [Float], frames: Int, sampleRate: Int = 22050, hopLength: Int = 512,
                                   title: String? = nil, colormap: Colormap = .magma) throws(PlotError) -> Panel {
        try check(values, rows: 12, cols: frames, "chroma")
        var y = Axis(0, 12, ticks: pitchClasses.enumerated().map { Tick(Double($0.offset) + 0.5, $0.element) },
                     label: "Pitch class")
        y.sparseTicks = y.ticks.filter { ["C", "D", "E", "G", "A", "B"].contains($0.label) }
        return Panel(title: title, x: timeAxis(frames: frames, sampleRate: sampleRate, hopLength: hopLength), y: y,
                     colorbar: Colorbar(colormap: colormap, lo: 0, hi: 1)) { canvas, area in
            canvas.heatmap(values, rows: 12, cols: frames, in: area.rect, colormap: colormap, range: (0, 1))
        }
    }

    // MARK: Figures

    /// A waveform: amplitude against time (s), drawn as each pixel column's min … max envelope (as
    /// `librosa.display.waveshow` does for long signals), so every sample shows however long the signal.
    ///
    /// Default size 800 × 300 logical pixels.
    public static func waveform(_ samples: [Float], sampleRate: Int, title: String? = nil, width: Int = 800,
                                height: Int = 300, scale: Int = 1) throws(PlotError) -> Figure {
        guard !samples.isEmpty else { throw PlotError("waveform: no samples") }
        guard sampleRate > 0 else { throw PlotError("waveform: sample rate \(sampleRate) must be positive") }
        var panel = try waveformPanel(samples, sampleRate: sampleRate, duration: Double(samples.count) / Double(sampleRate))
        panel.title = title
        var figure = Figure(width: width, height: height, scale: scale)
        let rect = figure.heading(title: nil, subtitle: nil)
        figure.layout([panel], in: rect)
        return figure
    }

    /// A spectrogram or mel spectrogram in dB (`bins × frames`, row-major, row 0 = lowest frequency) with
    /// time (s) and frequency (Hz) axes and a dB colorbar, like `librosa.display.specshow`.
    ///
    /// Defaults: sr 22050, hop 512, `magma`, 800 × 360 logical pixels.
    public static func spectrogram(_ db: [Float], bins: Int, frames: Int, sampleRate: Int = 22050,
                                   hopLength: Int = 512, frequency: FrequencyScale, title: String? = nil,
                                   colormap: Colormap = .magma, width: Int = 800, height: Int = 360,
                                   scale: Int = 1) throws(PlotError) -> Figure {
        let panel = try spectrogramPanel(db, bins: bins, frames: frames, sampleRate: sampleRate, hopLength: hopLength,
                                         frequency: frequency, title: title, colormap: colormap)
        return single(panel, width: width, height: height, scale: scale)
    }

    /// An MFCC matrix (`coefficients × frames`) against time; see `mfccPanel`. Default 800 × 320.
    public static func mfcc(_ values: [Float], coefficients: Int, frames: Int, sampleRate: Int = 22050,
                            hopLength: Int = 512, title: String? = nil, width: Int = 800, height: Int = 320,
                            scale: Int = 1) throws(PlotError) -> Figure {
        let panel = try mfccPanel(values, coefficients: coefficients, frames: frames, sampleRate: sampleRate,
                                  hopLength: hopLength, title: title)
        return single(panel, width: width, height: height, scale: scale)
    }

    /// A chromagram (`12 × frames`, C … B) against time; see `chromaPanel`. Default 800 × 320.
    public static func chroma(_ values: [Float], frames: Int, sampleRate: Int = 22050, hopLength: Int = 512,
                              title: String? = nil, width: Int = 800, height: Int = 320,
                              scale: Int = 1) throws(PlotError) -> Figure {
        let panel = try chromaPanel(values, frames: frames, sampleRate: sampleRate, hopLength: hopLength, title: title)
        return single(panel, width: width, height: height, scale: scale)
    }

    /// The paper's Figure 1: mel spectrogram (dB), MFCC and chroma of one recording as three stacked panels
    /// sharing the time axis. All three matrices have `frames` columns; `title` (e.g. the file name) heads it.
    ///
    /// Defaults: sr 22050, hop 512, mel range 0 … sr/2, 900 × 800 logical pixels.
    public static func features(melDB: [Float], melBands: Int, mfcc: [Float], coefficients: Int, chroma: [Float],
                                frames: Int, sampleRate: Int = 22050, hopLength: Int = 512, fmin: Double = 0,
                                fmax: Double? = nil, title: String? = nil, width: Int = 900, height: Int = 800,
                                scale: Int = 1) throws(PlotError) -> Figure {
        var mel = try spectrogramPanel(melDB, bins: melBands, frames: frames, sampleRate: sampleRate,
                                       hopLength: hopLength, frequency: .mel(fmin: fmin, fmax: fmax ?? Double(sampleRate) / 2),
                                       title: "Mel spectrogram")
        var cepstrum = try mfccPanel(mfcc, coefficients: coefficients, frames: frames, sampleRate: sampleRate,
                                     hopLength: hopLength, title: "MFCC")
        let pitch = try chromaPanel(chroma, frames: frames, sampleRate: sampleRate, hopLength: hopLength,
                                    title: "Chroma")
        mel.x.showsTickLabels = false; mel.x.label = nil
        cepstrum.x.showsTickLabels = false; cepstrum.x.label = nil
        var figure = Figure(width: width, height: height, scale: scale)
        let rect = figure.heading(title: title, subtitle: nil)
        figure.layout([mel, cepstrum, pitch], columns: 1, in: rect, gap: 6)
        return figure
    }

    /// One panel filling a figure.
    static func single(_ panel: Panel, width: Int, height: Int, scale: Int) -> Figure {
        var figure = Figure(width: width, height: height, scale: scale)
        let rect = figure.heading(title: nil, subtitle: nil)
        figure.layout([panel], in: rect)
        return figure
    }
}
