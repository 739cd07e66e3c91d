import ArgumentParser
import Notebook
import Support

/// `ser import NB.ipynb`: a Jupyter notebook of ser cells back to the plain-text notebook.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a .ipynb of ser cells (one `ser run --to ipynb` wrote, then edited) back into a plain-text notebook.",
        discussion: """
        Markdown cells become prose, code cells ```ser cells with their labels and options (from the cells' \
        ser metadata), the cell tagged `parameters` the parameters block; outputs are left out. A notebook \
        ser wrote comes back byte for byte, with the edits made in JupyterLab or VS Code, so the plain-text \
        file stays the source of truth. Prints the notebook, or writes it to -o (atomically).

        Example:
          ser import build/notebooks/01-features.ipynb -o notebooks/01-features.md
        """
    )

    @Argument(help: "The .ipynb file.")
    var notebook: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the notebook here instead of printing it.", valueName: "file"))
    var output: String?

    func run() throws {
        let text: String
        do { text = try IPYNBImport.notebookText(contentsOf: notebook) } catch {
            Output.message(error.description)
            throw ExitCode(1)
        }
        guard let output else {
            print(text, terminator: "")
            return
        }
        do { try AtomicFile.write(Array(text.utf8), to: output) } catch {
            throw Failure.exit("import", error.description)
        }
    }
}
