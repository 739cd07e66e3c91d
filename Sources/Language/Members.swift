import Audio

/// Member access (`s.test`, `r.accuracy`) and indexing (`emovo["f1/rab-f1-b1.wav"]`, `items[0]`) of
/// session values. A member's hash derives from its base's hash and the member name.
enum Members {
    struct Failure: Error { var message: String }

    /// The members a value has, for did-you-mean and completion.
    static func names(of value: Value) -> [String] {
        switch value.payload {
        case .list: ["count"]
        case .signal: ["duration", "rate", "samples"]
        case .table: ["rows", "columns"]
        case .figure: ["path"]
        case .number, .string: []
        }
    }

    static func derived(_ base: Value, _ member: String, _ payload: Value.Payload) -> Value {
        Value(payload, hash: ContentHash(of: base.hash.hex + "." + member))
    }

    static func member(_ name: String, of value: Value) -> Value? {
        switch (value.payload, name) {
        case (.list(let items), "count"): derived(value, name, .number(Double(items.count), .none))
        case (.signal(let s), "duration"): derived(value, name, .number(s.signal.duration, .seconds))
        case (.signal(let s), "rate"): derived(value, name, .number(Double(s.signal.sampleRate), .hertz))
        case (.signal(let s), "samples"): derived(value, name, .number(Double(s.signal.samples.count), .none))
        case (.table(let t), "rows"): derived(value, name, .number(Double(t.rows.count), .none))
        case (.table(let t), "columns"): derived(value, name, .list(t.columns.map { Value.string($0) }))
        case (.figure(let f), "path"): derived(value, name, .string(f.path))
        default: nil
        }
    }

    static func index(_ value: Value, by index: Value) throws(Failure) -> Value {
        switch (value.payload, index.payload) {
        case (.list(let items), .number(let v, .none)):
            guard v == v.rounded(), let i = Int(exactly: v) else { throw Failure(message: "a list index is a whole number") }
            let j = i < 0 ? items.count + i : i
            guard j >= 0, j < items.count else {
                throw Failure(message: "index \(i) is out of range for a list of \(items.count)")
            }
            return items[j]
        default:
            throw Failure(message: "\(value.type.withArticle) cannot be indexed by \(index.type.withArticle)")
        }
    }
}
