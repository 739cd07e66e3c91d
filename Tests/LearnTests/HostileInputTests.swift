import Foundation
@testable import Learn
import Support
import Testing

/// Issue 12: model descriptions and files a hostile user can give. Every size that reaches an allocation is
/// range-checked with a message naming it; files are read only when regular.
@Suite struct LearnHostileInputTests {
    let dir: String = {
        let d = NSTemporaryDirectory() + "ser-hostile-learn-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    @Test func hugeDenseIsAnArchitectureError() {
        let spec = ModelSpec(inputLength: 160, kinds: [.flatten, .dense(units: 1_000_000_000_000, activation: .softmax)])
        let error = #expect(throws: LearnError.self) { try Model(spec: spec) }
        #expect(error?.code == .badArchitecture)
        #expect(error?.message.contains("at most") == true)
    }

    @Test func hugeInputShapeIsAnArchitectureError() {
        let spec = ModelSpec(inputLength: Int.max / 2, inputChannels: 3, kinds: [.flatten, .dense(units: 2, activation: .softmax)])
        let error = #expect(throws: LearnError.self) { try Model(spec: spec) }
        #expect(error?.message.contains("too large") == true)
    }

    /// A checkpoint whose description announces a huge input shape (evaluate, load model, train --from).
    @Test func checkpointWithHugeShapeIsBadCheckpoint() throws {
        let model = try Model(spec: ModelSpec(inputLength: 8, kinds: [.flatten, .dense(units: 2, activation: .softmax)]))
        let bytes = try Checkpoint.encode(model)
        var n = 0
        for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
        let text = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        let hostile = text.replacingOccurrences(of: #"\"input_shape\":[8,1]"#, with: #"\"input_shape\":[800000000000,1]"#)
        #expect(hostile != text)
        var out = [UInt8]()
        withUnsafeBytes(of: UInt64(hostile.utf8.count).littleEndian) { out += $0 }
        out += Array(hostile.utf8) + bytes[(8 + n)...]
        let error = #expect(throws: LearnError.self) { try Checkpoint.decode(out) }
        #expect(error?.code == .badCheckpoint)
        #expect(error?.message.contains("too large") == true, "\(error?.message ?? "")")
    }

    /// Misleading message: a model without its "model" key was "not valid JSON".
    @Test func missingModelKeyIsNamed() throws {
        let header = #"{"__metadata__":{"format":"ser-model","format_version":"1"}}"#
        var bytes = [UInt8]()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
        bytes += Array(header.utf8)
        let error = #expect(throws: LearnError.self) { try Checkpoint.decode(bytes) }
        #expect(error?.message == "a ser model file without its \"model\" description in __metadata__")
    }

    @Test func fifoAndFolderAreNotModels() throws {
        let fifo = dir + "/m.safetensors"
        #expect(mkfifo(fifo, 0o600) == 0)
        let e1 = #expect(throws: LearnError.self) { try Model.load(from: fifo) }
        #expect(e1?.description == "\(fifo): is a FIFO (named pipe), not a model file")
        let e2 = #expect(throws: LearnError.self) { try Model.load(from: dir) }
        #expect(e2?.description == "\(dir): is a folder, not a model file")
    }

    /// Item 14: saving onto a folder names the problem in plain words, not Foundation's error text.
    @Test func savingOntoAFolderIsAPlainError() throws {
        let model = try Model(spec: ModelSpec(inputLength: 8, kinds: [.flatten, .dense(units: 2, activation: .softmax)]))
        let target = dir + "/existing"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let error = #expect(throws: LearnError.self) { try model.save(to: target) }
        #expect(error?.description == "\(target): cannot write the model: cannot move the finished file into place: it is a folder")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["existing"])
    }

    /// Item 10: a one-class table used to train to "accuracy 1.000".
    @Test func oneClassTrainingIsAnError() throws {
        let model = try Model(spec: ModelSpec(inputLength: 4, kinds: [.flatten, .dense(units: 3, activation: .softmax)]))
        model.labels = ["angry", "happy", "sad"]
        let data = try Dataset(values: [Float](repeating: 0.5, count: 40), labels: [Int](repeating: 1, count: 10), width: 4)
        let error = #expect(throws: LearnError.self) { try Trainer.fit(model, train: data) }
        #expect(error?.message == "every training row is 'happy': a classifier needs at least two classes (its accuracy would mean nothing)")
    }

    /// Item 8: non-finite inputs are refused by row and column.
    @Test func nonFiniteInputsAreRefused() {
        var values = [Float](repeating: 0.5, count: 8)
        values[6] = .infinity
        let error = #expect(throws: LearnError.self) { try Dataset(values: values, labels: [0, 1], width: 4) }
        #expect(error?.message == "row 1 column 2 is inf; inputs must be finite")
    }

    /// Item 14: the output path is checked before training.
    @Test func outputPathIsCheckedFirst() throws {
        #expect(throws: LearnError.self) { try Checkpoint.checkWritable("") }
        let e = #expect(throws: LearnError.self) { try Checkpoint.checkWritable(dir) }
        #expect(e?.message.hasPrefix("is a folder") == true)
        let m = #expect(throws: LearnError.self) { try Checkpoint.checkWritable(dir + "/no/such/m.safetensors") }
        #expect(m?.message == "the folder \(dir)/no/such does not exist")
        try Checkpoint.checkWritable(dir + "/m.safetensors")
    }

    @Test func modelDescriptionFileErrorsNameTheKey() throws {
        let path = dir + "/spec.json"
        _ = FileManager.default.createFile(atPath: path, contents: Data(#"{"input_shape": [160, 1]}"#.utf8))
        let e = #expect(throws: LearnError.self) { try ModelSpec.load(from: path) }
        #expect(e?.description == "\(path): not a model description: missing key 'layers' in the top level")
    }
}
