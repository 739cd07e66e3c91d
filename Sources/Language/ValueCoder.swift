import Audio
import Corpus
import Evaluate
import Features
import Foundation
import Learn
import Support

/// Serialises session values to bytes and back, for `ValueCache`.
///
/// Format: the magic `SERV` and a format version byte, then one value: a type tag byte, the 32-byte
/// content hash and the payload. Integers are little-endian 64-bit, floats IEEE 754 little-endian,
/// strings a length then UTF-8 bytes. Decoding checks every length against the bytes left, so a
/// truncated or corrupt entry fails with `ValueCoder.Failure` rather than crashing.
public enum ValueCoder {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The format's version: raise it whenever what a tag's payload holds changes, so older entries read as
    /// misses instead of as wrong values.
    static let formatVersion: UInt8 = 2
    static let magic: [UInt8] = Array("SERV".utf8) + [formatVersion]

    /// The bytes of `value`.
    public static func encode(_ value: Value) throws(Failure) -> [UInt8] {
        var w = ByteWriter()
        w.bytes.append(contentsOf: magic)
        try w.value(value)
        return w.bytes
    }

    /// The value encoded in `bytes`.
    public static func decode(_ bytes: [UInt8]) throws(Failure) -> Value {
        var r = ByteReader(bytes: bytes)
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw Failure(description: "not a ser value (bad magic or format version)")
        }
        r.offset = magic.count
        let v = try r.value()
        guard r.offset == bytes.count else { throw Failure(description: "trailing bytes after value") }
        return v
    }
}

struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func int(_ v: Int) {
        let u = UInt64(bitPattern: Int64(v))
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: u >> (8 * UInt64(i)))) }
    }

    mutating func double(_ v: Double) {
        let u = v.bitPattern
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: u >> (8 * UInt64(i)))) }
    }

    mutating func string(_ s: String) {
        let u = Array(s.utf8)
        int(u.count)
        bytes.append(contentsOf: u)
    }

    mutating func strings(_ a: [String]) {
        int(a.count)
        for s in a { string(s) }
    }

    mutating func floats(_ a: [Float]) {
        int(a.count)
        bytes.reserveCapacity(bytes.count + a.count * 4)
        for f in a {
            let u = f.bitPattern
            bytes.append(UInt8(truncatingIfNeeded: u))
            bytes.append(UInt8(truncatingIfNeeded: u >> 8))
            bytes.append(UInt8(truncatingIfNeeded: u >> 16))
            bytes.append(UInt8(truncatingIfNeeded: u >> 24))
        }
    }

    mutating func ints(_ a: [Int]) {
        int(a.count)
        for v in a { int(v) }
    }

    mutating func dictionary(_ d: [String: String]) {
        int(d.count)
        for k in d.keys.sorted() { string(k); string(d[k]!) }
    }

    mutating func table(_ t: Table) {
        u8(t.title == nil ? 0 : 1)
        if let title = t.title { string(title) }
        strings(t.columns)
        int(t.rows.count)
        for row in t.rows { strings(row) }
        int(t.alignments.count)
        for a in t.alignments { u8(a == .right ? 1 : 0) }
    }

    mutating func featureTable(_ t: FeatureTable) {
        int(t.width)
        floats(t.values)
        int(t.rows.count)
        for r in t.rows { string(r.file); int(r.window); double(r.start); double(r.end); dictionary(r.attributes) }
        dictionary(t.recipe?.metadata ?? [:])
    }

    mutating func model(_ m: ModelValue) throws(ValueCoder.Failure) {
        do { bytesBlock(try m.checkpoint()) } catch { throw ValueCoder.Failure(description: "model: \(userMessage(error))") }
    }

    mutating func run(_ r: RunValue) throws(ValueCoder.Failure) {
        try model(r.model)
        let json: Data
        do { json = try JSONEncoder().encode(r.history) } catch { throw ValueCoder.Failure(description: "history: \(userMessage(error))") }
        bytesBlock(Array(json))
        string(r.splitName)
        string(r.label)
    }

    mutating func bytesBlock(_ b: [UInt8]) {
        int(b.count)
        bytes.append(contentsOf: b)
    }

    mutating func value(_ v: Value) throws(ValueCoder.Failure) {
        u8(v.type.tag)
        bytes.append(contentsOf: v.hash.bytes)
        switch v.payload {
        case .number(let x, let unit): double(x); string(unit.rawValue)
        case .string(let s): string(s)
        case .list(let items): int(items.count); for i in items { try value(i) }
        case .signal(let s): string(s.name); int(s.signal.sampleRate); floats(s.signal.samples); dictionary(s.attributes)
        case .table(let t): table(t)
        case .figure(let f): string(f.path); string(f.kind); string(f.title)
        case .features(let t): featureTable(t)
        case .split(let sp):
            featureTable(sp.table)
            string(sp.scheme)
            string(sp.label)
            int(sp.splits.count)
            for x in sp.splits {
                string(x.name); ints(x.train); ints(x.validation); ints(x.test)
                int(x.leakage.sharedSources); int(x.leakage.leakedTestRows); int(x.leakage.testRows)
                if let a = x.augmentation {
                    u8(1); int(a.inTraining); int(a.setAside); int(a.fromHeldOutAudio); int(a.fromHeldOutFiles)
                } else {
                    u8(0)
                }
            }
        case .model(let m): try model(m)
        case .run(let r): try run(r)
        case .report(let r):
            strings(r.names)
            int(r.reports.count)
            for report in r.reports {
                strings(report.classes.names)
                ints(report.confusion.counts)
            }
            int(r.runs.count)
            for x in r.runs { try run(x) }
        case .corpus(let c):
            let k = c.corpus
            string(k.root)
            string(k.layout.rawValue)
            int(k.files.count)
            for f in k.files { strings([f.path, f.relativePath, f.corpus, f.speaker, f.gender, f.sentence, f.emotion, f.intensity]) }
            int(k.problems.count)
            for p in k.problems { string(p.relativePath); string(p.reason) }
            strings(k.warnings)
            int(k.otherFiles)
        }
    }
}

struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    private func fail(_ what: String) -> ValueCoder.Failure {
        ValueCoder.Failure(description: "corrupt value: \(what) at byte \(offset)")
    }

    mutating func take(_ n: Int) throws(ValueCoder.Failure) -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - offset else { throw fail("truncated") }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    mutating func u8() throws(ValueCoder.Failure) -> UInt8 { try take(1).first! }

    mutating func int() throws(ValueCoder.Failure) -> Int {
        var u: UInt64 = 0
        for (i, b) in try take(8).enumerated() { u |= UInt64(b) << (8 * UInt64(i)) }
        return Int(Int64(bitPattern: u))
    }

    mutating func count(_ elementSize: Int) throws(ValueCoder.Failure) -> Int {
        let n = try int()
        guard n >= 0, n <= (bytes.count - offset) / max(1, elementSize) else { throw fail("bad length \(n)") }
        return n
    }

    mutating func double() throws(ValueCoder.Failure) -> Double {
        var u: UInt64 = 0
        for (i, b) in try take(8).enumerated() { u |= UInt64(b) << (8 * UInt64(i)) }
        return Double(bitPattern: u)
    }

    mutating func string() throws(ValueCoder.Failure) -> String {
        let n = try count(1)
        return String(decoding: try take(n), as: UTF8.self)
    }

    mutating func strings() throws(ValueCoder.Failure) -> [String] {
        let n = try count(8)
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try string()) }
        return out
    }

    mutating func floats() throws(ValueCoder.Failure) -> [Float] {
        let n = try count(4)
        let raw = try take(n * 4)
        var out = [Float](repeating: 0, count: n)
        var j = raw.startIndex
        for i in 0..<n {
            out[i] = Float(bitPattern: UInt32(raw[j]) | UInt32(raw[j + 1]) << 8 | UInt32(raw[j + 2]) << 16 | UInt32(raw[j + 3]) << 24)
            j += 4
        }
        return out
    }

    mutating func ints() throws(ValueCoder.Failure) -> [Int] {
        let n = try count(8)
        var out: [Int] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try int()) }
        return out
    }

    mutating func dictionary() throws(ValueCoder.Failure) -> [String: String] {
        let n = try count(16)
        var d: [String: String] = [:]
        for _ in 0..<n { let k = try string(); d[k] = try string() }
        return d
    }

    mutating func table() throws(ValueCoder.Failure) -> Table {
        let title: String? = try u8() == 1 ? try string() : nil
        let columns = try strings()
        let n = try count(8)
        var rows: [[String]] = []
        for _ in 0..<n { rows.append(try strings()) }
        let na = try count(1)
        var alignments: [Table.Alignment] = []
        for _ in 0..<na { alignments.append(try u8() == 1 ? .right : .left) }
        guard alignments.count == columns.count else { throw fail("table alignments") }
        return Table(title: title, columns: columns, rows: rows, alignments: alignments)
    }

    mutating func featureTable() throws(ValueCoder.Failure) -> FeatureTable {
        let width = try int()
        let values = try floats()
        let n = try count(40)
        var rows: [FeatureRow] = []
        rows.reserveCapacity(n)
        for _ in 0..<n {
            rows.append(FeatureRow(file: try string(), window: try int(), start: try double(), end: try double(), attributes: try dictionary()))
        }
        let (cells, overflow) = n.multipliedReportingOverflow(by: width)
        guard width > 0, !overflow, values.count == cells else { throw fail("feature table shape") }
        let meta = try dictionary()
        let recipe: FeatureRecipe?
        do { recipe = try FeatureRecipe(metadata: meta) } catch { throw fail("feature table recipe: \(error.message)") }
        return FeatureTable(width: width, values: values, rows: rows, recipe: recipe)
    }

    mutating func bytesBlock() throws(ValueCoder.Failure) -> [UInt8] {
        let n = try count(1)
        return Array(try take(n))
    }

    mutating func model() throws(ValueCoder.Failure) -> ModelValue {
        do { return ModelValue(try Checkpoint.decode(try bytesBlock())) } catch let e as ValueCoder.Failure { throw e } catch {
            throw fail("model checkpoint: \(userMessage(error))")
        }
    }

    mutating func run() throws(ValueCoder.Failure) -> RunValue {
        let m = try model()
        let history: TrainingHistory
        do { history = try JSONDecoder().decode(TrainingHistory.self, from: Data(try bytesBlock())) } catch let e as ValueCoder.Failure { throw e } catch {
            throw fail("history: \(userMessage(error))")
        }
        return RunValue(model: m, history: history, splitName: try string(), label: try string())
    }

    mutating func value(depth: Int = 0) throws(ValueCoder.Failure) -> Value {
        let tag = try u8()
        let hash = ContentHash(digest: Array(try take(32)))
        guard let type = ValueType.allCases.first(where: { $0.tag == tag }) else { throw fail("unknown type tag \(tag)") }
        let payload: Value.Payload
        switch type {
        case .number:
            let x = try double()
            guard let unit = NumberUnit(rawValue: try string()) else { throw fail("unit") }
            payload = .number(x, unit)
        case .string: payload = .string(try string())
        case .list:
            // Lists nest no deeper than the parser allows, so a hostile entry cannot exhaust the stack.
            guard depth < Parser.maxDepth else { throw fail("lists nested more than \(Parser.maxDepth) deep") }
            let n = try count(33)
            var items: [Value] = []
            for _ in 0..<n { items.append(try value(depth: depth + 1)) }
            payload = .list(items)
        case .signal:
            let name = try string()
            let rate = try int()
            guard rate > 0, rate <= 1_000_000_000 else { throw fail("sample rate \(rate)") }
            let samples = try floats()
            payload = .signal(SignalValue(name: name, signal: Signal(samples: samples, sampleRate: rate), attributes: try dictionary()))
        case .table: payload = .table(try table())
        case .figure: payload = .figure(FigureValue(path: try string(), kind: try string(), title: try string()))
        case .features: payload = .features(try featureTable())
        case .split:
            let table = try featureTable()
            let scheme = try string(), label = try string()
            let n = try count(8)
            var splits: [Split] = []
            for _ in 0..<n {
                let name = try string(), train = try ints(), validation = try ints(), test = try ints()
                let leakage = Leakage(sharedSources: try int(), leakedTestRows: try int(), testRows: try int())
                var augmentation: AugmentationCheck?
                switch try u8() {
                case 0: augmentation = nil
                case 1: augmentation = AugmentationCheck(inTraining: try int(), setAside: try int(), fromHeldOutAudio: try int(), fromHeldOutFiles: try int())
                default: throw fail("split augmentation flag")
                }
                guard (train + validation + test).allSatisfy({ $0 >= 0 && $0 < table.count }) else { throw fail("split rows") }
                splits.append(Split(name: name, train: train, validation: validation, test: test, leakage: leakage, augmentation: augmentation))
            }
            payload = .split(SplitValue(table: table, splits: splits, scheme: scheme, label: label))
        case .model: payload = .model(try model())
        case .run: payload = .run(try run())
        case .report:
            let names = try strings()
            let n = try count(16)
            var reports: [Report] = []
            for _ in 0..<n {
                let classes = LabelSet(names: try strings())
                let counts = try ints()
                let k = classes.count
                guard k > 0, counts.count == k * k, counts.allSatisfy({ $0 >= 0 && $0 < 1 << 40 }) else { throw fail("confusion matrix") }
                do { reports.append(try Report(confusion: ConfusionMatrix(classes: k, counts: counts), classes: classes)) } catch {
                    throw fail("report: \(userMessage(error))")
                }
            }
            guard names.count == reports.count, !reports.isEmpty else { throw fail("report names") }
            let aggregate: Aggregate?
            do { aggregate = reports.count > 1 ? try Aggregate(reports) : nil } catch { throw fail("aggregate: \(userMessage(error))") }
            let nRuns = try count(8)
            guard nRuns == 0 || nRuns == reports.count else { throw fail("report runs") }
            var runs: [RunValue] = []
            for _ in 0..<nRuns { runs.append(try run()) }
            payload = .report(ReportValue(reports: reports, names: names, aggregate: aggregate, runs: runs))
        case .corpus:
            let root = try string()
            guard let layout = Layout(rawValue: try string()) else { throw fail("corpus layout") }
            let n = try count(64)
            var files: [CorpusFile] = []
            for _ in 0..<n {
                let f = try strings()
                guard f.count == 8 else { throw fail("corpus file") }
                files.append(CorpusFile(path: f[0], relativePath: f[1], corpus: f[2], speaker: f[3], gender: f[4],
                                        sentence: f[5], emotion: f[6], intensity: f[7]))
            }
            let np = try count(16)
            var problems: [Problem] = []
            for _ in 0..<np { problems.append(Problem(relativePath: try string(), reason: try string())) }
            let warnings = try strings()
            let other = try int()
            payload = .corpus(CorpusValue(corpus: Corpus(root: root, layout: layout, files: files, problems: problems,
                                                         warnings: warnings, otherFiles: other)))
        }
        return Value(payload, hash: hash)
    }
}

extension ValueType {
    /// The type's byte in `ValueCoder`'s format: written out, never derived from the order of the cases, so
    /// adding or reordering a case cannot change what cached entries mean. A new type takes the next
    /// free number; a number is never reused.
    var tag: UInt8 {
        switch self {
        case .corpus: 1
        case .signal: 2
        case .features: 3
        case .split: 4
        case .model: 5
        case .run: 6
        case .report: 7
        case .figure: 8
        case .table: 9
        case .number: 10
        case .string: 11
        case .list: 12
        }
    }
}
