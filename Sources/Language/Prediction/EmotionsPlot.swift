import Audio
import Features
import Learn
import Plot
import Support

/// `plot emotions` (the verb and `ser plot emotions`): a recording with its windows' class probabilities
/// beneath, its verdict in the title.
public enum EmotionsPlot {
    /// Predicts every window of `signal` with `predictor` and draws the figure. Returns the figure and the
    /// prediction it shows.
    public static func draw(_ signal: Signal, name: String, predictor: Predictor, view: EmotionsView, title: String? = nil,
                            width: Int = 900, height: Int = 640, scale: Int = 1) throws(PredictionError) -> (Plot.Figure, FilePrediction) {
        guard !signal.samples.isEmpty else { throw PredictionError("\(name): no samples") }
        let prediction = try predictor.predict(signal, name: name)
        let classes = predictor.classes
        let verdict = "\(classes[prediction.best]) (\(Ticks.format(Double(prediction.confidence) * 100, decimals: 0))% mean over \(prediction.windows.count) window\(prediction.windows.count == 1 ? "" : "s"))"
        var subtitle = "\(FeatureRecipe.seconds(predictor.windowing.length)) s windows every \(FeatureRecipe.seconds(predictor.windowing.hop)) s; outlined: each window's most probable class"
        if predictor.card.isDemo { subtitle = "DEMO model (synthetic training data) · " + subtitle }
        var melDB: [Float] = [], bands = 0, frames = 0
        if view == .mel {
            let db = Spectral.powerToDB(Spectral.melSpectrogram(signal.samples, sampleRate: signal.sampleRate))
            melDB = db.values
            bands = db.rows
            frames = db.columns
        }
        do throws(PlotError) {
            let figure = try Plot.Figure.emotions(
                samples: signal.samples, sampleRate: signal.sampleRate, view: view, melDB: melDB, melBands: bands, frames: frames,
                hopLength: STFTParameters.librosa.hopLength, windows: prediction.windows.map { ($0.start, $0.end) },
                probabilities: prediction.windows.flatMap(\.probabilities), classes: classes,
                title: title ?? "\(name): \(verdict)", subtitle: subtitle, width: width, height: height, scale: scale)
            return (figure, prediction)
        } catch {
            throw PredictionError(error.message)
        }
    }

    /// `ser plot emotions FILE --model MODEL`: loads the model and the file (at the model's sample rate), draws
    /// the figure to `out` and returns the lines to print (notes, then what was drawn and the verdict).
    public static func plotFile(_ file: String, model path: String, above: String, title: String?, width: Int?, height: Int?,
                                scale: Int, to out: String) throws(VerbFailure) -> [String] {
        guard let view = EmotionsView(rawValue: above) else {
            throw VerbFailure("above must be \(EmotionsView.allCases.map(\.rawValue).joined(separator: " or ")), not '\(above)'", argument: "above")
        }
        // Before the work: an output path that cannot be written fails now, not after drawing.
        do { try AtomicFile.checkTarget(out, createFolders: true) } catch { throw VerbFailure(error.description, argument: "out") }
        let model: Model
        do { model = try Model.load(from: path) } catch { throw VerbFailure(error.description, argument: "model") }
        let predictor: Predictor
        do { predictor = try Predictor(model: model) } catch { throw VerbFailure("\(path): \(error.message)", argument: "model") }
        let signal: Signal
        // A whole-file figure, as `ser plot`'s other views: files longer than 600 s are refused with their length.
        do { signal = try Audio.load(file, sampleRate: predictor.sampleRate, maxSeconds: longestWholeFileSeconds) } catch {
            throw VerbFailure(error.description, argument: "file")
        }
        let name = String(file.split(separator: "/").last ?? Substring(file))
        let figure: Plot.Figure, prediction: FilePrediction
        do {
            (figure, prediction) = try draw(signal, name: name, predictor: predictor, view: view, title: title,
                                            width: width ?? 900, height: height ?? 640, scale: scale)
        } catch { throw VerbFailure(error.message, argument: "file") }
        do {
            try Files.makeParentDirectories(of: out)
            try figure.write(to: out)
        } catch { throw VerbFailure(userMessage(error), argument: "out") }
        return predictor.notes.map { "note: \($0)" } + [
            "ser plot: emotions of \(file) → \(out) (\(figure.image.width)×\(figure.image.height)): "
                + "\(predictor.classes[prediction.best]) (confidence \(PredictionFormat.fixed(prediction.confidence)))",
        ]
    }
}
