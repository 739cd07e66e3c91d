import Audio
import Evaluate
import Features
import Learn
import Plot
import Support

/// `plot KIND VALUE to "path.png"`: every figure type of the Plot module.
enum PlotVerbs {
    static var all: [Verb] { [waveform, spectrogram, mel, mfcc, chroma, features, emotions, confusion, confusions, history, model, bars] }

    static let common: [Parameter] = [
        Parameter("to", .path, doc: "the PNG file to write (folders are created)"),
        Parameter("title", .string, defaultText: "what is drawn", doc: "the figure's title"),
        Parameter("scale", .integer(1...2), default: .number(1, .none), doc: "pixel density: 1 or 2 (sharper, twice the size)"),
    ]

    /// Writes a figure and makes the figure value.
    static func finish(_ figure: Figure, kind: String, title: String, call: Call) throws -> Outcome {
        let path = call.text("to")
        guard fileExtension(path) == "png" else { throw VerbFailure("figures are written as .png", argument: "to") }
        do {
            try Files.makeParentDirectories(of: path)
            try figure.write(to: path)
        } catch { throw VerbFailure(userMessage(error), argument: "to") }
        call.wroteFigure(path)
        call.print("wrote \(path)")
        return call.make(.figure(FigureValue(path: path, kind: kind, title: title)))
    }

    static func signal(_ call: Call) throws(VerbFailure) -> SignalValue {
        guard case .signal(let s) = call.value("signal").payload else { throw VerbFailure("expected a signal", argument: "signal") }
        guard !s.signal.samples.isEmpty else { throw VerbFailure("the signal is empty", argument: "signal") }
        return s
    }

    static func plotFailure(_ error: any Error) -> VerbFailure {
        VerbFailure(userMessage(error))
    }

    /// A `plot <view>` verb: `SignalPlot`, the drawing path `ser plot` uses too.
    static func signalVerb(_ view: SignalView, _ summary: String, example: String) -> Verb {
        Verb("plot \(view.rawValue)", summary: summary,
             parameters: [Parameter("signal", .value([.signal]), positional: true, doc: "the signal")] + common,
             examples: [example], result: .figure, scheduling: .output) { call in
            let s = try signal(call)
            var plot = SignalPlot(view: view)
            plot.title = call.optionalText("title")
            plot.scale = call.integer("scale")
            let figure = try plot.draw(s.signal, name: s.name)
            return try finish(figure, kind: view.rawValue, title: plot.title(for: s.name), call: call)
        }
    }

