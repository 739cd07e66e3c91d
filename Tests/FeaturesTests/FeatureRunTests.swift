import Audio
import Foundation
import Testing
@testable import Features

@Suite struct FeatureRunTests {
    let dir: String = {
        let d = NSTemporaryDirectory() + "ser-run-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    /// Files of different lengths (so threads finish out of order) at 16 kHz.
    func makeFiles(_ n: Int) throws -> [FeatureRun.Item] {
        try (0..<n).map { i in
            let seconds = 0.5 + Double((i * 7) % 5) * 0.6
            let x = (0..<Int(seconds * 16000)).map { Float(0.4 * sin(2 * Double.pi * Double(200 + 37 * i) * Double($0) / 16000)) }
            let path = "\(dir)/f\(i).wav"
            try SoundFile.write(Signal(samples: x, sampleRate: 16000), to: path, encoding: .wav16)
            return FeatureRun.Item(source: .file(path), name: "f\(i).wav", attributes: ["speaker": "s\(i % 3)"])
        }
    }

    /// `blocks` keeps those columns of the full vector, in the order given; the recipe says so; `write` streams
    /// the same rows.
    @Test func blocksKeepTheirColumnsInOrder() throws {
        let items = try makeFiles(3)
        let (full, _) = try FeatureRun(threads: 2).table(items)
        var run = FeatureRun(threads: 2)
        run.blocks = [.chroma, .mel]
        let (picked, _) = try run.table(items)
        #expect(picked.width == 12 + 128 && picked.rows == full.rows)
        #expect(picked.recipe?.blocks == [.chroma, .mel])
        for r in 0..<full.rows.count {
            let row = Array(full.values[(r * 160)..<((r + 1) * 160)])
            #expect(Array(picked.values[(r * 140)..<((r + 1) * 140)]) == Array(row[148..<160] + row[0..<128]))
        }
        let prefix = dir + "/picked"
        _ = try run.write(items, to: prefix)
        #expect(try FeatureTable.read(prefix: prefix).values == picked.values)
    }

    /// `derived` signals follow their item's rows, named like it, with their own attributes (as the verb's
    /// `augment=study` copies); `write` names the columns they add.
    @Test func derivedSignalsFollowTheirItem() throws {
        let items = try makeFiles(2)
        var run = FeatureRun(threads: 2)
        run.derived = { signal, item in
            FeatureRun.Derived(original: item.attributes.merging(["augmentation": "none"]) { $1 },
                               copies: [(Signal(samples: signal.samples.map { $0 * 0.5 }, sampleRate: signal.sampleRate),
                                         item.attributes.merging(["augmentation": "half"]) { $1 })])
        }
        run.derivedAttributeNames = ["augmentation"]
        let (table, _) = try run.table(items)
        let (plain, _) = try FeatureRun(threads: 2).table(items)
        #expect(table.rows.count == 2 * plain.rows.count)
        let first = table.rows.filter { $0.file == items[0].name }
        #expect(first.map { $0.attributes["augmentation"] } == first.indices.map { $0 < first.count / 2 ? "none" : "half" })
        #expect(first.allSatisfy { $0.attributes["speaker"] == "s0" })
        #expect(table.rows.prefix(first.count).elementsEqual(first))
        let prefix = dir + "/derived"
        _ = try run.write(items, to: prefix)
        let back = try FeatureTable.read(prefix: prefix)
        #expect(back.values == table.values && back.rows.map { $0.attributes["augmentation"] } == table.rows.map { $0.attributes["augmentation"] })
    }

    @Test func threadsGiveTheSameTableInInputOrder() throws {
        let items = try makeFiles(9)
        let (one, report1) = try FeatureRun(threads: 1).table(items)
        let (three, report3) = try FeatureRun(threads: 3).table(items)
        #expect(one == three)
        #expect(report1.threads == 1 && report3.threads == 3)
        #expect(one.rows.map(\.file) == one.rows.map(\.file).sorted { Int($0.dropFirst().prefix { $0 != "." })! < Int($1.dropFirst().prefix { $0 != "." })! })
        #expect(Set(one.rows.map(\.file)).count == 9)
        #expect(one.rows.allSatisfy { $0.attributes["speaker"] != nil })
        // Each file's windows: 2 s each, the trailing piece dropped, a short file whole.
        for (i, item) in items.enumerated() {
            let seconds = 0.5 + Double((i * 7) % 5) * 0.6
            let rows = one.rows.filter { $0.file == item.name }
            #expect(rows.count == max(1, Int(seconds / 2)))
            #expect(rows.first?.start == 0)
        }
        // Streaming to disk gives the same table back.
        let report = try FeatureRun(threads: 2).write(items, to: "\(dir)/feats")
        #expect(report.windows == one.count)
        #expect(try FeatureTable.read(prefix: "\(dir)/feats") == one)
    }

    @Test func badFilesStopTheRunOrAreSkipped() throws {
        var items = try makeFiles(4)
        let bad = "\(dir)/bad.wav"
        _ = FileManager.default.createFile(atPath: bad, contents: Data("not audio".utf8))
        items.insert(FeatureRun.Item(source: .file(bad), name: "bad.wav"), at: 2)
        let failure = #expect(throws: FeatureRun.Failure.self) { try FeatureRun(threads: 2).write(items, to: "\(dir)/stop") }
        #expect(failure?.name == "bad.wav")
        #expect(failure?.message.hasPrefix(bad) == true)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/stop.npy"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.contains("stop") })
        let report = try FeatureRun(threads: 2, skipBad: true).write(items, to: "\(dir)/skip")
        #expect(report.failures.map(\.name) == ["bad.wav"])
        let table = try FeatureTable.read(prefix: "\(dir)/skip")
        #expect(!table.rows.contains { $0.file == "bad.wav" })
        #expect(Set(table.rows.map(\.file)).count == 4)
    }

    @Test func nonFiniteAudioIsAFailureNotANaN() throws {
        var x = [Float](repeating: 0.1, count: 22050)
        x[100] = .nan
        let items = [FeatureRun.Item(source: .signal(Signal(samples: x, sampleRate: 22050)), name: "nan")]
        let failure = #expect(throws: FeatureRun.Failure.self) { try FeatureRun().table(items) }
        #expect(failure?.message == "nan: sample 100 (0.0 s) is nan; audio must be finite")
    }

    @Test func signalsAtOtherRatesAreResampled() throws {
        let x = (0..<32000).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16000)) }
        let fromSignal = try FeatureRun().table([FeatureRun.Item(source: .signal(Signal(samples: x, sampleRate: 16000)), name: "s")]).table
        let path = "\(dir)/s.wav"
        try SoundFile.write(Signal(samples: x, sampleRate: 16000), to: path, encoding: .wavFloat)
        let fromFile = try FeatureRun().table([FeatureRun.Item(source: .file(path), name: "s")]).table
        #expect(fromSignal.values == fromFile.values)
    }
}
