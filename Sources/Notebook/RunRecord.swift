import Foundation

/// Any JSON value: the open-shaped parts of the run records and of `.ipynb` metadata.
public enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let v = try? container.decode(Bool.self) { self = .bool(v) }
        else if let v = try? container.decode(Int.self) { self = .int(v) }
        else if let v = try? container.decode(Double.self) { self = .number(v) }
        else if let v = try? container.decode(String.self) { self = .string(v) }
        else if let v = try? container.decode([JSONValue].self) { self = .array(v) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let v): try container.encode(v)
        case .int(let v): try container.encode(v)
        case .number(let v): try container.encode(v)
        case .string(let v): try container.encode(v)
        case .array(let v): try container.encode(v)
        case .object(let v): try container.encode(v)
        }
    }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    public var string: String? { if case .string(let v) = self { v } else { nil } }
}

extension ParameterValue {
    /// The value as JSON: numbers, booleans, strings (paths and choices too), lists of integers.
    public var json: JSONValue {
        switch self {
        case .int(let v): .int(v)
        case .number(let v): .number(v)
        case .string(let v), .path(let v), .choice(let v): .string(v)
        case .bool(let v): .bool(v)
        case .intList(let v): .array(v.map { .int($0) })
        }
    }

    /// Reads a value of `type` back from JSON; nil when the JSON does not hold one.
    init?(json: JSONValue, type: NotebookParameterType) {
        switch (type, json) {
        case (.int, .int(let v)): self = .int(v)
        case (.number, .int(let v)): self = .number(Double(v))
        case (.number, .number(let v)): self = .number(v)
        case (.string, .string(let v)): self = .string(v)
        case (.path, .string(let v)): self = .path(v)
        case (.choice(let words), .string(let v)) where words.contains(v): self = .choice(v)
        case (.bool, .bool(let v)): self = .bool(v)
        case (.intList, .array(let items)):
            var values: [Int] = []
            for item in items {
                guard case .int(let v) = item else { return nil }
                values.append(v)
            }
            self = .intList(values)
        default: return nil
        }
    }
}

extension CellResult.Status {
    /// `ok`, `failed`, `skipped`, `not run`, `cancelled`: the word the records and reports use.
    public var word: String {
        switch self {
        case .ok: "ok"
        case .failed: "failed"
        case .skipped: "skipped"
        case .notRun: "not run"
        case .cancelled: "cancelled"
        }
    }
}

/// What the executed Markdown keeps of a run in its `<!-- ser:run {…} -->` header, so that `ser export`
/// can turn a finished run into .ipynb or HTML without running it again.
struct RunHeaderRecord: Codable, Equatable {
    /// The notebook that ran, as given to `ser run`.
    var notebook: String
    /// The ser version that ran it.
    var ser: String
    /// Every parameter's value.
    var parameters: [String: JSONValue]
    /// The parameters `--param` set.
    var set: [String]
}

/// What the executed Markdown keeps of one cell in its `<!-- ser:output {…} -->` line.
struct CellRecord: Codable, Equatable {
    /// The cell's 1-based number in the notebook.
    var cell: Int
    /// ``CellResult/Status/word``.
    var status: String
    var seconds: Double
    var cacheHits: Int
    /// The failing line and the diagnostic of a failed cell.
    var line: Int?
    var message: String?
    /// Why a skipped cell did not run.
    var reason: String?
    /// The kind and line count of each output item as written below the record: `text:3`, `markdown:5`,
    /// `figure:1`.
    var items: [String]

    enum CodingKeys: String, CodingKey {
        case cell, status, seconds, cacheHits = "cache_hits", line, message, reason, items
    }

    init(_ result: CellResult, items: [String]) {
        cell = result.cell.index
        status = result.status.word
        seconds = result.seconds
        cacheHits = result.output.cacheHits
        self.items = items
        switch result.status {
        case .failed(let line, let message):
            self.line = line
            self.message = message
        case .skipped(let reason): self.reason = reason
        default: break
        }
    }

    /// The status this record describes, or nil when it names none.
    var resultStatus: CellResult.Status? {
        switch status {
        case "ok": .ok
        case "failed": .failed(line: line ?? 0, message: message ?? "")
        case "skipped": .skipped(reason ?? "")
        case "not run": .notRun
        case "cancelled": .cancelled
        default: nil
        }
    }
}

/// Encodes a record on one line for an HTML comment: sorted keys, and no `>` (escaped as `\u003e`, which
/// JSON reads back) so that no text of the record can close the comment.
func commentJSON(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self).replacingOccurrences(of: ">", with: "\\u003e")
}
