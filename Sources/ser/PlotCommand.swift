import ArgumentParser
import Language

extension SignalView: ExpressibleByArgument {}

/// `ser plot`: draws one view of one audio file as a PNG (`SignalPlot`, the drawing path of the `plot` verbs:
/// the same file, view, title and scale give the same PNG bytes).
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a waveform, spectrogram, mel spectrogram, MFCC, chroma, all three features, or a model's emotions over time as PNG.",
        discussion: """
        The file is loaded as librosa.load does (mono, resampled to --sr Hz); features use librosa's defaults \
        (n_fft 2048, hop 512, 128 mel bands, 20 MFCC, 12 chroma bins). spectrogram and mel are \
        power_to_db(ref=np.max) with an 80 dB range (mel on a mel-scaled frequency axis, ticks in Hz); \
        features is the paper's Figure 1: mel spectrogram, MFCC and chroma as three panels sharing the time \
        axis. The same figure as `x = load audio "FILE"` then `plot VIEW x to "PNG"` at the prompt.

        emotions (with --model) is what a trained model hears: the waveform (or, with --above mel, the mel \
        spectrogram) and beneath it every window's class probabilities, the file's verdict in the title; the \
        file is loaded at the model's sample rate and cut into its windows (--sr does not apply). The same \
        figure as `plot emotions fit x to "PNG"` at the prompt.

        Examples:
          ser plot mel f1/rab-f1-b1.wav --out mel.png
          ser plot features f1/rab-f1-b1.wav --out fig1.png --title "rabbia, f1" --scale 2
          ser plot emotions me.wav --model models/emovo.safetensors --out me-emotions.png
        """
    )

    @Argument(help: ArgumentHelp("What to draw: \((SignalView.allCases.map(\.rawValue) + ["emotions"]).joined(separator: ", ")).", valueName: "view"))
    var view: String

    @Argument(help: "The audio file (any format libsndfile reads).")
    var file: String

    @Option(help: ArgumentHelp("The PNG to write (replaced atomically; folders are created).", valueName: "PNG"))
    var out: String

    @Option(help: "Figure title (default: \"<view> — FILE\", as the plot verbs).")
    var title: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Analysis sample rate in Hz.", valueName: "Hz"))
    var sr: Int = 22050

    @Option(help: ArgumentHelp("Figure size in logical pixels, WxH (default: 900x800 for features, 800x300 waveform, 800x360 spectrograms, 800x320 mfcc and chroma).",
                               valueName: "WxH"))
    var size: String?

    @Option(help: ArgumentHelp("Pixel density: 1, or 2 for sharp figures on high-resolution screens and print.",
                               valueName: "1|2"))
    var scale: Int = 1

    @Option(help: ArgumentHelp("emotions: the trained model (saved by `ser train --out` or `save`).", valueName: "MODEL"))
    var model: String?

    @Option(help: ArgumentHelp("emotions: what to draw above the probabilities, waveform or mel.", valueName: "waveform|mel"))
    var above: String = "waveform"

    @Option(help: .hidden)
    var bench: Int?

    func validate() throws {
        guard scale == 1 || scale == 2 else { throw ValidationError("--scale must be 1 or 2 (got \(scale))") }
        _ = try parsedSize()
        if let bench, bench < 1 { throw ValidationError("--bench must be at least 1 (got \(bench))") }
        guard view == "emotions" || SignalView(rawValue: view) != nil else {
            throw ValidationError("the view must be one of \((SignalView.allCases.map(\.rawValue) + ["emotions"]).joined(separator: ", ")) (got '\(view)')")
        }
        if view == "emotions", model == nil { throw ValidationError("emotions needs --model MODEL") }
        if view != "emotions", model != nil { throw ValidationError("--model applies to emotions only") }
        guard ["waveform", "mel"].contains(above) else { throw ValidationError("--above must be waveform or mel (got '\(above)')") }
    }

    func parsedSize() throws -> (Int, Int)? {
        guard let size else { return nil }
        let parts = size.lowercased().split(separator: "x")
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), (100...8000).contains(w),
              (100...8000).contains(h) else {
            throw ValidationError("--size wants WxH in logical pixels, 100…8000 each (got '\(size)')")
        }
        return (w, h)
    }

    func run() throws {
        guard let view = SignalView(rawValue: view) else {
            let size = try parsedSize()
            let lines = try Failure.reporting("plot") {
                try EmotionsPlot.plotFile(file, model: model ?? "", above: above, title: title, width: size?.0, height: size?.1,
                                          scale: scale, to: out)
            }
            for line in lines { Output.line(line) }
            return
        }
        var plot = SignalPlot(view: view)
        plot.title = title
        plot.scale = scale
        if let (w, h) = try parsedSize() { plot.width = w; plot.height = h }
        try Failure.reporting("plot") {
            if let bench {
                let result = try plot.benchmarkFile(file, sampleRate: sr, to: out, runs: bench)
                let sorted = result.seconds.dropFirst().sorted()
                Output.line("ser plot --bench: \(view.rawValue) \(result.width)×\(result.height), render + PNG encode: median "
                            + "\(Self.ms(sorted[sorted.count / 2])) ms, best \(Self.ms(sorted[0])) ms over \(bench) runs "
                            + "(first run with font decoding \(Self.ms(result.seconds[0])) ms)")
                return
            }
            let (w, h) = try plot.plotFile(file, sampleRate: sr, to: out)
            Output.line("ser plot: \(view.rawValue) of \(file) → \(out) (\(w)×\(h))")
        }
    }

    static func ms(_ seconds: Double) -> String {
        String((seconds * 10000).rounded() / 10)
    }
}
