import Evaluate
import Features
import Learn
import Support

/// Verbs about models and evaluation: split, model, summary, freeze, unfreeze, save, load model, train,
/// evaluate, predict, crossval, repeat.
enum LearnVerbs {
    static var all: [Verb] { [split, model, customModel, summary, freeze, unfreeze, save, loadModel, train, evaluate, predict, crossval, repeatRuns] }

    static let schemes = ["naive", "grouped", "loso", "lopo", "kfold"]

    static let labelParameter = Parameter("label", .string, default: .text("emotion"), doc: "the column holding each row's class")

    // MARK: split

    static let augmentedParameter = Parameter(
        "augmented", .word(AugmentedRows.allCases.map(\.rawValue)), default: .text("clean"),
        doc: "where augmented rows go: clean (training only, and only when none of their audio is on the validation or test side) or leaky (naive only: split with the originals at random, so copies of held-out audio train)")

    static let split = Verb(
        "split", summary: "Splits a feature table's rows: naive (windows at random, the paper's; leaks), grouped (by source file), loso (leave one speaker out), lopo (leave one phrase out) or kfold. Augmented rows only ever train, and only on audio of the training side. Reports leakage and where augmented rows went.",
        parameters: [
            Parameter("table", .value([.features]), positional: true, doc: "the feature table"),
            Parameter("scheme", .word(schemes), positional: true, default: .text("naive"), doc: "how to split"),
            Parameter("train", .fraction, default: .number(0.7, .percent), doc: "naive/grouped: share of rows (files) to train on"),
            Parameter("val", .fraction, default: .number(0.1, .percent), doc: "share held out for early stopping (of the training side for loso/lopo/kfold)"),
            Parameter("test", .fraction, default: .number(0.2, .percent), doc: "naive/grouped: share to test on"),
            Parameter("k", .integer(2...1000), default: .number(5, .none), doc: "kfold: number of folds"),
            Parameter("by", .string, defaultText: "speaker (loso), sentence (lopo)", doc: "loso/lopo: the column naming the groups"),
            Parameter("only", .string, defaultText: "every group", doc: "loso/lopo: make just the fold leaving out this group"),
            Parameter("stratify", .bool, default: .bool(false), doc: "keep class proportions in each part"),
            augmentedParameter,
            labelParameter,
            Parameter("seed", .integer(0...Int(UInt32.max)), defaultText: "session seed", doc: "seed of the random choices"),
        ],
        examples: ["s = split feats naive train=70% val=10% test=20% seed=1", "folds = split feats loso", "s = split feats grouped stratify=true",
                   "leaky = split aug naive augmented=leaky"],
        result: .split, seeded: true, scheduling: .deferred
    ) { call in
        guard case .features(let table) = call.value("table").payload else { throw VerbFailure("not a feature table", argument: "table") }
        let splits = try protocolSplits(table, call: call, scheme: call.text("scheme"), seed: call.seed)
        return call.make(.split(SplitValue(table: table, splits: splits, scheme: call.text("scheme"), label: call.text("label"))))
    }

    /// The splits `split` (and each run of `repeat`) makes of `table` with the call's options: the protocol
    /// over the original rows, then the augmented rows placed (training side only, checked; `augmented=`).
    static func protocolSplits(_ table: FeatureTable, call: Call, scheme: String, seed: UInt64) throws -> [Split] {
        let label = call.text("label")
        let src = sources(of: table)
        let labels: [Int]? = call.bool("stratify") ? try Pipeline.classCodes(table, label: label, argument: "label").codes : nil
        let validation = call.number("val")
        let placement = AugmentedRows(rawValue: call.text("augmented"))!
        let origins = try origins(of: table, argument: "table")
        if placement == .leaky {
            guard scheme == "naive" else {
                throw VerbFailure("augmented=leaky is a variant of the naive split; \(scheme) keeps every file's copies with the file", argument: "augmented")
            }
            guard origins != nil else {
                throw VerbFailure("augmented=leaky: the table holds no augmented rows (features … augment=study makes them)", argument: "augmented")
            }
        }
        do {
            let fractions = Fractions(train: call.number("train"), validation: validation, test: call.number("test"))
            switch scheme {
            case "naive":
                if let origins {
                    return [try Splits.naive(origins: origins, stratifyBy: labels, fractions: fractions, augmented: placement, seed: seed)]
                }
                return [try Splits.naive(sources: src, stratifyBy: labels, fractions: fractions, seed: seed)]
            default:
                var splits: [Split]
                switch scheme {
                case "grouped":
                    splits = [try Splits.grouped(sources: src, stratifyBy: labels, fractions: fractions, seed: seed)]
                case "loso", "lopo":
                    let by = call.optionalText("by") ?? (scheme == "loso" ? "speaker" : "sentence")
                    let groups = try column(by, of: table, argument: call.given.contains("by") ? "by" : "table")
                    splits = try Splits.leaveOneGroupOut(groups: groups, only: call.optionalText("only"), sources: src, stratifyBy: labels,
                                                         validation: validation, name: scheme, seed: seed)
                default:
                    splits = try Splits.kFold(k: call.integer("k"), sources: src, stratifyBy: labels, validation: validation, seed: seed)
                }
                if let origins {
                    // Augmented copies go with their file, and train only: none is validated or tested on.
                    splits = try splits.map { split throws(EvaluateError) in try split.placingAugmented(origins: origins) }
                }
                return splits
            }
        } catch let error as EvaluateError {
            throw VerbFailure(error.message, argument: error.code == .unknownName ? "only" : nil)
        }
    }

