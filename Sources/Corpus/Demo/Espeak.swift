import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the espeak-ng program (a subprocess through `posix_spawnp`, found on PATH).
enum Espeak {
    /// Speaks `ssml` into a 16-bit 22050 Hz mono WAV file at `output`.
    ///
    /// Wraps `posix_spawnp` + `waitpid`; espeak-ng's messages go to `log` and are quoted in the error.
    static func speak(ssml: String, voice: UtteranceVoice, output: String, log: String) throws(CorpusError) {
        let arguments = [
            "espeak-ng", "-m", "-z", "-v", voice.voice, "-s", String(voice.rate), "-p", String(voice.pitch),
            "-g", String(voice.gap), "-a", "100", "-w", output, ssml,
        ]
        do { try run(arguments, log: log) } catch {
            throw CorpusError(error.code, path: error.path, "\(error.message) (voice \(voice.voice), rate \(voice.rate), pitch \(voice.pitch))")
        }
    }

    /// Runs a command, stdout and stderr into `log`; throws unless it exits with 0.
    static func run(_ arguments: [String], log: String) throws(CorpusError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        defer { for a in argv { free(a) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            unlink(log)
            if spawned == ENOENT {
                throw CorpusError(.toolFailed,
                    "\(arguments[0]) is not installed or not on PATH (apt-get install espeak-ng; scripts/bootstrap installs it)")
            }
            throw CorpusError(.toolFailed, "cannot start \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { break }
        }
        let message = Files.readText(log) ?? ""
        unlink(log)
        // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
        let exited = status & 0x7F == 0
        let code = (status >> 8) & 0xFF
        guard exited, code == 0 else {
            let detail = message.split(whereSeparator: \.isNewline).prefix(3).joined(separator: "; ")
            throw CorpusError(.toolFailed,
                "\(arguments[0]) failed (\(exited ? "exit \(code)" : "signal \(status & 0x7F)"))\(detail.isEmpty ? "" : ": " + detail)")
        }
    }

    /// The text with XML's special characters escaped, inside SSML that sets the pitch range.
    static func ssml(_ text: String, range: Int) -> String {
        var escaped = ""
        for c in text {
            switch c {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "'": escaped += "&apos;"
            case "\"": escaped += "&quot;"
            default: escaped.append(c)
            }
        }
        return "<speak><prosody range=\"\(range)%\">\(escaped)</prosody></speak>"
    }
}