    static let waveform = signalVerb(.waveform, "Waveform: amplitude over time.", example: #"plot waveform x to "wave.png""#)

    static let spectrogram = signalVerb(.spectrogram, "Spectrogram: STFT power in dB relative to the peak (80 dB range) on a linear frequency axis (n_fft 2048, hop 512).",
                                        example: #"plot spectrogram x to "spec.png""#)

    static let mel = signalVerb(.mel, "Mel spectrogram: 128 mel bands in dB relative to the peak, 80 dB range (librosa.feature.melspectrogram + power_to_db(ref=np.max)).",
                                example: #"plot mel emovo["f1/rab-f1-b1.wav"] to "mel.png""#)

    static let mfcc = signalVerb(.mfcc, "MFCC: 20 coefficients over time (librosa.feature.mfcc).", example: #"plot mfcc x to "mfcc.png""#)

    static let chroma = signalVerb(.chroma, "Chromagram: 12 pitch classes over time (librosa.feature.chroma_stft).",
                                   example: #"plot chroma x to "chroma.png""#)

    static let features = signalVerb(.features, "Features: mel spectrogram (dB relative to the peak), MFCC and chromagram of one signal stacked (the paper's Figure 1).",
                                     example: #"plot features x to "figures/fig1-features.png""#)

    static let emotions = Verb(
        "plot emotions", summary: "What a model hears in a recording: its waveform or mel spectrogram with every window's class probabilities beneath on the same time axis, and the verdict (class of the highest mean probability) in the title.",
        parameters: [
            Parameter("model", .value([.model, .run]), positional: true, doc: "a trained model or a training run"),
            Parameter("signal", .value([.signal]), positional: true, doc: "the recording"),
            Parameter("above", .word(EmotionsView.allCases.map(\.rawValue)), default: .text("waveform"), doc: "what to draw above the probabilities: waveform or mel"),
            Parameter("window", .duration, defaultText: "the model's", doc: "window length (the training one unless given)"),
            Parameter("hop", .duration, defaultText: "the model's", doc: "time between window starts"),
        ] + common,
        examples: [#"plot emotions fit x to "figures/emotions.png" above=mel"#], result: .figure, scheduling: .output
    ) { call in
        let model = try LearnVerbs.modelValue(call.value("model"))
        let s = try signal(call)
        do {
            let predictor = try Predictor(model: model.copy(), window: call.optionalNumber("window"), hop: call.optionalNumber("hop"))
            let (figure, prediction) = try EmotionsPlot.draw(s.signal, name: s.name, predictor: predictor,
                                                             view: EmotionsView(rawValue: call.text("above"))!,
                                                             title: call.optionalText("title"), scale: call.integer("scale"))
            for note in predictor.notes { call.print("note: \(note)") }
            call.print("\(s.name): \(predictor.classes[prediction.best]) (confidence \(PredictionFormat.fixed(prediction.confidence)))")
            return try finish(figure, kind: "emotions", title: call.optionalText("title") ?? "\(s.name): \(predictor.classes[prediction.best])", call: call)
        } catch let error as PredictionError {
            throw VerbFailure(error.message, argument: "model")
        }
    }

    static func report(_ call: Call, _ name: String = "report") throws(VerbFailure) -> ReportValue {
        guard case .report(let r) = call.value(name).payload else { throw VerbFailure("expected a report", argument: name) }
        return r
    }

    static func plotMatrix(_ r: ReportValue, title: String?) -> ConfusionChart {
        ConfusionChart(counts: r.confusion.counts, classes: r.classes.names, title: title)
    }

    static let confusion = Verb(
        "plot confusion", summary: "Confusion matrix of a report (summed over folds or seeds), cells coloured by row fraction, counts written in.",
        parameters: [Parameter("report", .value([.report]), positional: true, doc: "the report")] + common,
        examples: [#"plot confusion r to "figures/fig3-emovo-confusion.png" title="EMOVO only""#], result: .figure, scheduling: .output
    ) { call in
        let r = try report(call)
        let title = call.optionalText("title") ?? "confusion matrix"
        let figure: Figure
        do { figure = try Figure.confusionMatrix(plotMatrix(r, title: title), scale: call.integer("scale")) } catch { throw plotFailure(error) }
        return try finish(figure, kind: "confusion", title: title, call: call)
    }

    static let confusions = Verb(
        "plot confusions", summary: "One confusion matrix per report, side by side (e.g. per fold of a crossval, or several experiments).",
        parameters: [
            Parameter("reports", .list(.value([.report])), positional: true, doc: "reports; a crossval report gives one matrix per fold"),
            Parameter("names", .list(.string), defaultText: "fold or report names", doc: "a title per matrix"),
            Parameter("columns", .integer(1...20), defaultText: "all in one row", doc: "matrices per row"),
        ] + common,
        examples: [#"plot confusions [r1, r2] names=["naive", "LOSO"] to "figures/fig7-confusions.png""#], result: .figure, scheduling: .output
    ) { call in
        var matrices: [ConfusionChart] = []
        var defaultNames: [String] = []
        let reports = call.list("reports").compactMap { b -> ReportValue? in
            if case .value(let v) = b, case .report(let r) = v.payload { r } else { nil }
        }
        if reports.count == 1 {
            for (name, rep) in zip(reports[0].names, reports[0].reports) {
                defaultNames.append(name)
                matrices.append(ConfusionChart(counts: rep.confusion.counts, classes: rep.classes.names))
            }
        } else {
            for (i, r) in reports.enumerated() {
                defaultNames.append(r.names.count == 1 ? "report \(i + 1)" : "\(r.names.count) runs")
                matrices.append(plotMatrix(r, title: nil))
            }
        }
        let names = call.has("names") ? call.list("names").compactMap { b -> String? in if case .text(let s) = b { s } else { nil } } : defaultNames
        guard names.count == matrices.count else {
            throw VerbFailure("\(names.count) names for \(matrices.count) matrices", argument: "names")
        }
        for i in matrices.indices { matrices[i].title = names[i] }
        let title = call.optionalText("title") ?? "confusion matrices"
        let figure: Figure
        do {
            figure = try Figure.confusionMatrices(matrices, columns: call.optionalInteger("columns"), title: title, scale: call.integer("scale"))
        } catch { throw plotFailure(error) }
        return try finish(figure, kind: "confusions", title: title, call: call)
    }

    static let history = Verb(
        "plot history", summary: "Training curves of a run: loss and accuracy per epoch, training and validation, best epoch marked.",
        parameters: [Parameter("run", .value([.run]), positional: true, doc: "the training run")] + common,
        examples: [#"plot history fit to "figures/fig4-training.png""#], result: .figure, scheduling: .output
    ) { call in
        guard case .run(let r) = call.value("run").payload else { throw VerbFailure("expected a training run", argument: "run") }
        let e = r.history.epochs
        let title = call.optionalText("title") ?? "training on \(r.splitName)"
        let figure: Figure
        do {
            figure = try Figure.trainingCurves(
                trainLoss: e.map(\.loss), validationLoss: e.compactMap(\.valLoss), trainAccuracy: e.map(\.accuracy),
                validationAccuracy: e.compactMap(\.valAccuracy), bestEpoch: r.history.bestEpoch, title: title, scale: call.integer("scale"))
        } catch { throw plotFailure(error) }
        return try finish(figure, kind: "history", title: title, call: call)
    }

    static let model = Verb(
        "plot model", summary: "Diagram of a model's layers with output shapes and parameter counts (the paper's Figure 2).",
        parameters: [Parameter("model", .value([.model, .run]), positional: true, doc: "a model or a training run")] + common,
        examples: [#"plot model net to "figures/fig2-model.png""#], result: .figure, scheduling: .output
    ) { call in
        let m = try LearnVerbs.modelValue(call.value("model"))
        let rows = m.summary().rows
        let title = call.optionalText("title") ?? "model"
        let figure: Figure
        do {
            figure = try Figure.modelDiagram(types: rows.map(\.type), shapes: rows.map { "(" + $0.outputShape.map(String.init).joined(separator: ", ") + ")" },
                                                  parameters: rows.map(\.parameters), title: title, scale: call.integer("scale"))
        } catch { throw plotFailure(error) }
        return try finish(figure, kind: "model", title: title, call: call)
    }

    static let metricNames = ["accuracy", "uar", "macro_f1"]

    static let bars = Verb(
        "plot bars", summary: "Grouped bars comparing reports: one group per report, one bar per metric, mean ± std error bars for repeated runs (in %).",
        parameters: [
            Parameter("reports", .list(.value([.report])), positional: true, doc: "the reports to compare"),
            Parameter("names", .list(.string), doc: "a label per report"),
            Parameter("metrics", .list(.word(metricNames)), default: .list([.text("accuracy"), .text("uar")]), doc: "which metrics: accuracy, uar, macro_f1"),
            Parameter("paper", .list(.fraction), defaultText: "none", doc: "a published accuracy per report (e.g. 54%), marked beside its bars"),
        ] + common,
        examples: [#"plot bars [naive, loso, lopo] names=["naive", "LOSO", "LOPO"] to "figures/fig7-augmentation.png""#,
                   #"plot bars [emovo, transfer] names=["EMOVO only", "transfer"] paper=[54%, 60%] to "figures/table1.png""#], result: .figure, scheduling: .output
    ) { call in
        let reports = call.list("reports").compactMap { b -> ReportValue? in
            if case .value(let v) = b, case .report(let r) = v.payload { r } else { nil }
        }
        let names = call.list("names").compactMap { b -> String? in if case .text(let s) = b { s } else { nil } }
        guard names.count == reports.count else { throw VerbFailure("\(names.count) names for \(reports.count) reports", argument: "names") }
        let metrics = call.list("metrics").compactMap { b -> String? in if case .text(let s) = b { s } else { nil } }
        let paper = call.has("paper") ? call.list("paper").compactMap { b -> Double? in if case .number(let v, _) = b { v * 100 } else { nil } } : nil
        if let paper, paper.count != reports.count {
            throw VerbFailure("\(paper.count) paper values for \(reports.count) reports", argument: "paper")
        }
        func stat(_ r: ReportValue, _ m: String) -> (Double, Double) {
            if let a = r.aggregate {
                let s = m == "accuracy" ? a.accuracy : m == "uar" ? a.uar : a.macroF1
                return (s.mean * 100, s.std * 100)
            }
            return ((m == "accuracy" ? r.accuracy : m == "uar" ? r.uar : r.macroF1) * 100, 0)
        }
        // Plot wants series-major arrays: means[metric][report].
        let means = metrics.map { m in reports.map { stat($0, m).0 } }
        let stds = metrics.map { m in reports.map { stat($0, m).1 } }
        let title = call.optionalText("title") ?? "comparison"
        let figure: Figure
        do {
            figure = try Figure.groupedBars(groups: names, series: metrics.map { $0 == "uar" ? "UAR" : $0 == "macro_f1" ? "macro-F1" : $0 },
                                                 means: means, stds: stds, references: paper.map { $0.map(Optional.some) }, referenceName: "paper (accuracy)",
                                                 yLabel: "%", title: title, tickMax: 100, scale: call.integer("scale"))
        } catch { throw plotFailure(error) }
        return try finish(figure, kind: "bars", title: title, call: call)
    }
}
