import Audio
import Foundation
import Testing
@testable import Features
import Support

/// Issue 12: what a hostile user can give `ser features` and the feature-table reader. Inputs are made here.
@Suite struct FeaturesHostileInputTests {
    let dir: String = {
        let d = NSTemporaryDirectory() + "ser-hostile-features-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    func wav(_ name: String, seconds: Double, rate: Int = 16000, value: (Int) -> Float = { Float(0.3 * sin(Double($0) * 0.07)) }) throws -> String {
        let path = "\(dir)/\(name)"
        try SoundFile.write(Signal(samples: (0..<Int(seconds * Double(rate))).map(value), sampleRate: rate), to: path, encoding: .wavFloat)
        return path
    }

    /// Item 11: a file name holding CR LF was written unquoted ("\r\n" is one Character) and the CSV could
    /// not be read back.
    @Test func namesWithLineBreaksQuotesAndCommasRoundTrip() throws {
        let names = ["a\r\nb.wav", "c\nd.wav", "e\rf.wav", "q\"\u{301}uote.wav", "comma,name.wav", " padded .wav"]
        var table = FeatureTable(width: 2)
        for (i, name) in names.enumerated() {
            table.append([Float(i), 1], FeatureRow(file: name, window: 0, start: 0, end: 2, attributes: ["speaker": name]))
        }
        try table.write(prefix: "\(dir)/names")
        let back = try FeatureTable.read(prefix: "\(dir)/names")
        #expect(back.rows.map(\.file) == names)
        #expect(back.rows.map { $0.attributes["speaker"] } == names)
        #expect(CSV.field("a\r\nb") == "\"a\r\nb\"")
    }

    /// Misleading message: an all-empty label column was "has no column".
    @Test func allEmptyColumnIsStillAColumn() throws {
        var table = FeatureTable(width: 1)
        table.declaredAttributes = ["emotion"]
        table.append([1], FeatureRow(file: "a.wav", window: 0, start: 0, end: 2))
        try table.write(prefix: "\(dir)/empty")
        #expect(try FeatureTable.read(prefix: "\(dir)/empty").attributeNames == ["emotion"])
    }

    @Test func byteOrderMarkIsIgnored() throws {
        var table = FeatureTable(width: 1)
        table.append([1], FeatureRow(file: "a.wav", window: 0, start: 0, end: 2, attributes: ["emotion": "joy"]))
        try table.write(prefix: "\(dir)/bom")
        let csv = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/bom.csv"))
        try (Data([0xEF, 0xBB, 0xBF]) + csv).write(to: URL(fileURLWithPath: "\(dir)/bom.csv"))
        #expect(try FeatureTable.read(prefix: "\(dir)/bom") == table)
    }

    /// Item 8: a .npy holding NaN is refused by file and row.
    @Test func nanInATableIsAnErrorNamingTheRow() throws {
        var table = FeatureTable(width: 3)
        table.append([1, 2, 3], FeatureRow(file: "a.wav", window: 0, start: 0, end: 2))
        table.append([1, 2, 3], FeatureRow(file: "b.wav", window: 1, start: 2, end: 4))
        try table.write(prefix: "\(dir)/nan")
        var values = table.values
        values[4] = .nan
        try NPY.write(values, rows: 2, columns: 3, to: "\(dir)/nan.npy")
        let error = #expect(throws: FeaturesError.self) { try FeatureTable.read(prefix: "\(dir)/nan") }
        #expect(error?.description == "\(dir)/nan.npy: row 1 (b.wav, window 1) column 1 is nan; features must be finite")
    }

    /// Item 8: a NaN WAV fails by file and sample; a loud finite one is not called "NaN or infinite".
    @Test func nanAndLoudAudio() throws {
        let nan = try wav("nan.wav", seconds: 1) { $0 == 8000 ? .nan : 0.1 }
        let run = FeatureRun()
        let e1 = #expect(throws: FeatureRun.Failure.self) { try run.table([FeatureRun.Item(source: .file(nan), name: "nan.wav")]) }
        #expect(e1?.message == "\(nan): sample 8000 (0.5 s) is nan; audio must be finite")
        let loud = try wav("loud.wav", seconds: 1) { Float(1e29 * sin(Double($0) * 0.07)) }
        let e2 = #expect(throws: FeatureRun.Failure.self) { try run.table([FeatureRun.Item(source: .file(loud), name: "loud.wav")]) }
        #expect(e2?.message.contains("overflows float32") == true)
        #expect(e2?.message.contains("NaN or infinite") == false)
    }

