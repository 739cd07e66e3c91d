import Foundation
import Support

/// Saving and loading models: one safetensors file.
///
/// Layout (readable by Python's `safetensors`, e.g. `safe_open(path, "np")`):
/// - 8 bytes: little-endian UInt64 N, the header length;
/// - N bytes: a JSON header, space-padded to a multiple of 8: for every tensor
///   `{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}`, plus `"__metadata__"` with string values:
///   `"format": "ser-model"`, `"format_version": "1"` and `"model"`: the model as JSON — architecture
///   (`input_shape`, `layers` in Keras's vocabulary with `trainable`), `labels`, `metadata`, `history`,
///   `normalization` (true when the normalization tensors are present);
/// - the tensors' raw little-endian float32 data, in header order, back to back.
///
/// Tensors: `<layer>/kernel` and `<layer>/bias` for every Conv1D and Dense layer, in Keras's layouts, and
/// `normalization/mean`, `normalization/std` (input width each) when the model has an input normalization.
/// Files are written to a temporary file beside the target and renamed into place.
public enum Checkpoint {
    static let format = "ser-model"
    static let version = "1"

    struct Document: Codable {
        var model: ModelSpec
        var labels: [String]
        var metadata: [String: String]
        var history: TrainingHistory?
        var normalization: Bool
    }

    /// The bytes of `model`'s checkpoint.
    public static func encode(_ model: Model) throws(LearnError) -> [UInt8] {
        var tensors = model.namedWeights()
        if let n = model.normalization {
            guard n.mean.count == model.inputSize else {
                throw LearnError(.cannotWrite, "normalization has \(n.mean.count) features but the model takes \(model.inputSize)")
            }
            tensors.append(("normalization/mean", Tensor(shape: [n.mean.count], values: n.mean)))
            tensors.append(("normalization/std", Tensor(shape: [n.std.count], values: n.std)))
        }
        let document = Document(model: model.spec, labels: model.labels, metadata: model.metadata,
                                history: model.history, normalization: model.normalization != nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json: String
        do {
            json = String(decoding: try encoder.encode(document), as: UTF8.self)
        } catch {
            throw LearnError(.cannotWrite, "cannot encode the model description: \(error)")
        }

        var header = "{"
        var offset = 0
        for (name, tensor) in tensors {
            let end = offset + tensor.count * 4
            header += "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]},"
            offset = end
        }
        header += "\"__metadata__\":{\"format\":\(jsonString(format)),\"format_version\":\(jsonString(version)),\"model\":\(jsonString(json))}}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }

        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: headerBytes)
        for (_, tensor) in tensors {
            for v in tensor.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        }
        return bytes
    }

    /// Writes `model` to `path` atomically (temporary file + rename).
    public static func save(_ model: Model, to path: String) throws(LearnError) {
        let bytes = try encode(model)
        do { try AtomicFile.write(bytes, to: path) } catch {
            throw LearnError(.cannotWrite, path: path, "cannot write the model: \(error.message)")
        }
    }

    /// Checks before training that `save(_:to:)` will be able to write `path`: not empty, not a folder, in an
    /// existing writable folder; the error names the problem.
    public static func checkWritable(_ path: String, createFolders: Bool = false) throws(LearnError) {
        try ModelFile.checkWritable(path, createFolders: createFolders)
    }

    /// Reads the model saved at `path`; missing, truncated, corrupt or inconsistent files are `badCheckpoint`
    /// errors naming the file and the problem.
    public static func load(from path: String) throws(LearnError) -> Model {
        let bytes = try ModelFile.read(path)
        do {
            return try decode(bytes)
        } catch let error {
            throw LearnError(error.code, path: path, error.message)
        }
    }

