import Testing
@testable import Learn

/// Forward outputs, parameter counts, shapes and three Adam steps against Keras 3 (scripts/fixtures/learn.py).
@Suite struct KerasParityTests {
    @Test func forwardOutputsEqualKeras() throws {
        let fixture = try KerasFixture.load()
        #expect(fixture.cases.count >= 7)
        for c in fixture.cases {
            let spec = ModelSpec(inputLength: c.input_shape[0], inputChannels: c.input_shape[1], layers: c.layers)
            let model = try Model(spec: spec)
            try setFormulaWeights(model)
            let summary = model.summary()
            #expect(summary.totalParameters == c.params, "\(c.name): parameter count")
            #expect(summary.rows.map(\.parameters) == c.layer_params, "\(c.name): per-layer parameters")
            #expect(summary.rows.map(\.outputShape) == c.layer_shapes, "\(c.name): output shapes")
            let output = try model.predict(c.input)
            #expect(output.count == c.output.count)
            let error = zip(output, c.output).map { abs($0 - $1) }.max() ?? .infinity
            #expect(error <= 1e-5, "\(c.name): max abs error \(error)")
            print("Keras parity [\(c.name)]: max abs error \(error)")
        }
    }

    @Test func threeAdamStepsEqualKeras() throws {
        let t = try KerasFixture.load().train
        let model = try Model(spec: ModelSpec(inputLength: t.input_shape[0], inputChannels: t.input_shape[1], layers: t.layers))
        try setFormulaWeights(model)
        let data = try Dataset(values: t.input, labels: t.labels, width: t.input_shape[0] * t.input_shape[1])
        var options = TrainingOptions()
        options.epochs = 3
        options.batchSize = t.batch
        options.patience = 0
        options.shuffle = false
        let history = try Trainer.fit(model, train: data, options: options)
        for (ours, keras) in zip(history.epochs.map(\.loss), t.losses) {
            #expect(abs(ours - keras) <= 1e-5, "loss \(ours) vs Keras \(keras)")
        }
        let ours = model.spec.layers.indices.flatMap { model.weights(layer: $0) }.map(\.values)
        #expect(ours.count == t.weights.count)
        let error = zip(ours, t.weights).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .infinity
        #expect(error <= 1e-5, "weights after 3 Adam steps: max abs error \(error)")
        let lossError = zip(history.epochs.map(\.loss), t.losses).map { abs($0 - $1) }.max() ?? .infinity
        print("Keras parity [3 Adam steps]: weights max abs error \(error), loss max abs error \(lossError)")
    }
}
