import Foundation
import Testing

/// A damaged cache entry (its payload no longer matches its checksum) is said once on stderr, naming the
/// entry (and, in a notebook, the notebook and the cell), recomputed, and replaced: the next run is quiet.
@Suite(.serialized) struct CacheDamageCLITests {
    /// Flips a byte inside the payload of every entry of `cache`; returns the entries' paths.
    static func damageEveryEntry(in cache: String) throws -> [String] {
        let entries = try FileManager.default.subpathsOfDirectory(atPath: cache).map { cache + "/" + $0 }
            .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && !d.boolValue }
        for path in entries {
            var bytes = try #require(FileManager.default.contents(atPath: path))
            bytes[bytes.count - 2] ^= 0x40
            try bytes.write(to: URL(fileURLWithPath: path))
        }
        return entries
    }

    @Test func execSaysADamagedEntryOnceOnStderrAndReplacesIt() throws {
        let folder = try HeadlessCLITests.folder()
        let wav = try ParityTests.tone("damage-exec", frequency: 300)
        let cache = folder + "/cache"
        let source = "a = load audio \"\(wav)\"; f = features a window=0.4s hop=0.4s; show f"
        let first = try CLITests.ser(["exec", source, "--cache", cache])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stderr.contains("warning"))
        let entries = try Self.damageEveryEntry(in: cache)
        #expect(!entries.isEmpty)

        let second = try CLITests.ser(["exec", source, "--cache", cache])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == first.stdout, "the same output, recomputed")
        #expect(!second.stdout.contains("warning"), "said on stderr, not in the results")
        for entry in entries {
            let line = "warning: \(entry): damaged cache entry (payload checksum mismatch); recomputed and replaced\n"
            #expect(second.stderr.components(separatedBy: line).count == 2, "once: \(entry) in \(second.stderr)")
        }

        let third = try CLITests.ser(["exec", source, "--cache", cache])
        #expect(third.status == 0 && third.stderr.isEmpty, "the entries were replaced: \(third.stderr)")
    }

    @Test func runNamesTheNotebookAndTheCellOnStderrAndKeepsTheWarningInTheExecutedNotebook() throws {
        let folder = try HeadlessCLITests.folder()
        let wav = try ParityTests.tone("damage-run", frequency: 320)
        let cache = folder + "/cache", notebook = folder + "/d.md"
        try """
            # Damage

            ```ser {#load}
            a = load audio "\(wav)"
            ```

            ```ser {#feats}
            f = features a window=0.4s hop=0.4s
            show f
            ```
            """.write(toFile: notebook, atomically: true, encoding: .utf8)
        let arguments = ["run", notebook, "--out", folder + "/out", "--cache", cache, "--progress", "none"]
        let first = try CLITests.ser(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        let entries = try Self.damageEveryEntry(in: cache)

        let second = try CLITests.ser(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        let executed = try String(contentsOfFile: folder + "/out/d.md", encoding: .utf8)
        for entry in entries {
            let warning = "warning: \(entry): damaged cache entry (payload checksum mismatch); recomputed and replaced"
            #expect(second.stderr.components(separatedBy: "\(notebook):7: cell 2 [feats]: " + warning + "\n").count == 2,
                    "once, with the notebook and the cell: \(second.stderr)")
            #expect(executed.contains(warning), "the executed notebook keeps it beside the cell")
        }

        let third = try CLITests.ser(arguments)
        #expect(third.status == 0 && !third.stderr.contains("warning"), "replaced: \(third.stderr)")
    }
}
