import ArgumentParser
import Language
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything `ser`'s commands print goes through here: results on stdout, notes, errors and progress on
/// stderr.
enum Output {
    /// One line of results on stdout, flushed (so pipes see epochs as they finish).
    static func line(_ text: String) {
        print(text)
        fflush(nil)
    }

    /// The progress line drawn in place on stderr (on a terminal only); the lines below are written around it.
    private static var status: StatusLine { StatusLine.standardError }

    /// Draws `text` as the progress line on stderr, in place of the previous one (nothing when not a terminal).
    static func progress(_ text: String) {
        status.show(text)
    }

    /// Erases the progress line.
    static func clearProgress() {
        status.clear()
    }

    /// A line on stderr (a diagnostic that already names its file, a cell's failure), on a line of its own
    /// even while progress is drawn in place.
    static func message(_ text: String) {
        status.message(text)
    }

    /// `ser <command>: <text>` on stderr: a note, a warning or a skipped file.
    static func note(_ command: String, _ text: String) {
        status.message("ser \(command): \(text)")
    }

    /// `ser <command>: error: <message>` on stderr.
    static func error(_ command: String, _ message: String) {
        status.message("ser \(command): error: \(message)")
    }

    /// Whether stderr is a terminal (progress is drawn in place only there).
    static var isTerminal: Bool { isatty(2) == 1 }
}

/// The one way a `ser` command fails on its data (not its options): the error's message (`userMessage`,
/// never a raw `"\(error)"`) as `ser <command>: error: …`, then exit status 1. Option errors stay
/// `ValidationError`s, which ArgumentParser prints with the usage.
enum Failure {
    /// Stopped by Ctrl-C (the work saw `Cancellation.shared` and ended early): the message, then status 130.
    static func reporting<T>(_ command: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ExitCode { throw error } catch let error as ValidationError {
            throw error
        } catch {
            Output.error(command, userMessage(error))
            throw Cancellation.shared.isRequested ? ExitCode(130) : ExitCode.failure
        }
    }

    /// Prints `message` as the command's error and returns the exit code to throw.
    static func exit(_ command: String, _ message: String) -> ExitCode {
        Output.error(command, message)
        return ExitCode.failure
    }
}
