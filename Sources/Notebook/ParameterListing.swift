/// `ser run NB --list-params`: a notebook's parameters with their types, defaults and meanings, aligned in
/// columns (what papermill's `--help-notebook` shows).
///
/// ```
/// notebooks/02-emovo-baseline.md: 4 parameters (set with --param name=value)
///   data      path          ""      folder holding EMOVO/, RAVDESS/, CREMA-D/; empty: demo corpora
///   epochs    int           200     maximum epochs
/// ```
public struct ParameterListing {
    public let notebook: Notebook

    public init(_ notebook: Notebook) {
        self.notebook = notebook
    }

    public var text: String {
        let parameters = notebook.parameters
        guard !parameters.isEmpty else { return "\(notebook.path): no parameters\n" }
        let rows = [["name", "type", "default", ""]]
            + parameters.map { [$0.name, $0.type.description, $0.defaultValue.description, $0.help] }
        let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var out = "\(notebook.path): \(parameters.count) parameter\(parameters.count == 1 ? "" : "s") (set with --param name=value)\n"
        for row in rows {
            var line = "  "
            for column in 0..<3 {
                line += row[column] + String(repeating: " ", count: widths[column] - row[column].count + 2)
            }
            line += row[3]
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
