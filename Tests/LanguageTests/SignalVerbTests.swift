import Audio
import Features
import Foundation
import Testing
@testable import Language

/// features, augment and plot on real signals written to a temporary folder.
@Suite(.serialized) struct SignalVerbTests {
    static func setup() throws -> (Session, String) {
        let dir = NSTemporaryDirectory() + "ser-signal-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, seconds, hz) in [("a", 4.2, 220.0), ("b", 1.5, 330.0)] {
            let n = Int(seconds * 22050)
            let samples = (0..<n).map { i -> Float in
                let t = Double(i) / 22050
                return Float(0.4 * sin(2 * .pi * hz * t) + 0.2 * sin(2 * .pi * hz * 2.01 * t) * (1 + sin(3 * t)))
            }
            try SoundFile.write(Signal(samples: samples, sampleRate: 22050), to: "\(dir)/\(name).wav", encoding: .wavFloat)
        }
        let session = Session()
        try session.execute("a = load audio \"\(dir)/a.wav\"\nb = load audio \"\(dir)/b.wav\"", file: "setup")
        return (session, dir)
    }

    /// `load recordings`: the list's hash follows each file (a recording rewritten in place, which leaves the
    /// folder's own time alone, changes it), so a `predict` shown from the cache is never stale.
    @Test func loadRecordingsHashFollowsEachFile() throws {
        let (_, dir) = try SignalVerbTests.setup()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let none = ContentHash(of: "")
        func hashes() throws -> (ContentHash, ContentHash) {
            let session = Session()
            try session.execute("r = load recordings \"\(dir)\"", file: "t")
            guard let r = session.values["r"], case .list(let items) = r.payload, items.count == 2 else {
                Issue.record("two recordings expected")
                return (none, none)
            }
            return (r.hash, items[1].hash)
        }
        let (list, second) = try hashes()
        #expect(try hashes() == (list, second))
        // Rewrite b.wav in place (same name, same folder entry), one sample louder.
        let handle = try #require(FileHandle(forUpdatingAtPath: "\(dir)/b.wav"))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size - 4)
        try handle.write(contentsOf: Data([0, 0, 0, 0x3f]))
        try handle.close()
        let (list2, second2) = try hashes()
        #expect(list2 != list && second2 != second)
    }

    @Test func featuresWindowsAndSets() throws {
        let (session, dir) = try SignalVerbTests.setup()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try session.execute("f = features [a, b] window=1s hop=500ms\nm = features [a, b] window=1s hop=500ms sets=[mfcc]", file: "t")
        guard case .features(let f) = session.values["f"]!.payload, case .features(let m) = session.values["m"]!.payload,
              case .signal(let a) = session.values["a"]!.payload else { Issue.record("missing values"); return }
        #expect(f.count == 7 + 2 && f.width == 160 && m.width == 20)
        #expect(f.rows[0].file == "\(dir)/a.wav" && f.rows[7].file == "\(dir)/b.wav" && f.rows[8].window == 1)
        #expect(f.rows[1].start == 0.5 && f.rows[1].end == 1.5)
        // Row 1 is FeatureExtractor's vector of a[0.5 s, 1.5 s); the mfcc-only table holds its columns 128..<148.
        let expected = FeatureExtractor().vector(a.signal.samples[11025..<33075])
        #expect(Array(f.vector(1)) == expected)
        #expect(Array(m.vector(1)) == Array(expected[128..<148]))
        // Same result on one thread.
        try session.execute("threads 1\nf1 = features [a, b] window=1s hop=500ms", file: "t")
        guard case .features(let f1) = session.values["f1"]!.payload else { Issue.record("f1"); return }
        #expect(f1 == f)
        for (text, message) in [
            ("x = features a window=0s", "'window' of 'features' must be a positive duration, given the number 0s"),
            ("x = features a window=2", "'window' of 'features' expects a duration like 2s or 500ms, given the number 2"),
            ("x = features a sets=[mel, mel]", "'mel' is listed twice"),
            ("x = features a sets=[mell]", "'sets' of 'features' expects one of mel, mfcc, chroma, given 'mell'; did you mean 'mel'?"),
        ] {
            do { try session.execute(text, file: "t"); Issue.record("no error: \(text)") } catch { #expect(error.message == message) }
        }
    }

    @Test func featuresWithStudyAugmentationAndRateCheck() throws {
        let (session, dir) = try SignalVerbTests.setup()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try session.execute("f = features b window=1s augment=study seed=2", file: "t")
        guard case .features(let f) = session.values["f"]!.payload else { Issue.record("features"); return }
        // 8 signals (original + 7 copies); the 0.8-rate stretches last 1.875 s → 1 window each, like the others.
        #expect(f.count == 8)
        #expect(Set(f.rows.map(\.file)) == ["\(dir)/b.wav"])
        #expect(f.rows.map { $0.attributes["augmentation"] ?? "" } == ["none", "noise", "stretch", "pitch", "noise+stretch", "noise+pitch", "stretch+pitch", "noise+stretch+pitch"])
        try session.execute("lo = load audio \"\(dir)/b.wav\" rate=16kHz", file: "t")
        do { try session.execute("x = features [b, lo]", file: "t"); Issue.record("no error") } catch {
            #expect(error.message == "\(dir)/b.wav is at 16000 Hz; features need 22050 Hz (load audio rate=22050Hz)")
            #expect(error.column == 14)
        }
    }

    @Test func augmentStudyAndCustom() throws {
        let (session, dir) = try SignalVerbTests.setup()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try session.execute("s = augment b seed=3\nc = augment [a, b] custom noise=0.02 originals=false\nshow s", file: "t")
        #expect(out.text.contains("8 signals from 1 originals"))
        guard case .list(let items) = session.values["s"]!.payload, case .list(let custom) = session.values["c"]!.payload else {
            Issue.record("lists"); return
        }
        #expect(items.count == 8 && custom.count == 2)
        let names = items.compactMap { v -> String? in if case .signal(let s) = v.payload { s.attributes["augmentation"] } else { nil } }
        #expect(names == ["none", "noise", "stretch", "pitch", "noise+stretch", "noise+pitch", "stretch+pitch", "noise+stretch+pitch"])
        if case .signal(let st) = items[2].payload { #expect(st.signal.samples.count == Int((1.5 * 22050 / 0.8).rounded())) }
        // Same seed → same noise; another seed → other noise.
        try session.execute("s2 = augment b seed=3\ns3 = augment b seed=4", file: "t")
        func noise(_ n: String) -> [Float] {
            guard case .list(let l) = session.values[n]!.payload, case .signal(let s) = l[1].payload else { return [] }
            return s.signal.samples
        }
        #expect(noise("s") == noise("s2") && noise("s") != noise("s3"))
        do { try session.execute("x = augment b noise=0.1", file: "t"); Issue.record("no error") } catch {
            #expect(error.message == "'noise' is for a custom recipe: write 'augment … custom noise=…'")
        }
        do { try session.execute("x = augment b custom", file: "t"); Issue.record("no error") } catch {
            #expect(error.message == "a custom recipe needs noise=, snr=, stretch= or pitch=")
        }
        // Augmented signals make feature rows carrying their provenance.
        try session.execute("f = features s window=1s", file: "t")
        guard case .features(let f) = session.values["f"]!.payload else { Issue.record("features"); return }
        #expect(Set(f.rows.map { $0.attributes["source"] ?? "" }) == ["\(dir)/b.wav"])
        #expect(f.attributeNames.contains("augment_params"))
    }

    @Test func everySignalFigure() throws {
        let (session, dir) = try SignalVerbTests.setup()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let kinds = ["waveform", "spectrogram", "mel", "mfcc", "chroma", "features"]
        let script = kinds.map { "plot \($0) a to \"\(dir)/fig/\($0).png\"" }.joined(separator: "\n")
        let out = try session.execute(script, file: "t")
        #expect(out.figures == kinds.map { "\(dir)/fig/\($0).png" })
        for path in out.figures {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(path)")
            #expect(bytes.count > 2000, "\(path)")
        }
        do { try session.execute("plot mel a to \"\(dir)/x.jpg\"", file: "t"); Issue.record("no error") } catch {
            #expect(error.message == "figures are written as .png")
        }
        do { try session.execute("plot mell a to \"\(dir)/x.png\"", file: "t"); Issue.record("no error") } catch {
            #expect(error.message.hasPrefix("unknown kind 'mell' for 'plot'; did you mean 'mel'?"))
        }
    }
}