    /// Item 10: --skip-bad with every file bad is an error, not a 0-row table.
    @Test func skipBadWithEveryFileBadIsAnError() throws {
        let bad1 = "\(dir)/bad1.wav", bad2 = "\(dir)/bad2.wav"
        _ = FileManager.default.createFile(atPath: bad1, contents: Data("no".utf8))
        _ = FileManager.default.createFile(atPath: bad2, contents: Data("no".utf8))
        let items = [FeatureRun.Item(source: .file(bad1), name: "bad1.wav"), FeatureRun.Item(source: .file(bad2), name: "bad2.wav")]
        let error = #expect(throws: FeatureRun.Failure.self) { try FeatureRun(skipBad: true).write(items, to: "\(dir)/none") }
        #expect(error?.message.hasPrefix("all 2 files failed; nothing to write") == true)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/none.npy"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("tmp-") }.isEmpty)
    }

    /// Item 14: `--out ""` wrote hidden .npy/.csv files; a prefix naming a folder is refused before the work.
    @Test func emptyOrFolderPrefixIsRefusedFirst() throws {
        let e1 = #expect(throws: FeaturesError.self) { try FeatureTableWriter(prefix: "", width: 4) }
        #expect(e1?.message.hasPrefix("the output prefix is empty") == true)
        let e2 = #expect(throws: FeaturesError.self) { try FeatureTableWriter(prefix: dir + "/", width: 4) }
        #expect(e2?.message.contains("ends with '/'") == true)
        try FileManager.default.createDirectory(atPath: "\(dir)/x.npy", withIntermediateDirectories: true)
        let e3 = #expect(throws: FeaturesError.self) { try FeatureTableWriter(prefix: "\(dir)/x", width: 4) }
        #expect(e3?.message == "\(dir)/x.npy: is a folder; give a file name")
        let e4 = #expect(throws: FeaturesError.self) { try FeatureTableWriter(prefix: "\(dir)/missing/folder/x", width: 4) }
        #expect(e4?.message.contains("does not exist") == true)
    }

    /// Item 13: temporary files of a process that died (SIGKILL) are swept by the next writer in that folder.
    @Test func staleTemporaryFilesOfDeadProcessesAreSwept() throws {
        let folder = "\(dir)/sweep"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = child.processIdentifier
        let stale = "\(folder)/.feats.npy.tmp-\(dead)-12345"
        let live = "\(folder)/.feats.npy.tmp-\(getpid())-999"
        let other = "\(folder)/.notes.tmp-abc"
        for path in [stale, live, other] { _ = FileManager.default.createFile(atPath: path, contents: Data("x".utf8)) }
        let writer = try FeatureTableWriter(prefix: "\(folder)/feats", width: 2)
        try writer.finish()
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(left == [".feats.npy.tmp-\(getpid())-999", ".notes.tmp-abc", "feats.csv", "feats.npy"])
        #expect(TemporaryFiles.stalePID(".x.npy.tmp-42-7") == 42)
        #expect(TemporaryFiles.stalePID(".x.npy.tmp-42") == nil)
        #expect(TemporaryFiles.stalePID("x.npy.tmp-42-7") == nil)
    }

    /// A writer's temporary files are registered for removal on a fatal signal until they are renamed.
    @Test func temporaryFilesAreRegisteredUntilCommitted() throws {
        let writer = try FeatureTableWriter(prefix: "\(dir)/reg", width: 2)
        let mine = TemporaryFiles.registered.filter { $0.hasPrefix("\(dir)/.reg.") }
        #expect(mine.count == 2)
        try writer.finish()
        #expect(TemporaryFiles.registered.filter { $0.hasPrefix("\(dir)/.reg.") }.isEmpty)
    }

    /// Item 15: long files are streamed; the rows are the same as from a whole-file load.
    @Test func streamedLongFileGivesTheSameRows() throws {
        // 25 s of stereo at 44.1 kHz: a chirp on the left, noise on the right.
        let path = "\(dir)/long.wav"
        let rate = 44100, n = 25 * rate
        var state: UInt64 = 7
        var x = [Float](repeating: 0, count: 2 * n)
        for i in 0..<n {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            x[2 * i] = Float(0.4 * sin(Double(i) * (0.01 + Double(i) * 1e-7)))
            x[2 * i + 1] = Float(Double(state >> 40) / Double(1 << 24) - 0.5) * 0.2
        }
        try SoundFile.write(SoundFile.Contents(interleaved: x, channels: 2, sampleRate: rate), to: path, encoding: .wavFloat)
        let item = FeatureRun.Item(source: .file(path), name: "long.wav")
        let whole = try FeatureRun(windowing: Windowing(length: 2, hop: 1.5)).table([item]).table
        var streaming = FeatureRun(windowing: Windowing(length: 2, hop: 1.5))
        streaming.streamAbove = 5
        let streamed = try streaming.table([item]).table
        #expect(whole.count == 16)
        #expect(streamed == whole)
    }
}
