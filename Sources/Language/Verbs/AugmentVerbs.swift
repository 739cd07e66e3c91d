import Audio
import Augment
import Support

/// `augment`: ser's `study` recipe or a custom one, on signals.
enum AugmentVerbs {
    static var all: [Verb] { [augment] }

    static let augment = Verb(
        "augment", summary: "Augmented copies of signals: ser's `study` recipe (noise 0.035, stretch 0.8, pitch +0.7 and all their combinations: 7 copies; the paper gives no parameters) or your own; each copy carries its provenance (source, augmentation, parameters, seed). Ctrl-C cancels.",
        parameters: [
            Parameter("source", .value([.signal, .list]), positional: true, doc: "a signal or a list of signals (originals)"),
            Parameter("recipe", .word(["study", "custom"]), positional: true, default: .text("study"),
                      doc: "study: the paper's seven copies; custom: the transforms given below"),
            Parameter("noise", .number, defaultText: "none", doc: "custom: Gaussian noise at this fraction of the peak (the study recipe: 0.035)"),
            Parameter("snr", .number, defaultText: "none", doc: "custom: Gaussian noise at this signal-to-noise ratio in dB (instead of noise=)"),
            Parameter("stretch", .number, defaultText: "none", doc: "custom: time-stretch rate (> 1 faster)"),
            Parameter("pitch", .number, defaultText: "none", doc: "custom: pitch shift in semitones"),
            Parameter("combine", .bool, default: .bool(false), doc: "custom: also every combination of the transforms"),
            Parameter("originals", .bool, default: .bool(true), doc: "keep each original before its copies"),
            Parameter("seed", .integer(0...Int(UInt32.max)), defaultText: "session seed", doc: "seed of the noise"),
        ],
        examples: ["aug = augment x", "aug = augment [a, b] custom noise=0.02 pitch=-1 combine=true originals=false"],
        result: .list, cached: true, seeded: true, scheduling: .deferred
    ) { call in
        let signals = try FeatureVerbs.signalList(call.value("source"), argument: "source")
        var options = AugmentOptions()
        options.recipe = call.text("recipe")
        options.noise = call.optionalNumber("noise")
        options.snr = call.optionalNumber("snr")
        options.stretch = call.optionalNumber("stretch")
        options.pitch = call.optionalNumber("pitch")
        options.combine = call.bool("combine")
        options.seed = call.seed
        let recipe = try options.makeRecipe()
        let items = signals.map { AugmentedSignal(original: $0.signal, source: $0.name) }
        let relay = ProgressRelay(call)
        let cancellation = call.session.cancellation
        let out: [AugmentedSignal]
        do {
            out = try Augmenter.augmentTraining(items, recipe: recipe, seed: options.seed, includeOriginals: call.bool("originals"),
                                                threads: call.threads) { done, total in
                relay.report("augment \(done)/\(total) files" + (cancellation.isRequested ? " (cancelling…)" : ""))
            }
        } catch let e as AugmentError { throw VerbFailure(e.message, argument: "source") }
        try call.checkCancelled()
        let attributesBySource = Dictionary(signals.map { ($0.name, $0.attributes) }, uniquingKeysWith: { a, _ in a })
        let values = out.map { item -> Value in
            var attributes = attributesBySource[item.provenance.source] ?? [:]
            for (k, v) in item.provenance.attributes { attributes[k] = v }
            let name = item.provenance.augmentation.map { "\(item.provenance.source)#\($0.name)" } ?? item.provenance.source
            let sv = SignalValue(name: name, signal: item.signal, attributes: attributes)
            return Value(.signal(sv), hash: ContentHash(of: call.resultHash.hex + "/" + name))
        }
        call.print("\(values.count) signals from \(signals.count) originals (\(recipe.augmentations.map(\.name).joined(separator: ", ")))")
        return call.make(.list(values))
    }
}
