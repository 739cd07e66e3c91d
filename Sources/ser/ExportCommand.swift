import ArgumentParser
import Notebook

/// `ser export EXECUTED --to ipynb|html`: a finished run in another format, without running it again.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an executed notebook (build/notebooks/<name>.md) as .ipynb or a self-contained HTML report.",
        discussion: """
        Reads the executed notebook that `ser run` wrote, with its outputs, times and parameters, and writes \
        <name>.ipynb (nbformat 4.5: opens in JupyterLab, VS Code and on GitHub) or <name>.html (one file, \
        figures embedded, printable) beside it, or to -o. Figures are read from the paths the run wrote them to.

        Examples:
          ser export build/notebooks/02-emovo-baseline.md --to ipynb
          ser export build/notebooks/02-emovo-baseline.md --to html -o report.html
        """
    )

    @Argument(help: "Executed notebooks (what `ser run` wrote to build/notebooks/).")
    var executed: [String]

    @Option(name: .customLong("to"), help: ArgumentHelp("ipynb or html (repeatable).", valueName: "format"))
    var formats: [ExportFormat]

    @Option(name: .shortAndLong, help: ArgumentHelp("The output file (one notebook and one format only).", valueName: "file"))
    var output: String?

    func validate() throws {
        guard !formats.isEmpty else { throw ValidationError("give --to ipynb or --to html") }
        if output != nil, executed.count > 1 || formats.count > 1 {
            throw ValidationError("-o names one file: give one executed notebook and one --to format")
        }
    }

    func run() throws {
        var failed = false
        for path in executed {
            do throws(NotebookError) {
                let run = try ExecutedNotebook(contentsOf: path)
                for format in formats {
                    print(try NotebookExport.write(run, as: format, to: output))
                }
            } catch {
                Output.message(error.description)
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
