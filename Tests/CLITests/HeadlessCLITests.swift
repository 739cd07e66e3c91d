#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// `ser run` and `ser exec` as a CI log and a user at Ctrl-C see them: with stdout a pipe, each cell's line
/// arrives while the next cell is still running (it trains until interrupted); SIGINT then stops training at
/// the next batch, skips what follows, writes the executed notebook with the cell marked cancelled, and ser
/// exits with status 130.
@Suite(.serialized) struct HeadlessCLITests {
    /// A child `ser` whose stdout and stderr are read as they come.
    final class Child: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var out = Data(), err = Data()

        init(_ arguments: [String], in folder: String) throws {
            process.executableURL = URL(fileURLWithPath: CLITests.serPath)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: folder)
            let outPipe = Pipe(), errPipe = Pipe()
            process.standardOutput = outPipe
            process.standardError = errPipe
            process.standardInput = FileHandle.nullDevice
            outPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                self?.lock.withLock { self?.out.append(data) }
            }
            errPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                self?.lock.withLock { self?.err.append(data) }
            }
            try process.run()
        }

        var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
        var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

        /// Waits until stdout satisfies `condition` or the child ends; false if it never did (a guard
        /// against hanging, at most `limit` seconds, not a timing check).
        func waitFor(limit: Double = 300, _ condition: (String) -> Bool) -> Bool {
            let end = Date().addingTimeInterval(limit)
            while Date() < end {
                if condition(stdout) { return true }
                if !process.isRunning { return condition(stdout) }
                usleep(20_000)
            }
            return false
        }

        func finish() -> Int32 {
            process.waitUntilExit()
            usleep(100_000)  // let the readability handlers take the last bytes
            return process.terminationStatus
        }
    }

    /// A 120-row, 3-class feature table (`feats.npy` + `feats.csv`) in `folder`.
    static func writeTable(in folder: String) throws {
        var values: [Float] = []
        var csv = "index,file,window,start_s,end_s,speaker,emotion,sentence\n"
        var state: UInt32 = 12345
        var index = 0
        for (e, emotion) in ["anger", "joy", "sadness"].enumerated() {
            for speaker in ["f1", "f2", "m1", "m2"] {
                for n in 0..<5 {
                    for w in 0..<2 {
                        for c in 0..<160 {
                            state = state &* 1_664_525 &+ 1_013_904_223
                            values.append(Float(c % 3 == e ? 2 : 0) + Float(state >> 8) / Float(1 << 24) - 0.5)
                        }
                        csv += "\(index),\(speaker)/\(emotion)-\(n).wav,\(w),\(w * 2),\(w * 2 + 2),\(speaker),\(emotion),s\(n)\n"
                        index += 1
                    }
                }
            }
        }
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(index), 160), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var npy = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        npy.append(Data(header.utf8))
        values.withUnsafeBytes { npy.append(contentsOf: $0) }
        try npy.write(to: URL(fileURLWithPath: folder + "/feats.npy"))
        try csv.write(toFile: folder + "/feats.csv", atomically: true, encoding: .utf8)
    }

    static func folder() throws -> String {
        let folder = CLITests.work + "/headless-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try writeTable(in: folder)
        return folder
    }

    static let notebook = """
        # Trains until Ctrl-C

        ```ser {#setup}
        feats = load features "feats"
        net = model cnn1d classes=3 filters=[4] kernels=[3] dense=[8] seed=1
        s = split feats naive seed=1
        ```

        ```ser {#train}
        fit = train net s epochs=100000 patience=0 batch=16
        r = evaluate fit s.test
        ```

        ```ser {#after}
        show r
        ```
        """

    @Test func runInAPipeShowsEachCellAsItHappensAndCtrlCEndsWith130() throws {
        let folder = try Self.folder()
        try Self.notebook.write(toFile: folder + "/long.md", atomically: true, encoding: .utf8)
        let child = try Child(["run", "long.md", "--to", "ipynb", "--cache", "cache"], in: folder)
        // Cell 1's end and cell 2's start are in the log while cell 2 is still training: it trains until
        // interrupted, so these lines cannot come from the end of the run.
        let started = child.waitFor { $0.contains("long: cell 2/3 [train] …\n") }
        #expect(started, "stdout so far: \(child.stdout)")
        #expect(child.process.isRunning)
        #expect(child.stdout.contains("long: cell 1/3 [setup] ok "))
        kill(child.process.processIdentifier, SIGINT)
        let status = child.finish()
        #expect(status == 130, "stderr: \(child.stderr)")
        let out = child.stdout
        #expect(out.contains("long: cell 2/3 [train] cancelled (Ctrl-C)"))
        #expect(out.contains("long.md: CANCELLED (Ctrl-C): 1/3 cells ran"))
        // The executed notebook (and the .ipynb) are written, the cell marked cancelled, training's result kept.
        let executed = try String(contentsOfFile: folder + "/build/notebooks/long.md", encoding: .utf8)
        #expect(executed.contains("*cell 2 [train] · **cancelled** (Ctrl-C)"))
        #expect(executed.contains("cancelled (Ctrl-C): kept the best weights"))
        #expect(!executed.contains("r = report"))  // the statement after training did not run
        #expect(executed.contains("*cell 3 [after] · not run (the run was cancelled)*"))
        #expect(FileManager.default.fileExists(atPath: folder + "/build/notebooks/long.ipynb"))
    }

    @Test func execStopsAtCtrlCAndEndsWith130() throws {
        let folder = try Self.folder()
        let script = """
            feats = load features "feats"
            net = model cnn1d classes=3 filters=[4] kernels=[3] dense=[8] seed=1
            s = split feats naive seed=1
            fit = train net s epochs=100000 patience=0 batch=16
            r = evaluate fit s.test
            """
        let child = try Child(["exec", script], in: folder)
        #expect(child.waitFor { $0.contains("s = split") }, "stdout so far: \(child.stdout)")
        kill(child.process.processIdentifier, SIGINT)
        let status = child.finish()
        #expect(status == 130, "stderr: \(child.stderr)")
        #expect(child.stderr.contains("cancelled (Ctrl-C)"))
        #expect(!child.stdout.contains("r = report"))
    }

    @Test func listParamsAndPlainProgressModes() throws {
        let folder = try Self.folder()
        try """
            ```ser parameters
            epochs: int = 5   # maximum epochs
            figures: path = "figures"
            ```

            ```ser {#one}
            feats = load features "\(folder)/feats"
            ```
            """.write(toFile: folder + "/p.md", atomically: true, encoding: .utf8)
        let list = try CLITests.ser(["run", folder + "/p.md", "--list-params"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("  epochs   int   5          maximum epochs\n"))
        let quiet = try CLITests.ser(["run", folder + "/p.md", "--progress", "none", "--out", folder + "/out", "--cache", folder + "/cache"])
        #expect(quiet.status == 0 && !quiet.stdout.contains("cell 1/1"))
        let plain = try CLITests.ser(["run", folder + "/p.md", "--out", folder + "/out", "--cache", folder + "/cache"])
        #expect(plain.stdout.contains("p: cell 1/1 [one] …\np: cell 1/1 [one] ok "))
        // The executed notebook records where figures went: beside it, not figures/.
        #expect(try String(contentsOfFile: folder + "/out/p.md", encoding: .utf8).contains("\"figures\":\"\(folder)/out/p\""))
    }

    /// `ser figures` hands --epochs, --patience and --seeds to the study notebooks that declare them, refuses a
    /// negative patience, and names the paper figures a run did not make.
    @Test func figuresPassesEpochsPatienceAndSeedsToTheNotebooks() throws {
        let folder = try Self.folder()
        try FileManager.default.createDirectory(atPath: folder + "/notebooks", withIntermediateDirectories: true)
        try """
            ```ser parameters
            epochs: int = 200
            patience: int = 20
            seeds: [int] = [1, 2, 3]
            ```

            ```ser {#knobs}
            show [epochs, patience, seeds]
            ```
            """.write(toFile: folder + "/notebooks/01-knobs.md", atomically: true, encoding: .utf8)
        let refused = try CLITests.ser(["figures", "--patience=-1"])
        #expect(refused.status != 0 && refused.stderr.contains("--patience must be 0 (never stop early) or more, got -1"),
                "stderr: \(refused.stderr)")
        let child = try Child(["figures", "--epochs", "7", "--patience", "3", "--seeds", "2", "--cache", folder + "/cache"], in: folder)
        #expect(child.finish() == 1, "only one of the study's notebooks is here: the figures are missing")
        #expect(child.stderr.contains("missing: fig1-*.png"), "stderr: \(child.stderr)")
        let executed = try String(contentsOfFile: folder + "/build/notebooks/01-knobs.md", encoding: .utf8)
        #expect(executed.contains(#""parameters":{"epochs":7,"patience":3,"seeds":[1,2]}"#), "executed notebook: \(executed)")
    }
}
