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

    /// Raw text on stderr (`write(2)`), unbuffered.
    static func standardError(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// A line on stderr (a diagnostic that already names its file, a cell's failure).
    static func message(_ text: String) {
        standardError(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// `ser <command>: <text>` on stderr: a note, a warning or a skipped file.
    static func note(_ command: String, _ text: String) {
        standardError("ser \(command): \(text)\n")
    }

    /// `ser <command>: error: <message>` on stderr.
    static func error(_ command: String, _ message: String) {
        standardError("ser \(command): error: \(message)\n")
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
