import Foundation
@testable import Learn
import Support
import Testing

@Suite struct ModelTests {
    @Test func cnn1dSummaryIsKerasLike() throws {
        let model = try Model(spec: .cnn1d(classes: 7))
        let s = model.summary()
        #expect(s.totalParameters == 310_023)
        #expect(s.trainableParameters == 310_023)
        #expect(s.rows.count == 16)
        #expect(s.rows.map(\.name).prefix(4) == ["conv1d", "max_pooling1d", "conv1d_1", "max_pooling1d_1"])
        #expect(s.rows.last?.name == "dense_2")
        #expect(s.rows[10].outputShape == [1280])
        let text = s.text
        #expect(text.contains("conv1d (Conv1D)"))
        #expect(text.contains("(None, 160, 16)"))
        #expect(text.contains("Total params: 310,023 (1.18 MB)"))
        #expect(text.contains("Non-trainable params: 0 (0.00 B)"))
        try model.freeze(.group(.conv))
        #expect(model.summary().trainableParameters == 163_968 + 8_256 + 455)
    }

    @Test func specJSONRoundTrips() throws {
        let spec = ModelSpec(inputLength: 30, inputChannels: 2, kinds: [
            .conv1D(filters: 3, kernelSize: 5, padding: .valid, activation: .linear), .maxPooling1D(poolSize: 3, strides: 2),
            .relu, .flatten, .dense(units: 4, activation: .relu), .dropout(rate: 0.25), .dense(units: 2, activation: .softmax)])
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(ModelSpec.self, from: data) == spec)
        #expect(String(decoding: data, as: UTF8.self).contains("\"kernel_size\":5"))
    }

    @Test func checkpointRoundTripsExactly() throws {
        let model = try Model(spec: .cnn1d(classes: 3, inputLength: 32, blocks: [(4, 5), (8, 3)], dense: [16]), seed: 9)
        let train = try blobs(classes: 3, perClass: 10, width: 32, spread: 1, seed: 1)
        var options = TrainingOptions()
        options.epochs = 2
        try Trainer.fit(model, train: train, validation: train, options: options)
        try model.freeze(.index(0))
        model.labels = ["anger", "joy", "neutral \"quoted\""]
        model.normalization = Normalization(mean: (0..<32).map { Float($0) / 3 }, std: (0..<32).map { 1 + Float($0) / 7 })
        model.metadata = ["split": "naive", "seed": "9"]
        let path = temporaryPath("model.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path)
        let loaded = try Model.load(from: path)
        #expect(loaded.spec == model.spec)
        #expect(loaded.flatWeights == model.flatWeights)
        #expect(loaded.labels == model.labels)
        #expect(loaded.normalization == model.normalization)
        #expect(loaded.metadata == model.metadata)
        #expect(loaded.history == model.history)
        #expect(try loaded.predict(train.values) == model.predict(train.values))
        #expect(try Checkpoint.encode(loaded) == Checkpoint.encode(model))
        // No temporary files are left beside it.
        let dir = (path as NSString).deletingLastPathComponent, name = (path as NSString).lastPathComponent
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(name) && $0 != name }
        #expect(leftovers.isEmpty)
    }

    @Test func checkpointHeaderIsSafetensors() throws {
        let model = try Model(spec: ModelSpec(inputLength: 4, kinds: [.flatten, .dense(units: 2, activation: .softmax)]))
        let bytes = try Checkpoint.encode(model)
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(n % 8 == 0)
        #expect(bytes.count == 8 + n + 4 * (8 + 2))
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as? [String: Any])
        let kernel = try #require(header["dense/kernel"] as? [String: Any])
        #expect(kernel["dtype"] as? String == "F32")
        #expect(kernel["shape"] as? [Int] == [4, 2])
        #expect(kernel["data_offsets"] as? [Int] == [0, 32])
        #expect((header["dense/bias"] as? [String: Any])?["data_offsets"] as? [Int] == [32, 40])
    }

    @Test func badCheckpointsAreClearErrors() throws {
        let model = try Model(spec: ModelSpec(inputLength: 8, kinds: [.flatten, .dense(units: 3, activation: .softmax)]))
        let good = try Checkpoint.encode(model)
        func message(_ bytes: [UInt8]) -> String? {
            do { _ = try Checkpoint.decode(bytes); return nil } catch { return error.message }
        }
        #expect(message(Array(good.prefix(5)))?.contains("shorter than a safetensors header") == true)
        #expect(message(Array(good.prefix(40)))?.contains("truncated") == true)
        #expect(message(Array(good.dropLast(8)))?.contains("truncated") == true)
        var corrupt = good
        corrupt[9] = UInt8(ascii: "#")
        #expect(message(corrupt)?.contains("corrupt") == true)
        // A checkpoint whose tensors do not fit its architecture.
        let other = try Model(spec: ModelSpec(inputLength: 8, kinds: [.flatten, .dense(units: 4, activation: .softmax)]))
        var bytes = try Checkpoint.encode(other)
        let pattern = Array("\"units\\\":4".utf8)
        let at = try #require((0...(bytes.count - pattern.count)).first { Array(bytes[$0..<($0 + pattern.count)]) == pattern })
        bytes[at + pattern.count - 1] = UInt8(ascii: "3")
        let mismatch = message(bytes)
        #expect(mismatch?.contains("shape") == true, "\(mismatch ?? "no error")")
        // A missing file names the path.
        do {
            _ = try Model.load(from: "/nonexistent/model.safetensors")
            Issue.record("loading a missing file succeeded")
        } catch {
            #expect(error.code == .badCheckpoint)
            #expect(error.description.hasPrefix("/nonexistent/model.safetensors: "))
        }
    }

    @Test func normalizationIsAppliedByPredict() throws {
        let model = try Model(spec: ModelSpec(inputLength: 2, kinds: [.flatten, .dense(units: 2, activation: .linear)]))
        try model.setWeights(layer: 1, [Tensor(shape: [2, 2], values: [1, 0, 0, 1]), Tensor(shape: [2], values: [0, 0])])
        model.normalization = Normalization(mean: [1, 2], std: [2, 0])
        #expect(try model.predict([5, 7]) == [2, 5])
    }
}