    // MARK: models

    static let model = Verb(
        "model cnn1d", summary: "ser's reading of the paper's 1-D CNN: Conv1D(same, ReLU) → MaxPooling1D blocks, Flatten, Dense(ReLU) → Dropout, Dense(classes, softmax), with seeded initial weights.",
        parameters: [
            Parameter("classes", .integer(2...10_000), doc: "number of classes (outputs)"),
            Parameter("input", .integer(1...1_000_000), default: .number(160, .none), doc: "values per row"),
            Parameter("filters", .list(.integer(1...4096)), default: .list([16, 32, 64, 128, 256].map { .number($0, .none) }), doc: "filters of each convolution block"),
            Parameter("kernels", .list(.integer(1...1024)), default: .list([9, 7, 5, 3, 3].map { .number($0, .none) }), doc: "kernel size of each block"),
            Parameter("pool", .integer(1...64), default: .number(2, .none), doc: "max-pooling size after each convolution"),
            Parameter("dense", .list(.integer(1...65536)), default: .list([128, 64].map { .number($0, .none) }), allowsEmptyList: true, doc: "widths of the hidden dense layers ([] for none)"),
            Parameter("dropout", .fraction, default: .number(0.3, .percent), doc: "dropout after each hidden dense layer"),
            Parameter("seed", .integer(0...Int(UInt32.max)), defaultText: "session seed", doc: "seed of the initial weights"),
        ],
        examples: ["net = model cnn1d classes=7", "net = model cnn1d classes=7 filters=[32, 64] kernels=[5, 3] dense=[64]"],
        result: .model, seeded: true, scheduling: .deferred
    ) { call in
        let filters = ints(call.list("filters")), kernels = ints(call.list("kernels"))
        guard filters.count == kernels.count else {
            throw VerbFailure("\(filters.count) filter counts but \(kernels.count) kernel sizes", argument: "kernels")
        }
        let spec = ModelSpec.cnn1d(classes: call.integer("classes"), inputLength: call.integer("input"),
                                   blocks: Array(zip(filters, kernels)), poolSize: call.integer("pool"),
                                   dense: ints(call.list("dense")), dropout: Float(call.number("dropout")))
        do { return call.make(.model(ModelValue(try Model(spec: spec, seed: call.seed)))) } catch {
            throw VerbFailure(userMessage(error))
        }
    }

    static var layerNames: [String] { LayerSchema.all.map(\.callName) }

