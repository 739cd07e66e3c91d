/// A Keras-style `model.summary()`: one row per layer and the totals, as data and as text.
public struct ModelSummary: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        /// Layer name ("conv1d_1").
        public var name: String
        /// Keras class name ("Conv1D").
        public var type: String
        /// Output shape without the batch dimension; the text shows it as Keras does, "(None, 160, 16)".
        public var outputShape: [Int]
        public var parameters: Int
        public var trainable: Bool
    }

    public var rows: [Row]
    public var totalParameters: Int
    public var trainableParameters: Int
    public var nonTrainableParameters: Int { totalParameters - trainableParameters }

    /// The table in Keras 3's layout (box drawing, thousands separators, sizes of float32 weights).
    public var text: String {
        let headers = ["Layer (type)", "Output Shape", "Param #", "Trainable"]
        let cells = rows.map { row in
            ["\(row.name) (\(row.type))",
             "(None, " + row.outputShape.map(String.init).joined(separator: ", ") + ")",
             ModelSummary.grouped(row.parameters),
             row.parameters == 0 ? "-" : (row.trainable ? "Y" : "N")]
        }
        var widths = headers.map(\.count)
        for c in cells { for (i, s) in c.enumerated() { widths[i] = max(widths[i], s.count) } }
        widths = widths.map { $0 + 2 }
        func pad(_ s: String, _ w: Int, right: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, w - 1 - s.count))
            return right ? fill + s + " " : " " + s + fill
        }
        func line(_ l: String, _ m: String, _ r: String, _ h: String) -> String {
            l + widths.map { String(repeating: h, count: $0) }.joined(separator: m) + r
        }
        func row(_ values: [String], edge: String) -> String {
            edge + values.enumerated().map { i, s in pad(s, widths[i], right: i == 2) }.joined(separator: edge) + edge
        }
        var out = [line("┏", "┳", "┓", "━"), row(headers, edge: "┃"), line("┡", "╇", "┩", "━")]
        for (i, c) in cells.enumerated() {
            out.append(row(c, edge: "│"))
            out.append(i == cells.count - 1 ? line("└", "┴", "┘", "─") : line("├", "┼", "┤", "─"))
        }
        func total(_ label: String, _ n: Int) -> String {
            " \(label): \(ModelSummary.grouped(n)) (\(ModelSummary.readableSize(n * 4)))"
        }
        out.append(total("Total params", totalParameters))
        out.append(total("Trainable params", trainableParameters))
        out.append(total("Non-trainable params", nonTrainableParameters))
        return out.joined(separator: "\n")
    }

    /// 310023 → "310,023".
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    /// Bytes as Keras prints them: 1024-based B/KB/MB/GB with two decimals.
    static func readableSize(_ bytes: Int) -> String {
        var size = Double(bytes)
        for unit in ["B", "KB", "MB", "GB"] {
            if size / 1024 < 1 || unit == "GB" { return formatFixed2(size) + " " + unit }
            size /= 1024
        }
        return formatFixed2(size) + " GB"
    }

    static func formatFixed2(_ x: Double) -> String {
        let cents = Int((x * 100).rounded())
        let frac = cents % 100
        return "\(cents / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}

extension Model {
    /// The Keras-style summary of this model: layers, output shapes, weights, trainable flags and totals.
    public func summary() -> ModelSummary {
        // The spec was validated when the model was built.
        let shapes = (try? spec.shapes()) ?? []
        var rows: [ModelSummary.Row] = []
        var total = 0, trainable = 0
        for (i, layer) in spec.layers.enumerated() {
            let n = network.kernels[i].parameterCount
            total += n
            if layer.trainable { trainable += n }
            rows.append(.init(name: layer.name, type: layer.kind.typeName, outputShape: shapes[i], parameters: n, trainable: layer.trainable))
        }
        return ModelSummary(rows: rows, totalParameters: total, trainableParameters: trainable)
    }
}
