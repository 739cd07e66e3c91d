#if canImport(Glibc)
import Glibc
#endif
import Audio
import Foundation
import Testing

/// Issue 12, end to end: what the `ser` executable does with hostile input (message, exit status, files left).
@Suite(.serialized) struct CLIHostileInputTests {
    let dir: String = {
        let d = CLITests.work + "/hostile-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    /// A feature table written by hand: `rows` × 160 values, every row labelled `label`.
    func writeTable(_ prefix: String, rows: Int, labels: (Int) -> String) throws {
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), 160), }"
        var header = Array(dict.utf8)
        while (header.count + 11) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var npy = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header)
        for i in 0..<(rows * 160) {
            withUnsafeBytes(of: Float(sin(Double(i) * 0.37)).bitPattern.littleEndian) { npy.append(contentsOf: $0) }
        }
        try npy.write(to: URL(fileURLWithPath: prefix + ".npy"))
        var csv = "index,file,window,start_s,end_s,emotion\n"
        for i in 0..<rows { csv += "\(i),f\(i).wav,0,0.0,2.0,\(labels(i))\n" }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: prefix + ".csv"))
    }

    /// Misleading message: `--window -1` said "Missing value".
    @Test func negativeWindowIsCheckedAsANumber() throws {
        let run = try CLITests.ser(["features", dir, "--out", "\(dir)/f", "--window", "-1"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--window must be a positive number of seconds (got -1.0)"))
        // A hop of a few samples ran a whole window's STFT per sample: a run without end.
        let tiny = try CLITests.ser(["features", dir, "--out", "\(dir)/f", "--hop", "0.000001"])
        #expect(tiny.status == 64 && tiny.stderr.contains("hop must be between 0.01 and 3600 seconds (got 1e-06)"), "\(tiny.stderr)")
    }

    /// Item 4: `--sr 4000000000` aborted in the allocator.
    @Test func hugeSampleRatesAreRefusedByValue() throws {
        let tone = "\(dir)/sr.wav"
        try CLITests.writeTone(tone, seconds: 1)
        let augment = try CLITests.ser(["augment", tone, "--noise", "0.1", "--sr", "4000000000", "--out", "\(dir)/aug"])
        #expect(augment.status != 0)
        #expect(augment.stderr.contains("sr must be between 1000 and 384000 Hz (got 4000000000)"))
        let plot = try CLITests.ser(["plot", "mel", tone, "--sr", "4000000000", "--out", "\(dir)/m.png"])
        #expect(plot.status == 1)
        #expect(plot.stderr.contains("sr must be between 1000 and 384000 Hz (got 4000000000)"))
    }

    /// Misleading message: a folder given to plot was "not an audio file" (libsndfile's words).
    @Test func folderGivenToPlotIsNamedAFolder() throws {
        let run = try CLITests.ser(["plot", "mel", dir, "--out", "\(dir)/m.png"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("\(dir): is a folder, not an audio file"))
    }

    /// Item 15 and "plot on NaN audio omits the file", end to end: `ser augment` and `ser plot` refuse a file
    /// longer than 600 s and a NaN WAV, naming the file, with status 1 and nothing written.
    @Test func augmentAndPlotRefuseLongAndNaNFiles() throws {
        let long = "\(dir)/long.wav", nan = "\(dir)/nan.wav"
        try SoundFile.write(Signal(samples: [Float](repeating: 0.1, count: 601 * 1000), sampleRate: 1000), to: long, encoding: .wav16)
        try SoundFile.write(Signal(samples: (0..<8000).map { $0 == 4000 ? .nan : 0.1 }, sampleRate: 8000), to: nan, encoding: .wavFloat)
        let cases: [(String, String)] = [(long, "\(long): 601.0 s long; this command takes at most 600.0 s (cut the file first)"),
                                         (nan, "\(nan): sample 4000 (0.5 s) is nan; audio must be finite")]
        for (file, message) in cases {
            let augment = try CLITests.ser(["augment", file, "--noise", "0.1", "--sr", "8000", "--out", "\(dir)/aug"])
            #expect(augment.status == 1 && augment.stderr.contains(message), "\(augment.stderr)")
            for view in ["waveform", "mel"] {
                let plot = try CLITests.ser(["plot", view, file, "--sr", "8000", "--out", "\(dir)/p.png"])
                #expect(plot.status == 1 && plot.stderr.contains(message), "\(plot.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/p.png"))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: "\(dir)/aug"))?.isEmpty ?? true)
    }

    /// Item 14: `--out ""` wrote hidden `.npy`/`.csv` files.
    @Test func emptyOutIsAnError() throws {
        let tone = "\(dir)/tone.wav"
        try CLITests.writeTone(tone, seconds: 1)
        let run = try CLITests.ser(["features", tone, "--out", ""])
        #expect(run.status == 1)
        #expect(run.stderr.contains("the output prefix is empty"))
        #expect(!FileManager.default.fileExists(atPath: ".npy") && !FileManager.default.fileExists(atPath: ".csv"))
    }

    /// Item 14: `ser train --out existing_dir` failed after training with "NSCocoaErrorDomain error 512".
    @Test func trainOutIsCheckedBeforeTraining() throws {
        try writeTable("\(dir)/two", rows: 40, labels: { $0 % 2 == 0 ? "joy" : "anger" })
        let run = try CLITests.ser(["train", "--features", "\(dir)/two", "--label", "emotion", "--epochs", "1", "--out", dir])
        #expect(run.status != 0)
        #expect(run.stderr.contains("\(dir): is a folder; give a file name"))
        #expect(!run.stderr.contains("NSCocoaErrorDomain") && !run.stdout.contains("epoch"))
    }

    /// Item 10: a one-class table trained to "accuracy 1.000".
    @Test func oneClassTableIsAnError() throws {
        try writeTable("\(dir)/one", rows: 40, labels: { _ in "joy" })
        let run = try CLITests.ser(["train", "--features", "\(dir)/one", "--label", "emotion", "--epochs", "1"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("column 'emotion' has 1 class; training needs at least 2"))
    }

    /// Misleading message: a non-UTF-8 script said only "cannot read".
    @Test func nonUTF8ScriptNamesTheByte() throws {
        let script = "\(dir)/latin1.ser"
        try Data("x = 1\ny = \"caff".utf8 + [0xE8] + "\"\n".utf8).write(to: URL(fileURLWithPath: script))
        let run = try CLITests.ser(["exec", "-f", script])
        #expect(run.status == 2)
        #expect(run.stderr.contains("\(script):2:10: not UTF-8 text (byte 0xE8); save the file as UTF-8"))
    }

    /// Item 6 for scripts and notebooks: `ser exec -f FIFO` and `ser run FIFO` blocked forever; every file ser
    /// reads whole is read only if it is a regular file.
    @Test func fifoGivenAsScriptOrNotebookIsRefusedWithoutBlocking() throws {
        let fifo = "\(dir)/pipe.md"
        #expect(mkfifo(fifo, 0o644) == 0)
        let exec = try CLITests.ser(["exec", "-f", fifo])
        #expect(exec.status != 0 && exec.stderr.contains("\(fifo): is a FIFO (named pipe), not a script"), "\(exec.stderr)")
        let run = try CLITests.ser(["run", fifo])
        #expect(run.status == 1 && run.stderr.contains("is a FIFO (named pipe), not a script"), "\(run.stderr)")
    }

    /// Item 13: SIGTERM during `ser features --out` left `.x.npy.tmp-PID-N` files behind.
    @Test func sigtermRemovesTemporaryFiles() throws {
        var status: Int32 = 0
        let (pid, out, sawTemporary) = try featuresUnderWay(files: 12, seconds: 20, name: "long", status: &status)
        if sawTemporary {
            kill(pid, SIGTERM)
            waitpid(pid, &status, 0)
        }
        #expect(sawTemporary, "the run ended before its temporary files were seen")
        if sawTemporary {
            // Killed by SIGTERM (WIFSIGNALED, WTERMSIG == SIGTERM).
            #expect(status & 0x7f == SIGTERM)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.contains(".tmp-") }.isEmpty)
    }

    /// Starts `ser arguments` with an empty signal mask (test-runner threads block SIGTERM and SIGINT, and a
    /// child would inherit that), output to /dev/null; returns its process id.
    static func spawn(_ arguments: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = ([CLITests.serPath] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, CLITests.serPath, &actions, &attributes, &argv, environ)
        try #require(status == 0, "posix_spawn: \(status)")
        return pid
    }

    /// Starts `ser features` on `files` tones of `seconds` into `dir/name/feats` (one thread) and waits, at most
    /// 30 s, until its temporary table exists: `underWay` is false when the process ended first (its status is
    /// then in `status`).
    func featuresUnderWay(files: Int, seconds: Double, name: String, status: inout Int32) throws
        -> (pid: pid_t, out: String, underWay: Bool)
    {
        let audio = "\(dir)/\(name)-audio", out = "\(dir)/\(name)"
        for folder in [audio, out] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        for i in 0..<files { try CLITests.writeTone("\(audio)/t\(i).wav", seconds: seconds) }
        let pid = try Self.spawn(["features", audio, "--out", "\(out)/feats", "--threads", "1"])
        for _ in 0..<6000 where waitpid(pid, &status, WNOHANG) == 0 {
            if try FileManager.default.contentsOfDirectory(atPath: out).contains(where: { $0.contains(".tmp-") }) { return (pid, out, true) }
            usleep(5000)
        }
        return (pid, out, false)
    }

    /// Ctrl-C in `ser features` was ignored until the last file (the run never polled the flag): it now stops
    /// at the next file with status 130, and nothing is written — no table, no temporary file.
    @Test func ctrlCStopsFeaturesAtTheNextFileAndWritesNothing() throws {
        var status: Int32 = 0
        let (pid, out, started) = try featuresUnderWay(files: 20, seconds: 4, name: "interrupted", status: &status)
        try #require(started, "the run ended before it was seen under way")
        kill(pid, SIGINT)
        waitpid(pid, &status, 0)
        // Exited (not killed by the signal) with 130.
        #expect(status & 0x7f == 0 && (status >> 8) & 0xff == 130)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
    }
}