    static let customModel = Verb(
        "model custom", summary: "A model from a list of Keras-style layers: " + LayerSchema.all.map(\.signature).joined(separator: ", ") + ".",
        parameters: [
            Parameter("layers", .list(.layer), doc: "the layers in order; the last is the output"),
            Parameter("input", .integer(1...1_000_000), default: .number(160, .none), doc: "values per row"),
            Parameter("seed", .integer(0...Int(UInt32.max)), defaultText: "session seed", doc: "seed of the initial weights"),
        ],
        examples: [#"net = model custom layers=[conv1d(32, 5, padding="same", activation="relu"), maxpool(2), flatten(), dense(7, activation="softmax")]"#],
        result: .model, seeded: true, scheduling: .deferred
    ) { call in
        var kinds: [LayerKind] = []
        for b in call.list("layers") {
            guard case .layer(let name, let pos, let named) = b else { continue }
            kinds.append(try layerKind(name, pos, named))
        }
        let spec = ModelSpec(inputLength: call.integer("input"), kinds: kinds)
        do {
            _ = try spec.shapes()
            return call.make(.model(ModelValue(try Model(spec: spec, seed: call.seed))))
        } catch {
            throw VerbFailure(userMessage(error), argument: "layers")
        }
    }

    /// A layer call `conv1d(16, 9, padding="same")` read through its `LayerSchema`: arguments by position or
    /// by name, each checked by its kind.
    static func layerKind(_ name: String, _ pos: [Bound], _ named: [String: Bound]) throws(VerbFailure) -> LayerKind {
        guard let schema = LayerSchema.named(call: name) else {
            throw VerbFailure("unknown layer '\(name)'\(suggestion(name, among: layerNames)) (layers: \(layerNames.joined(separator: ", ")))", argument: "layers")
        }
        let keys = schema.arguments.map(\.name)
        for key in named.keys.sorted() where !keys.contains(key) {
            throw VerbFailure("unknown option '\(key)' for layer \(name)\(suggestion(key, among: keys))", argument: "layers")
        }
        guard pos.count <= keys.count else { throw VerbFailure("\(name)(…) takes at most \(keys.count) arguments", argument: "layers") }
        var values: [String: LayerValue] = [:]
        for (i, argument) in schema.arguments.enumerated() {
            guard let bound = named[argument.name] ?? (i < pos.count ? pos[i] : nil) else {
                if argument.required { throw needs(argument, layer: name) }
                continue
            }
            values[argument.name] = try layerValue(bound, argument, layer: name)
        }
        return schema.make(values)
    }

    /// What a layer call lacks: "conv1d(…) needs a whole number filters ≥ 1".
    static func needs(_ argument: LayerArgument, layer: String) -> VerbFailure {
        let n = argument.name
        let text = switch argument.kind {
        case .count: "\(layer)(…) needs a whole number \(n) ≥ 1"
        case .fraction: "\(layer)(\(n)) needs 0 ≤ \(n) < 1"
        case .activation: "\(layer)(…) needs \(n) to be \(Activation.allCases.map(\.rawValue).joined(separator: ", "))"
        case .padding: "\(layer)(…) needs \(n) to be \(Padding.allCases.map(\.rawValue).joined(separator: " or "))"
        }
        return VerbFailure(text, argument: "layers")
    }

    static func layerValue(_ bound: Bound, _ argument: LayerArgument, layer: String) throws(VerbFailure) -> LayerValue {
        switch (argument.kind, bound) {
        case (.count, .number(let v, _)) where v == v.rounded() && v >= 1 && v <= 1e9:
            return .int(Int(v))
        case (.fraction, .number(let r, _)) where r >= 0 && r < 1:
            return .float(Float(r))
        case (.activation, .text(let a)):
            guard let act = Activation(rawValue: a) else {
                throw VerbFailure("unknown activation '\(a)'\(suggestion(a, among: Activation.allCases.map(\.rawValue))) (activations: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")))", argument: "layers")
            }
            return .activation(act)
        case (.padding, .text(let p)):
            guard let pad = Padding(rawValue: p) else {
                throw VerbFailure("padding is \(Padding.allCases.map(\.rawValue).joined(separator: " or ")), not '\(p)'", argument: "layers")
            }
            return .padding(pad)
        default:
            throw needs(argument, layer: layer)
        }
    }

    static let summary = Verb(
        "summary", summary: "Prints a model's layers, output shapes and parameter counts as Keras's model.summary() does.",
        parameters: [Parameter("model", .value([.model, .run]), positional: true, doc: "a model or a training run")],
        examples: ["summary net"], result: nil, scheduling: .output
    ) { call in
        call.print("```\n" + (try modelValue(call.value("model"))).summary().text + "\n```")
        return .none
    }

    static let selectorDoc = "conv, dense, all, a layer name (conv1d_2) or a 0-based index"

    static func changeTrainable(_ call: Call, freeze: Bool) throws -> Outcome {
        if case .list(let items) = call.value("model").payload {
            // A list (e.g. every seed's pre-trained run) becomes a list of changed models, in order.
            var models: [Value] = []
            for (i, item) in items.enumerated() {
                let model = try changed(item, call: call, freeze: freeze)
                models.append(Value(.model(ModelValue(model)), hash: ContentHash(of: call.resultHash.hex + "[\(i)]")))
            }
            return call.make(.list(models))
        }
        return call.make(.model(ModelValue(try changed(call.value("model"), call: call, freeze: freeze))))
    }

    /// A copy of one model with the call's layers frozen or unfrozen; prints the trainable count.
    static func changed(_ value: Value, call: Call, freeze: Bool) throws -> Model {
        let model = try modelValue(value).copy()
        for b in call.list("layers") {
            let text: String
            switch b {
            case .text(let s): text = s
            case .number(let v, _): text = String(Int(v))
            default: continue
            }
            do {
                if freeze { try model.freeze(LayerSelector(parsing: text)) } else { try model.unfreeze(LayerSelector(parsing: text)) }
            } catch { throw VerbFailure(error.message, argument: "layers") }
        }
        let sum = model.summary()
        call.print("\(sum.trainableParameters) of \(sum.totalParameters) parameters trainable")
        return model
    }

    static let freeze = Verb(
        "freeze", summary: "A copy of a model with some layers frozen (not changed by training), for fine-tuning; a list of models or runs gives a list.",
        parameters: [
            Parameter("model", .value([.model, .run, .list]), positional: true, doc: "a model, a training run (its model), or a list of them (rep.runs)"),
            Parameter("layers", .list(.string), positional: true, default: .list([.text("conv")]), doc: selectorDoc),
        ],
        examples: [#"tuned = freeze fit "conv""#], result: .model, scheduling: .deferred
    ) { call in try changeTrainable(call, freeze: true) }

    static let unfreeze = Verb(
        "unfreeze", summary: "A copy of a model with some layers trainable again; a list of models or runs gives a list.",
        parameters: [
            Parameter("model", .value([.model, .run, .list]), positional: true, doc: "a model, a training run (its model), or a list of them"),
            Parameter("layers", .list(.string), positional: true, default: .list([.text("all")]), doc: selectorDoc),
        ],
        examples: [#"net3 = unfreeze tuned "conv1d_4""#], result: .model, scheduling: .deferred
    ) { call in try changeTrainable(call, freeze: false) }

    static let save = Verb(
        "save", summary: "Saves a model (architecture, weights, normalisation, class names, history) as one safetensors file.",
        parameters: [
            Parameter("model", .value([.model, .run]), positional: true, doc: "a model or a training run"),
            Parameter("to", .path, positional: true, doc: "the .safetensors file"),
        ],
        examples: [#"save fit to "models/emovo.safetensors""#], result: nil
    ) { call in
        let model = try modelValue(call.value("model")).copy()
        if case .run(let r) = call.value("model").payload { model.history = r.history }
        do {
            try Files.makeParentDirectories(of: call.text("to"))
            try model.save(to: call.text("to"))
        } catch { throw VerbFailure(userMessage(error), argument: "to") }
        call.print("saved \(call.text("to"))")
        return .none
    }

    static let loadModel = Verb(
        "load model", summary: "Reads a model saved by `save` or `ser train --out`.",
        parameters: [Parameter("path", .path, positional: true, doc: "the .safetensors file")],
        examples: [#"net = load model "models/emovo.safetensors""#], result: .model, scheduling: .immediate
    ) { call in
        do { return call.make(.model(ModelValue(try Model.load(from: call.text("path"))))) } catch {
            throw VerbFailure(userMessage(error), argument: "path")
        }
    }

    // MARK: training

    static let trainingParameters: [Parameter] = [
        Parameter("epochs", .integer(1...100_000), default: .number(200, .none), doc: "passes over the training rows (at most)"),
        Parameter("batch", .integer(1...65536), default: .number(32, .none), doc: "rows per Adam update"),
        Parameter("lr", .number, default: .number(0.001, .none), doc: "Adam learning rate"),
        Parameter("patience", .integer(0...100_000), default: .number(20, .none), doc: "epochs without a lower validation loss before stopping (0: never)"),
        labelParameter,
        Parameter("seed", .integer(0...Int(UInt32.max)), defaultText: "session seed", doc: "seed of shuffling and dropout"),
        Parameter("threads", .integer(1...256), default: .number(Double(TrainOptions().threads), .none),
                  doc: "shards of every batch (the same threads give the same weights on any machine)"),
    ]

    /// The verb's arguments bound into the options `ser train` parses into.
    static func options(_ call: Call, label: String) -> TrainOptions {
        var o = TrainOptions()
        o.label = label
        o.epochs = call.integer("epochs")
        o.batch = call.integer("batch")
        o.learningRate = call.number("lr")
        o.patience = call.integer("patience")
        o.seed = call.seed
        o.threads = call.integer("threads")
        o.workers = call.threads
        return o
    }

    static let train = Verb(
        "train", summary: "Trains a copy of a model on a split's training rows (z-scored with training statistics), early-stopping on the validation rows and keeping the best weights. Trainings of a cell that do not need each other's results run side by side. Every batch is cut into `threads=` shards (1 unless given, as `ser train --threads`; not the session's threads, so that the weights do not depend on the machine's cores), trained at once when the training runs alone and the session's threads allow, one after another otherwise: the same seed and threads give the same weights either way. A training with one shard running alone shares each matrix product and element-wise pass of a batch among the session's threads instead (cut by output tiles and samples: the same bits on any number of cores). Ctrl-C stops at the next batch, keeping the best weights.",
        parameters: [
            Parameter("model", .value([.model, .run]), positional: true, doc: "the model (or a run, to fine-tune its model)"),
            Parameter("split", .value([.split]), positional: true, doc: "a one-fold split (pick a fold with s[0] or s[\"f1\"])"),
        ] + trainingParameters,
        examples: ["fit = train net s epochs=200 patience=20 batch=32 lr=1e-3"], result: .run, cached: true, seeded: true,
        scheduling: .deferred
    ) { call in
        guard case .split(let split) = call.value("split").payload else { throw VerbFailure("not a split", argument: "split") }
        guard split.splits.count == 1 else {
            throw VerbFailure("the split has \(split.splits.count) folds; train on one (s[0]) or use crossval", argument: "split")
        }
        let run = try fit(try modelValue(call.value("model")), split, fold: 0, call: call, prefix: "train")
        call.print(run.summaryLine)
        return call.make(.run(run.value))
    }

    struct Fitted {
        var value: RunValue
        var summaryLine: String
    }

    /// Trains a copy of `base` on fold `fold` of `split` (`Pipeline.fit`, as `ser train`).
    static func fit(_ base: ModelValue, _ split: SplitValue, fold: Int, call: Call, prefix: String) throws -> Fitted {
        let label = call.given.contains("label") ? call.text("label") : split.label
        let part = split.splits[fold]
        guard !part.train.isEmpty else { throw VerbFailure("the training part of \(part.name) is empty", argument: "split") }
        let options = options(call, label: label)
        let epochs = options.epochs
        let fitted = try Pipeline.fit(base.copy(), table: split.table, train: part.train, validation: part.validation,
                                      options: options, cancellation: call.session.cancellation.training) { record in
            var line = "\(prefix) epoch \(record.epoch)/\(epochs) loss \(formatNumber(record.loss, digits: 4))"
            if let v = record.valLoss { line += " val_loss \(formatNumber(v, digits: 4))" }
            if let a = record.valAccuracy { line += " val_acc \(formatNumber(a, digits: 3))" }
            call.progress(line)
        }
        if let note = fitted.note { call.print(note) }
        let history = fitted.history
        // The model card: what it was trained on, and its result on the split's test rows.
        var accuracy: Double?, uar: Double?
        if !part.test.isEmpty, let report = try? test(ModelValue(fitted.model), split.part("test", fold: fold), label: label) {
            accuracy = report.accuracy
            uar = report.uar
        }
        fitted.model.metadata = ModelCard.metadata(recipe: split.table.recipe, table: nil, label: label, split: part.name, seed: call.seed,
                                                   trainRows: part.train.count, validationRows: part.validation.count,
                                                   testRows: part.test.count, testAccuracy: accuracy, testUAR: uar)
        var line = "\(part.name): \(history.epochs.count) epochs"
        if let best = history.bestEpoch { line += ", best epoch \(best)" }
        if history.cancelled { line += ", cancelled (Ctrl-C): kept the best weights" } else if history.stoppedEarly { line += ", stopped early" }
        return Fitted(value: RunValue(model: ModelValue(fitted.model), history: history, splitName: part.name, label: label), summaryLine: line)
    }

    static let evaluate = Verb(
        "evaluate", summary: "Tests a trained model on feature rows: accuracy, UAR, macro-F1, per-class precision/recall/F1 and the confusion matrix; a list of models (rep.runs) gives their mean ± std.",
        parameters: [
            Parameter("model", .value([.run, .model, .list]), positional: true, doc: "a training run or a model, or a list of them (e.g. every seed's run: rep.runs)"),
            Parameter("rows", .value([.features, .split]), positional: true, doc: "the rows to test on (s.test, or a split: its test part)"),
            Parameter("label", .string, defaultText: "the run's label column (emotion)", doc: "the column holding each row's class"),
        ],
        examples: ["r = evaluate fit s.test", "zero_shot = evaluate source.runs emovo_feats"], result: .report, cached: true, scheduling: .deferred
    ) { call in
        let table: FeatureTable
        switch call.value("rows").payload {
        case .features(let t): table = t
        case .split(let s):
            guard s.splits.count == 1 else { throw VerbFailure("the split has \(s.splits.count) folds; use crossval", argument: "rows") }
            table = s.part("test")
        default: throw VerbFailure("expected rows", argument: "rows")
        }
        if case .list(let items) = call.value("model").payload {
            guard !items.isEmpty else { throw VerbFailure("the list of models is empty", argument: "model") }
            var reports: [Report] = []
            for item in items {
                let (model, runLabel) = try modelAndLabel(item)
                reports.append(try test(model, table, label: call.optionalText("label") ?? runLabel))
            }
            return call.make(.report(try reportValue(reports, names: items.indices.map { "model \($0 + 1)" })))
        }
        let (model, runLabel) = try modelAndLabel(call.value("model"))
        let report = try test(model, table, label: call.optionalText("label") ?? runLabel)
        return call.make(.report(ReportValue(reports: [report], names: ["test"], aggregate: nil)))
    }

    static func test(_ model: ModelValue, _ table: FeatureTable, label: String) throws -> Report {
        try Pipeline.test(model.copy(), table, label: label)
    }

    static let predict = Verb(
        "predict", summary: "Predicts the emotion of every window, with every class's probability, and of every recording (the class of the highest mean probability, and that mean as its confidence). Takes feature rows, or signals directly (features computed as the model was trained: sample rate, window, blocks).",
        parameters: [
            Parameter("model", .value([.run, .model]), positional: true, doc: "a training run or a model"),
            Parameter("rows", .value([.features, .signal, .list]), positional: true, doc: "feature rows, a signal or a list of signals"),
            Parameter("label", .string, defaultText: "the run's label column (emotion)", doc: "the column (or signal attribute) holding each row's true class, shown when present"),
            Parameter("window", .duration, defaultText: "the model's", doc: "signals: window length (the training one unless given)"),
            Parameter("hop", .duration, defaultText: "the model's", doc: "signals: time between window starts"),
        ],
        examples: ["p = predict fit s.test", "p = predict fit x window=2s hop=1s"], result: .table, scheduling: .deferred
    ) { call in
        let (model, runLabel) = try modelAndLabel(call.value("model"))
        let label = call.optionalText("label") ?? runLabel
        let predictor: Predictor
        do throws(PredictionError) {
            predictor = try Predictor(model: model.copy(), window: call.optionalNumber("window"), hop: call.optionalNumber("hop"))
        } catch {
            throw VerbFailure(error.message, argument: "model")
        }
        var files: [FilePrediction] = []
        do {
            if case .features(let table) = call.value("rows").payload {
                for name in ["window", "hop"] where call.given.contains(name) {
                    throw VerbFailure("\(name)= applies to signals; a feature table's windows are already cut", argument: name)
                }
                files = try predictTable(predictor, table, label: label)
            } else {
                for s in try FeatureVerbs.signalList(call.value("rows"), argument: "rows") {
                    try call.checkCancelled()
                    let truth = s.attributes[label]
                    if let truth { try predictor.check(labels: [truth], source: s.name) }
                    files.append(try predictor.predict(s.signal, name: s.name, truth: truth))
                }
            }
        } catch let error as PredictionError {
            throw VerbFailure(error.message, argument: "rows")
        }
        for note in predictor.notes { call.print("note: \(note)") }
        call.print(PredictionFormat.fileTable(files, classes: predictor.classes).markdown())
        return call.make(.table(PredictionFormat.windowTable(files, classes: predictor.classes)))
    }

    /// The predictions of every row of a feature table, grouped by recording (file, and augmentation for
    /// augmented copies) in order of first appearance.
    static func predictTable(_ predictor: Predictor, _ table: FeatureTable, label: String) throws(PredictionError) -> [FilePrediction] {
        try predictor.check(table: table)
        let truth = table.attributeNames.contains(label) ? table.rows.map { $0.attributes[label] ?? "" } : nil
        if let truth { try predictor.check(labels: truth, source: "the table's column '\(label)'") }
        var files: [FilePrediction] = []
        var index: [String: Int] = [:]
        for (i, row) in table.rows.enumerated() {
            let augmentation = row.attributes["augmentation"].flatMap { $0.isEmpty || $0 == "none" ? nil : $0 }
            let name = row.file + (augmentation.map { " (\($0))" } ?? "")
            let p = try predictor.probabilities(row: table.vector(i))
            let w = WindowPrediction(file: name, window: row.window, start: row.start, end: row.end, probabilities: p)
            if let k = index[name] {
                files[k].windows.append(w)
            } else {
                index[name] = files.count
                files.append(FilePrediction(file: name, windows: [w], truth: truth.flatMap { $0[i].isEmpty ? nil : $0[i] }))
            }
        }
        return files
    }

    static let crossval = Verb(
        "crossval", summary: "Trains and tests once per fold of a split (loso, lopo, kfold…), the folds side by side on the session's threads (the same numbers for any thread count), and reports every fold with the mean ± std; keeps each fold's trained run (cv.runs). Ctrl-C cancels.",
        parameters: [
            Parameter("model", .value([.model, .run]), positional: true, doc: "the model every fold starts from"),
            Parameter("split", .value([.split]), positional: true, doc: "the folds"),
        ] + trainingParameters,
        examples: ["cv = crossval net folds epochs=100 patience=10"], result: .report, cached: true, seeded: true, scheduling: .deferred
    ) { call in
        guard case .split(let split) = call.value("split").payload else { throw VerbFailure("not a split", argument: "split") }
        let base = try modelValue(call.value("model"))
        // The folds train at once on the session's threads, each with its own seeded streams.
        let results = try call.parallelRuns(split.splits.count) { fold, run in
            try run.checkCancelled()
            let fitted = try fit(base, split, fold: fold, call: run, prefix: "fold \(fold + 1)/\(split.splits.count)")
            if fitted.value.history.cancelled { throw Cancelled() }
            let report = try test(fitted.value.model, split.part("test", fold: fold), label: fitted.value.label)
            run.print(fitted.summaryLine + "; test accuracy \(formatNumber(report.accuracy, digits: 3)), UAR \(formatNumber(report.uar, digits: 3))")
            return (report, fitted.value)
        }
        let reports = results.map(\.0), runs = results.map(\.1)
        return call.make(.report(try reportValue(reports, names: split.splits.map(\.name), runs: runs)))
    }

    static let repeatSchemes = ["naive", "grouped", "loso", "lopo"]

    static let repeatRuns = Verb(
        "repeat", summary: "Repeats split → train → test once per seed (the split, the initial weights, the shuffling and the dropout change with it), the seeds side by side on the session's threads (the same numbers for any thread count), and reports the mean ± std; keeps each seed's trained run (rep.runs). A naive or grouped split, or one loso/lopo fold (only=).",
        parameters: [
            Parameter("model", .value([.model, .run, .list]), positional: true,
                      doc: "the model every run starts from (an untrained one gets each seed's initial weights), or a list of models or runs, one per seed (e.g. source.runs)"),
            Parameter("table", .value([.features]), positional: true, doc: "the feature table"),
            Parameter("scheme", .word(repeatSchemes), default: .text("naive"), doc: "the split of every run"),
            Parameter("train", .fraction, default: .number(0.7, .percent), doc: "naive/grouped: share of rows (files) to train on"),
            Parameter("val", .fraction, default: .number(0.1, .percent), doc: "share held out for early stopping (of the training side for loso/lopo)"),
            Parameter("test", .fraction, default: .number(0.2, .percent), doc: "naive/grouped: share to test on"),
            Parameter("by", .string, defaultText: "speaker (loso), sentence (lopo)", doc: "loso/lopo: the column naming the groups"),
            Parameter("only", .string, defaultText: "required for loso/lopo", doc: "loso/lopo: the group every run leaves out"),
            Parameter("stratify", .bool, default: .bool(false), doc: "keep class proportions in each part"),
            augmentedParameter,
            Parameter("seeds", .list(.integer(0...Int(UInt32.max))), default: .list([1, 2, 3].map { .number($0, .none) }), doc: "one run per seed"),
        ] + trainingParameters.filter { $0.name != "seed" },
        examples: ["rep = repeat net feats scheme=grouped seeds=[1, 2, 3] epochs=100", #"lopo = repeat net aug scheme=lopo only="l3""#,
                   "transfer = repeat frozen emovo_feats seeds=[1, 2, 3]"],
        result: .report, cached: true, scheduling: .deferred
    ) { call in
        guard case .features(let table) = call.value("table").payload else { throw VerbFailure("not a feature table", argument: "table") }
        let seeds = ints(call.list("seeds"))
        guard !seeds.isEmpty else { throw VerbFailure("no seeds", argument: "seeds") }
        let scheme = call.text("scheme")
        if (scheme == "loso" || scheme == "lopo") && !call.has("only") {
            throw VerbFailure("repeat makes one split per seed: name the group every run leaves out with only= (or use split … \(scheme) and crossval for every group)", argument: "scheme")
        }
        // One starting model per seed: the same untrained model re-initialised per seed, or the seed's own model.
        var bases: [ModelValue]
        if case .list(let items) = call.value("model").payload {
            guard items.count == seeds.count else {
                throw VerbFailure("\(items.count) models for \(seeds.count) seeds: give one model (or run) per seed", argument: "model")
            }
            bases = []
            for item in items {
                guard let m = try? modelValue(item) else {
                    throw VerbFailure("expected a list of models or training runs, but it holds \(item.type.withArticle)", argument: "model")
                }
                bases.append(m)
            }
        } else {
            let base = try modelValue(call.value("model"))
            bases = seeds.map { base.copyValue(seed: UInt64($0)) }
        }
        let label = call.text("label")
        let starts = bases
        // The seeds train at once on the session's threads, each with its own seeded streams.
        let results = try call.parallelRuns(seeds.count, arguments: { ["seed": .number(Double(seeds[$0]), .none)] }) { i, run in
            try run.checkCancelled()
            let seed = seeds[i]
            let splits = try protocolSplits(table, call: run, scheme: scheme, seed: UInt64(seed))
            let split = SplitValue(table: table, splits: splits, scheme: scheme, label: label)
            let fitted = try fit(starts[i], split, fold: 0, call: run, prefix: "seed \(seed) (\(i + 1)/\(seeds.count))")
            if fitted.value.history.cancelled { throw Cancelled() }
            let report = try test(fitted.value.model, split.part("test"), label: fitted.value.label)
            run.print("seed \(seed), \(splits[0].name): accuracy \(formatNumber(report.accuracy, digits: 3)), UAR \(formatNumber(report.uar, digits: 3))")
            return (report, fitted.value)
        }
        let reports = results.map(\.0), runs = results.map(\.1)
        return call.make(.report(try reportValue(reports, names: seeds.map { "seed \($0)" }, runs: runs)))
    }

    /// A report over `reports` (mean ± std when there are several) keeping the trained runs.
    static func reportValue(_ reports: [Report], names: [String], runs: [RunValue] = []) throws(VerbFailure) -> ReportValue {
        let aggregate: Aggregate?
        do { aggregate = reports.count > 1 ? try Aggregate(reports) : nil } catch { throw VerbFailure(userMessage(error)) }
        return ReportValue(reports: reports, names: names, aggregate: aggregate, runs: runs)
    }

    // MARK: helpers

    static func ints(_ list: [Bound]) -> [Int] {
        list.compactMap { b -> Int? in if case .number(let v, _) = b { Int(v) } else { nil } }
    }

    static func modelValue(_ v: Value) throws(VerbFailure) -> ModelValue {
        switch v.payload {
        case .model(let m): return m
        case .run(let r): return r.model
        default: throw VerbFailure("expected a model, given \(v.type.withArticle)", argument: "model")
        }
    }

    static func modelAndLabel(_ v: Value) throws(VerbFailure) -> (ModelValue, String) {
        if case .run(let r) = v.payload { return (r.model, r.label) }
        return (try modelValue(v), "emotion")
    }
}

extension ModelValue {
    /// A fresh model with the same architecture and initial weights drawn from `seed` (for `repeat`);
    /// a trained model keeps its weights.
    func copyValue(seed: UInt64) -> ModelValue {
        guard history == nil, labels.isEmpty, let fresh = try? Model(spec: spec, seed: seed) else { return self }
        return ModelValue(fresh)
    }
}
