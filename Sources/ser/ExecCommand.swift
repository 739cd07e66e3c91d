import ArgumentParser
import Console
import Language
import Notebook

/// `ser exec`: runs statements of the command language without a prompt.
struct ExecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run statements of ser's command language (a string, or a script with -f).",
        discussion: """
        Statements run one after another in one session; the first error stops the run with a \
        file:line:col diagnostic and exit status 1. Ctrl-C stops the running statement at its next unit \
        of work (training at the next batch, keeping its best weights), shows its output, runs nothing \
        after it and exits with status 130; a second Ctrl-C ends ser at once. \
        Example: ser exec "x = load audio \\"a.wav\\"; show x"
        """
    )

    @Argument(help: "Statements, separated by ';' or newlines.")
    var source: String?

    @Option(name: .shortAndLong, help: "A script file to run instead (one statement a line).")
    var file: String?

    @Flag(help: "Print the language reference (every verb with its arguments) as Markdown and exit.")
    var reference = false

    @OptionGroup var cache: CacheOptions

    func validate() throws {
        if reference { return }
        if (source == nil) == (file == nil) {
            throw ValidationError("give either statements or -f FILE")
        }
    }

    func run() throws {
        let session = cache.session()
        if reference {
            print(Help.markdownReference(session.registry), terminator: "")
            return
        }
        Cancellation.installInterruptHandler(secondInterruptExits: true)
        let ok: Bool
        if let file {
            let text: String
            do { text = try ScriptFile.read(file) } catch {
                Output.message(error.description)
                throw ExitCode(2)
            }
            ok = ScriptRunner(session: session, file: file).run(text: text)
        } else {
            ok = ScriptRunner(session: session, file: "<exec>").run(text: source ?? "")
        }
        if session.cancellation.isRequested { throw ExitCode(130) }
        if !ok { throw ExitCode(1) }
    }
}

/// The value cache options `ser repl` and `ser exec` share with `ser run`: one cache for every front-end.
struct CacheOptions: ParsableArguments {
    @Flag(help: "Neither read nor write the value cache.")
    var noCache = false

    @Option(name: .customLong("cache"), help: ArgumentHelp("The value cache folder.", valueName: "dir"))
    var cacheFolder = ".ser-cache"

    /// The disk cache, or nil with --no-cache.
    var valueCache: (any ValueCache)? {
        noCache ? nil : DiskCache(folder: cacheFolder)
    }

    /// A session on this cache as the prompt and `ser exec` use it: assignments served by the cache say so,
    /// and a damaged cache entry is said once on stderr (it is recomputed and replaced).
    func session() -> Session {
        let session = Session(cache: valueCache)
        session.showsCacheHits = true
        session.cacheWarningHandler = { Output.message($0) }
        return session
    }
}
