import ArgumentParser
import Audio
import Features
import Language
import Learn
import Plot
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ser plot`: draws one view of one audio file as a PNG (librosa.display-style figures, no Python).
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a waveform, mel spectrogram, MFCC, chroma, all three features, or a model's emotions over time as PNG.",
        discussion: """
        The file is loaded as librosa.load does (mono, resampled to --sr Hz); features use librosa's defaults \
        (n_fft 2048, hop 512, 128 mel bands, 20 MFCC, 12 chroma bins). mel is power_to_db(ref=max) with an \
        80 dB range on a mel-scaled frequency axis (ticks in Hz); features is the study's Figure 1: mel \
        spectrogram, MFCC and chroma as three panels sharing the time axis. emotions (with --model) is what a \
        trained model hears: the waveform (or, with --above mel, the mel spectrogram) and beneath it every \
        window's class probabilities, the file's verdict in the title; the file is loaded at the model's sample \
        rate and cut into its windows (--sr does not apply).

        Examples:
          ser plot mel f1/rab-f1-b1.wav --out mel.png
          ser plot features f1/rab-f1-b1.wav --out fig1.png --title "rabbia, f1" --scale 2
          ser plot emotions me.wav --model models/emovo.safetensors --out me-emotions.png
        """
    )

    enum View: String, ExpressibleByArgument, CaseIterable {
        case mel, mfcc, chroma, waveform, features, emotions
    }

    @Argument(help: ArgumentHelp("What to draw: mel, mfcc, chroma, waveform, features or emotions.", valueName: "view"))
    var view: View

    @Argument(help: "The audio file (any format libsndfile reads).")
    var file: String

    @Option(help: ArgumentHelp("The PNG to write (replaced atomically).", valueName: "PNG"))
    var out: String

    @Option(help: "Figure title (default: the file name).")
    var title: String?

    @Option(help: ArgumentHelp("Analysis sample rate in Hz.", valueName: "Hz"))
    var sr: Int = 22050

    @Option(help: ArgumentHelp("Figure size in logical pixels, WxH (default: 900x800 for features, 900x360 otherwise).",
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
        guard sr > 0 else { throw ValidationError("--sr must be a positive number of Hz (got \(sr))") }
        guard scale == 1 || scale == 2 else { throw ValidationError("--scale must be 1 or 2 (got \(scale))") }
        _ = try parsedSize()
        if let bench, bench < 1 { throw ValidationError("--bench must be at least 1 (got \(bench))") }
        if view == .emotions, model == nil { throw ValidationError("emotions needs --model MODEL") }
        if view != .emotions, model != nil { throw ValidationError("--model applies to emotions only") }
        guard EmotionsView(rawValue: above) != nil else { throw ValidationError("--above must be waveform or mel (got '\(above)')") }
    }

    func parsedSize() throws -> (Int, Int) {
        guard let size else { return view == .features ? (900, 800) : view == .emotions ? (900, 640) : (900, 360) }
        let parts = size.lowercased().split(separator: "x")
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), (100...8000).contains(w),
              (100...8000).contains(h) else {
            throw ValidationError("--size wants WxH in logical pixels, 100…8000 each (got '\(size)')")
        }
        return (w, h)
    }

    func run() throws {
        if view == .emotions { return try runEmotions() }
        let signal: Signal
        do { signal = try Audio.load(file, sampleRate: sr) } catch {
            throw fail("\(error)")
        }
        guard !signal.samples.isEmpty else { throw fail("\(file): no samples") }
        let (width, height) = try parsedSize()
        let name = title ?? String(file.split(separator: "/").last ?? Substring(file))
        let hop = STFTParameters.librosa.hopLength
        // Features are computed once; --bench times only drawing and encoding.
        let render: () throws -> Plot.Figure
        switch view {
        case .waveform:
            render = { try Figure.waveform(signal.samples, sampleRate: sr, title: name, width: width, height: height,
                                           scale: scale) }
        case .mel:
            let mel = Self.melDB(signal.samples, sr: sr)
            render = { try Figure.spectrogram(mel.values, bins: mel.rows, frames: mel.columns, sampleRate: sr,
                                              hopLength: hop, frequency: .mel(fmin: 0, fmax: Double(sr) / 2),
                                              title: name, width: width, height: height, scale: scale) }
        case .mfcc:
            let m = Spectral.mfcc(signal.samples, sampleRate: sr)
            render = { try Figure.mfcc(m.values, coefficients: m.rows, frames: m.columns, sampleRate: sr,
                                       hopLength: hop, title: name, width: width, height: height, scale: scale) }
        case .chroma:
            let c = Spectral.chroma(signal.samples, sampleRate: sr)
            render = { try Figure.chroma(c.values, frames: c.columns, sampleRate: sr, hopLength: hop, title: name,
                                         width: width, height: height, scale: scale) }
        case .emotions:
            return
        case .features:
            let mel = Self.melDB(signal.samples, sr: sr)
            let m = Spectral.mfcc(signal.samples, sampleRate: sr)
            let c = Spectral.chroma(signal.samples, sampleRate: sr)
            render = { try Figure.features(melDB: mel.values, melBands: mel.rows, mfcc: m.values, coefficients: m.rows,
                                           chroma: c.values, frames: c.columns, sampleRate: sr, hopLength: hop,
                                           title: name, width: width, height: height, scale: scale) }
        }
        do {
            if let bench {
                try runBench(bench, render)
                return
            }
            let figure = try render()
            try figure.write(to: out)
            print("ser plot: \(view.rawValue) of \(file) → \(out) (\(figure.image.width)×\(figure.image.height))")
        } catch {
            throw fail("\(error)")
        }
    }

    /// `ser plot emotions FILE --model MODEL`: the same figure as the language's `plot emotions`.
    func runEmotions() throws {
        guard let model else { return }
        let (width, height) = try parsedSize()
        let name = String(file.split(separator: "/").last ?? Substring(file))
        do {
            let predictor = try Predictor(model: try Model.load(from: model))
            let signal = try Audio.load(file, sampleRate: predictor.sampleRate)
            let (figure, prediction) = try EmotionsPlot.draw(signal, name: name, predictor: predictor, view: EmotionsView(rawValue: above)!,
                                                             title: title, width: width, height: height, scale: scale)
            try figure.write(to: out)
            for note in predictor.notes { print("note: \(note)") }
            print("ser plot: emotions of \(file) → \(out) (\(figure.image.width)×\(figure.image.height)): "
                  + "\(predictor.classes[prediction.best]) (confidence \(PredictionFormat.fixed(prediction.confidence)))")
        } catch let error as PredictionError {
            throw fail("\(model): \(error.message)")
        } catch {
            throw fail(userMessage(error))
        }
    }

    /// Renders and writes the figure `runs` times; prints the median and best wall time of one render + encode.
    func runBench(_ runs: Int, _ render: () throws -> Plot.Figure) throws {
        var times: [Double] = []
        var pixels = (0, 0)
        for _ in 0..<(runs + 1) {  // one warm-up (decodes the built-in font)
            let start = Self.now()
            let figure = try render()
            try figure.write(to: out, fast: true)
            times.append(Self.now() - start)
            pixels = (figure.image.width, figure.image.height)
        }
        let sorted = times.dropFirst().sorted()
        let median = sorted[sorted.count / 2], best = sorted[0]
        print("ser plot --bench: \(view.rawValue) \(pixels.0)×\(pixels.1), render + PNG encode: median "
              + "\(Self.ms(median)) ms, best \(Self.ms(best)) ms over \(runs) runs (first run with font decoding "
              + "\(Self.ms(times[0])) ms)")
    }

    static func melDB(_ samples: [Float], sr: Int) -> Matrix {
        let power = Spectral.melSpectrogram(samples, sampleRate: sr)
        let peak = Double(power.values.max() ?? 1)
        return Spectral.powerToDB(power, ref: peak > 0 ? peak : 1)
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func ms(_ seconds: Double) -> String {
        let v = (seconds * 10000).rounded() / 10
        return String(v)
    }

    /// Prints `ser plot: message` on stderr; throw the result to exit with status 1.
    func fail(_ message: String) -> ExitCode {
        let line = "ser plot: \(message)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        return ExitCode.failure
    }
}