    /// The model in checkpoint `bytes`. Sizes are checked before anything is allocated: the architecture's
    /// (see `ModelSpec.shapes()`) and every tensor's extent against the bytes present.
    public static func decode(_ bytes: [UInt8]) throws(LearnError) -> Model {
        func bad(_ message: String) -> LearnError { LearnError(.badCheckpoint, message) }
        guard bytes.count >= 8 else { throw bad("not a ser model: \(bytes.count) bytes, shorter than a safetensors header") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n > 0, n <= UInt64(bytes.count - 8) else {
            throw bad("truncated or not a safetensors file: header length \(n) but only \(bytes.count - 8) bytes follow")
        }
        let headerEnd = 8 + Int(n)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd]))
        } catch {
            throw bad("corrupt safetensors header (not JSON)")
        }
        guard let header = parsed as? [String: Any] else { throw bad("corrupt safetensors header (not a JSON object)") }
        guard let meta = header["__metadata__"] as? [String: String], meta["format"] == format else {
            throw bad("a safetensors file, but not a ser model (no \"format\": \"\(format)\" in __metadata__)")
        }
        guard meta["format_version"] == version else {
            throw bad("ser model format version \(meta["format_version"] ?? "?") is not supported (this ser reads version \(version))")
        }
        guard let description = meta["model"] else {
            throw bad("a ser model file without its \"model\" description in __metadata__")
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(description.utf8))
        } catch let error as DecodingError {
            throw bad("corrupt model description: \(describe(error))")
        } catch {
            throw bad("corrupt model description")
        }
        let model: Model
        do {
            model = try Model(spec: document.model)
        } catch let error {
            throw bad("invalid architecture: \(error.message)")
        }

        let dataStart = headerEnd, dataCount = bytes.count - headerEnd
        func tensor(_ name: String, shape: [Int]) throws(LearnError) -> Tensor {
            guard let entry = header[name] as? [String: Any] else { throw bad("tensor '\(name)' is missing") }
            guard entry["dtype"] as? String == "F32" else { throw bad("tensor '\(name)' has dtype \(entry["dtype"] ?? "?"), expected F32") }
            guard let stored = entry["shape"] as? [Int], stored == shape else {
                throw bad("tensor '\(name)' has shape \(entry["shape"] ?? "?"), the architecture needs \(shape)")
            }
            guard let offsets = entry["data_offsets"] as? [Int], offsets.count == 2,
                  offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] - offsets[0] == shape.reduce(1, *) * 4 else {
                throw bad("tensor '\(name)' has bad data_offsets")
            }
            guard offsets[1] <= dataCount else {
                throw bad("truncated: tensor '\(name)' ends at byte \(offsets[1]) of the data but only \(dataCount) bytes are there")
            }
            var values = [Float](repeating: 0, count: shape.reduce(1, *))
            let base = dataStart + offsets[0]
            for i in values.indices {
                let p = base + i * 4
                let bits = UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            return Tensor(shape: shape, values: values)
        }

        var expected = 0
        for (i, layer) in document.model.layers.enumerated() {
            let shapes = model.weightShapes(layer: i)
            guard !shapes.isEmpty else { continue }
            let kernel = try tensor("\(layer.name)/kernel", shape: shapes[0])
            let bias = try tensor("\(layer.name)/bias", shape: shapes[1])
            try model.setWeights(layer: i, [kernel, bias])
            expected += 2
        }
        if document.normalization {
            let mean = try tensor("normalization/mean", shape: [model.inputSize])
            let std = try tensor("normalization/std", shape: [model.inputSize])
            model.normalization = Normalization(mean: mean.values, std: std.values)
            expected += 2
        }
        let stored = header.keys.filter { $0 != "__metadata__" }.count
        guard stored == expected else {
            throw bad("the file holds \(stored) tensors but the architecture uses \(expected)")
        }
        guard !(document.labels.isEmpty == false && document.labels.count != model.outputSize) else {
            throw bad("\(document.labels.count) labels for a model with \(model.outputSize) outputs")
        }
        model.labels = document.labels
        model.metadata = document.metadata
        model.history = document.history
        return model
    }

    /// A sentence for a JSON decoding failure: which key is missing or has the wrong type, and where.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, context):
            return "missing key '\(key.stringValue)' in \(path(context.codingPath))"
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return "wrong type at \(path(context.codingPath)): \(context.debugDescription)"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "not a model description"
        }
    }

    /// A JSON string literal for `s`.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

extension Model {
    /// Saves this model to `path` (see `Checkpoint`).
    public func save(to path: String) throws(LearnError) { try Checkpoint.save(self, to: path) }

    /// Loads a model saved by `save(to:)`.
    public static func load(from path: String) throws(LearnError) -> Model { try Checkpoint.load(from: path) }
}

extension ModelSpec {
    /// Reads a model description (the JSON of `ModelSpec`'s Codable form: `input_shape` and `layers`) from a
    /// regular file, checking that it can be built; errors say which key is missing or wrong.
    public static func load(from path: String) throws(LearnError) -> ModelSpec {
        let bytes = try ModelFile.read(path)
        let spec: ModelSpec
        do {
            spec = try JSONDecoder().decode(ModelSpec.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw LearnError(.badArchitecture, path: path, "not a model description: \(Checkpoint.describe(error))")
        } catch {
            throw LearnError(.badArchitecture, path: path, "not a model description")
        }
        do { _ = try spec.shapes() } catch { throw LearnError(error.code, path: path, error.message) }
        return spec
    }
}
