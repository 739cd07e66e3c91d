import Audio
import Features
import Learn
import Support

/// One window's prediction: where it is and every class's probability.
public struct WindowPrediction: Sendable, Equatable {
    public var file: String
    public var window: Int
    /// Seconds from the start of the recording.
    public var start: Double
    public var end: Double
    /// Softmax output, one per class (sums to 1).
    public var probabilities: [Float]
    /// The most probable class (the first on ties).
    public var best: Int { argmax(probabilities) }
}

/// One recording's verdict: the class with the highest mean probability over its windows, and that mean.
public struct FilePrediction: Sendable, Equatable {
    public var file: String
    public var windows: [WindowPrediction]
    /// The class the recording is labelled with (a corpus file), if known.
    public var truth: String?

    /// Mean probability of each class over the windows (in double precision, then rounded to Float).
    public var mean: [Float] {
        guard let first = windows.first else { return [] }
        var sum = [Double](repeating: 0, count: first.probabilities.count)
        for w in windows { for (i, p) in w.probabilities.enumerated() { sum[i] += Double(p) } }
        return sum.map { Float($0 / Double(windows.count)) }
    }

    /// The verdict's class index.
    public var best: Int { argmax(mean) }
    /// The verdict's mean probability.
    public var confidence: Float { mean.isEmpty ? 0 : mean[best] }
    /// Seconds of audio covered.
    public var end: Double { windows.last?.end ?? 0 }
}

func argmax(_ p: [Float]) -> Int {
    var best = 0
    for j in p.indices where p[j] > p[best] { best = j }
    return best
}

/// The prediction pipeline under `ser predict`, `predict` and `plot emotions`: reads the model's card, computes
/// the features the model was trained on (sample rate, window, blocks) for each window of a recording, and
/// runs the model on each window alone (so a window's probabilities are the same whether it came from a file,
/// a signal, a feature table or a live stream).
///
/// Refuses a model it cannot feed: no class names, a card naming features ser cannot compute, or a card
/// whose features do not match the model's input width. A model without a card (an older ser) is taken to
/// use the study's defaults when it takes 160 values, with a note saying so.
public final class Predictor {
    public let model: Model
    public let card: ModelCard
    /// The features computed for the model (the card's, or the study's defaults for a card-less model).
    public let recipe: FeatureRecipe
    /// Windows cut from recordings: the card's unless overridden.
    public let windowing: Windowing
    /// Things a user should know about these predictions (demo model, assumed features, other windows).
    public private(set) var notes: [String] = []
    private let extractor: FeatureExtractor
    private let columns: [Int]

    /// A predictor for `model` (copied; the caller's model is not touched). `window`/`hop` override the
    /// card's (a window length other than the training one gets a note).
    public init(model: Model, window: Double? = nil, hop: Double? = nil) throws(PredictionError) {
        guard !model.labels.isEmpty else {
            throw PredictionError("the model has no class names: it was never trained (train it, or load a trained model)")
        }
        self.model = model.copy()
        card = try ModelCard(model)
        if let r = card.recipe {
            guard r.width == model.inputSize else {
                throw PredictionError("the model's card says it takes \(r.featureName) (\(r.width) values per window) but its input layer takes \(model.inputSize)")
            }
            recipe = r
        } else {
            let study = FeatureRecipe()
            guard model.inputSize == study.width else {
                throw PredictionError("the model has no card saying which features it takes, and its \(model.inputSize) inputs are not the study's \(study.width) (\(study.featureName)); retrain it with this ser")
            }
            recipe = study
            notes.append("the model file has no card (older ser): assuming the study's features, \(study.featureName) at \(study.settings.sampleRate) Hz in 2 s windows")
        }
        let length = window ?? recipe.windowing.length
        let step = hop ?? (window == nil ? recipe.windowing.hop : length)
        guard length > 0, length.isFinite, length <= 3600 else { throw PredictionError("window must be in (0, 3600] seconds, not \(length)") }
        guard step > 0, step.isFinite, step <= 3600 else { throw PredictionError("hop must be in (0, 3600] seconds, not \(step)") }
        windowing = Windowing(length: length, hop: step)
        if length != recipe.windowing.length {
            notes.append("the model was trained on \(FeatureRecipe.seconds(recipe.windowing.length)) s windows; these are \(FeatureRecipe.seconds(length)) s")
        }
        if let demo = card.demoNote { notes.append(demo) }
        extractor = FeatureExtractor(settings: recipe.settings)
        columns = recipe.columns
    }

    /// Class names, index = output.
    public var classes: [String] { model.labels }
    /// The sample rate the model's features are computed at.
    public var sampleRate: Int { recipe.settings.sampleRate }

    /// The probabilities for one feature row (`model.inputSize` values, raw: the model normalizes).
    public func probabilities(row: some Collection<Float>) throws(PredictionError) -> [Float] {
        do { return try model.predict(Array(row), chunk: 1) } catch { throw PredictionError(error.message) }
    }

    /// The feature row of one window of samples at `sampleRate`.
    public func features(_ samples: ArraySlice<Float>) -> [Float] {
        let full = extractor.vector(samples)
        return columns.count == full.count ? full : columns.map { full[$0] }
    }

