@testable import Notebook

/// A tiny interpreter for runner tests: `name = value`, `print name`, `fail message`, `figure path`,
/// `table`, `cancel` (as Ctrl-C); names hold parameters or earlier assignments. Records everything it was asked to do.
final class FakeSession: NotebookSession {
    var values: [String: String] = [:]
    var executed: [(source: String, firstLine: Int, useCache: Bool)] = []
    var bound: [String: ParameterValue] = [:]
    /// Set by the `cancel` statement (Ctrl-C during a statement): the cell's later statements do not run.
    var isCancelled = false

    func bind(parameter name: String, to value: ParameterValue) throws {
        bound[name] = value
        values[name] = "\(value)"
    }

    func execute(_ source: String, file: String, firstLine: Int, useCache: Bool) throws -> CellOutput {
        executed.append((source, firstLine, useCache))
        var output = CellOutput()
        for (offset, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = line.split(separator: " ").map(String.init)
            guard let verb = words.first, !isCancelled else { continue }
            switch verb {
            case "cancel":
                isCancelled = true
                output.items.append(.text("stopped at the next batch"))
            case "print":
                guard let value = values[words[1]] else {
                    throw CellError(line: firstLine + offset, message: "\(file):\(firstLine + offset):7: error: unknown name '\(words[1])'")
                }
                output.items.append(.text(value))
            case "fail":
                throw CellError(line: firstLine + offset, message: words.dropFirst().joined(separator: " "), output: output)
            case "figure":
                output.items.append(.figure(words[1]))
            case "table":
                output.items.append(.markdown("| a | b |\n| --- | --- |\n| 1 | 2 |"))
            default:
                if words.count == 3, words[1] == "=" { values[words[0]] = words[2] }
            }
        }
        return output
    }
}
