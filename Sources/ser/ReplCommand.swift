import ArgumentParser
import Console
import Language
import Notebook

/// `ser repl` (and `ser` with no arguments): the prompt on a terminal, a line-by-line script runner
/// otherwise (`ser < script.ser`).
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "The interactive prompt (the default when ser runs with no arguments).",
        discussion: """
        On a terminal: line editing, history in ~/.ser_history, Tab completion, :help for the \
        meta-commands, :open NOTEBOOK to step through a notebook. Expensive results (corpora, features, \
        training) come from the value cache that ser run fills (.ser-cache). With standard input from a \
        file or pipe, runs its statements line by line with no prompt and exits with status 1 at the first error.
        """
    )

    @OptionGroup var cache: CacheOptions

    func run() throws {
        let session = Session(cache: cache.valueCache)
        // A damaged cache entry is said once, on stderr (it is recomputed and replaced).
        session.cacheWarningHandler = { Output.message($0) }
        if Terminal.stdinIsTerminal {
            Repl(session: session).run()
        } else {
            Cancellation.installInterruptHandler(secondInterruptExits: true)
            let reader = LineReader(fd: 0)
            if !ScriptRunner(session: session, file: "<stdin>").run(lines: reader.next) {
                throw ExitCode(session.cancellation.isRequested ? 130 : 1)
            }
        }
    }
}