    /// Checks that a feature table was made as the model needs: same sample rate, blocks and window length
    /// (when the table says how it was made) and the model's width.
    public func check(table: FeatureTable) throws(PredictionError) {
        if let t = table.recipe {
            var differences: [String] = []
            if t.settings.sampleRate != recipe.settings.sampleRate {
                differences.append("sample rate \(t.settings.sampleRate) Hz, the model \(recipe.settings.sampleRate) Hz")
            }
            if t.blocks != recipe.blocks || t.settings != FeatureSettings(sampleRate: t.settings.sampleRate) {
                differences.append("features \(t.featureName), the model \(recipe.featureName)")
            }
            if t.windowing.length != recipe.windowing.length {
                differences.append("\(FeatureRecipe.seconds(t.windowing.length)) s windows, the model \(FeatureRecipe.seconds(recipe.windowing.length)) s")
            }
            if !differences.isEmpty {
                throw PredictionError("the model was trained on other features than the table's: " + differences.joined(separator: "; "))
            }
        }
        guard table.width == model.inputSize else {
            throw PredictionError("the model takes \(recipe.featureName) (\(model.inputSize) values per window); the table's rows hold \(table.width)")
        }
    }

    /// Checks that every class in `labels` is one of the model's.
    public func check(labels: [String], source: String) throws(PredictionError) {
        let known = Set(classes)
        let unknown = Array(Set(labels.filter { !$0.isEmpty && !known.contains($0) })).sorted()
        guard unknown.isEmpty else {
            throw PredictionError("the model was trained on another label set: \(source) holds \(unknown.joined(separator: ", ")), which the model does not know (its classes: \(classes.joined(separator: ", ")))")
        }
    }

    /// Every window of a recording (resampled to the model's rate first when needed, as `librosa.load` does).
    public func predict(_ signal: Signal, name: String, truth: String? = nil) throws(PredictionError) -> FilePrediction {
        let samples: [Float]
        if signal.sampleRate == sampleRate {
            samples = signal.samples
        } else {
            do { samples = try Resampler.resample(signal.samples, from: signal.sampleRate, to: sampleRate) } catch {
                throw PredictionError("\(name): \(error.message)")
            }
        }
        let stream = try self.stream(name: name, sampleRate: sampleRate, truth: truth)
        _ = try stream.push(samples)
        _ = try stream.finish()
        return stream.result
    }

    /// A live recording arriving in pieces at `sampleRate` Hz: windows come out as soon as they are complete.
    public func stream(name: String, sampleRate rate: Int, truth: String? = nil) throws(PredictionError) -> WindowStream {
        do { return try WindowStream(self, name: name, rate: rate, truth: truth) } catch {
            throw PredictionError("\(name): \(error.message)")
        }
    }
}

/// Cuts a recording that arrives in pieces into the predictor's windows and predicts each as soon as its
/// last sample is there. Pieces are resampled to the model's rate as one stream (`Resampler.Stream`), so the
/// windows are those of the whole recording: a trailing piece shorter than a window is dropped, and a
/// recording shorter than one window gives one window of all of it (as `Windowing.ranges`).
public final class WindowStream {
    let predictor: Predictor
    let resampler: Resampler.Stream
    let size: Int, step: Int
    /// Samples at the model's rate from absolute position `offset` on.
    var buffer: [Float] = []
    var offset = 0
    var total = 0
    var next = 0
    public private(set) var result: FilePrediction

    init(_ predictor: Predictor, name: String, rate: Int, truth: String?) throws(AudioError) {
        self.predictor = predictor
        resampler = try Resampler.Stream(from: rate, to: predictor.sampleRate)
        let sr = Double(predictor.sampleRate)
        size = max(1, Int((predictor.windowing.length * sr).rounded()))
        step = max(1, Int((predictor.windowing.hop * sr).rounded()))
        result = FilePrediction(file: name, windows: [], truth: truth)
    }

    /// Adds samples (at the stream's input rate); returns the windows they complete.
    public func push(_ samples: [Float]) throws(PredictionError) -> [WindowPrediction] {
        let converted: [Float]
        do { converted = try resampler.push(samples) } catch { throw PredictionError("\(result.file): \(error.message)") }
        return try take(converted)
    }

    /// Ends the recording; returns the windows still to come (the one short window of a short recording).
    public func finish() throws(PredictionError) -> [WindowPrediction] {
        let converted: [Float]
        do { converted = try resampler.finish() } catch { throw PredictionError("\(result.file): \(error.message)") }
        var out = try take(converted)
        if result.windows.isEmpty && total > 0 {
            out.append(try emit(0..<total))
        }
        guard total > 0 else { throw PredictionError("\(result.file): no audio") }
        return out
    }

    private func take(_ samples: [Float]) throws(PredictionError) -> [WindowPrediction] {
        if let bad = samples.firstIndex(where: { !$0.isFinite }) {
            throw PredictionError("\(result.file): sample \(total + bad) is \(samples[bad]) (not a finite number)")
        }
        buffer.append(contentsOf: samples)
        total += samples.count
        var out: [WindowPrediction] = []
        while next * step + size <= total {
            out.append(try emit((next * step)..<(next * step + size)))
        }
        // Keep only what later windows need.
        let keep = next * step
        if keep > offset {
            let drop = min(keep - offset, buffer.count)
            buffer.removeFirst(drop)
            offset += drop
        }
        return out
    }

    private func emit(_ range: Range<Int>) throws(PredictionError) -> WindowPrediction {
        let rows = predictor.features(buffer[(range.lowerBound - offset)..<(range.upperBound - offset)])
        let sr = Double(predictor.sampleRate)
        let w = WindowPrediction(file: result.file, window: result.windows.count, start: Double(range.lowerBound) / sr,
                                 end: Double(range.upperBound) / sr, probabilities: try predictor.probabilities(row: rows))
        result.windows.append(w)
        next += 1
        return w
    }
}
