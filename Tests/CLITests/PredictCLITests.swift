#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// `ser predict` end to end: files, a folder, standard input as WAV and as raw PCM (written slowly, windows
/// printed before it ends) agree with each other and with the language's `predict`; models that cannot be
/// used are refused.
@Suite(.serialized) struct PredictCLITests {
    static let work: String = {
        let d = NSTemporaryDirectory() + "ser-predict-cli-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    /// A small demo EMOVO corpus, its features and a model trained for a few epochs; and one of its files at
    /// 16 kHz (float WAV, through the language), so every path resamples.
    static let setup: Result<(model: String, wav: String, corpus: String), any Error> = Result {
        let corpus = "\(work)/emovo"
        let demo = try CLITests.ser(["demo", "emovo", "--size", "small", "--seed", "5", "--out", corpus])
        guard demo.status == 0 else { throw Failure(demo.stderr) }
        let features = try CLITests.ser(["features", corpus, "--out", "\(work)/feats"])
        guard features.status == 0 else { throw Failure(features.stderr) }
        let model = "\(work)/m.safetensors"
        let train = try CLITests.ser(["train", "--features", "\(work)/feats", "--label", "emotion", "--epochs", "8", "--patience", "0",
                                      "--split", "grouped", "--seed", "2", "--out", model])
        guard train.status == 0 else { throw Failure(train.stderr) }
        let wav = "\(work)/mine/x16.wav"
        let exec = try CLITests.ser(["exec", "x = load audio \"\(corpus)/f1/rab-f1-l1.wav\" rate=16kHz; export x to \"\(wav)\""])
        guard exec.status == 0 else { throw Failure(exec.stderr) }
        return (model, wav, corpus)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Runs `ser arguments…` feeding `input` to its standard input in pieces of `chunk` bytes, `pause` seconds
    /// apart; `whenFirstLine` runs when the first window line arrives, with the bytes written so far.
    static func serPiped(_ arguments: [String], input: [UInt8], chunk: Int, pause: Double,
                         whenFirstWindow: ((Int) -> Void)? = nil) throws -> CLITests.Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.serPath)
        process.arguments = arguments
        let inPipe = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = inPipe
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let written = LockedCounter()
        let writer = inPipe.fileHandleForWriting
        let data = input
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            var offset = 0
            while offset < data.count {
                let end = min(data.count, offset + chunk)
                writer.write(Data(data[offset..<end]))
                offset = end
                written.set(offset)
                Thread.sleep(forTimeInterval: pause)
            }
            try? writer.close()
            group.leave()
        }
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        var outData = Data()
        var reported = false
        while true {
            let piece = out.fileHandleForReading.availableData
            if piece.isEmpty { break }
            outData.append(piece)
            if !reported, String(decoding: outData, as: UTF8.self).contains("\nwindow,") {
                reported = true
                whenFirstWindow?(written.value)
            }
        }
        group.wait()
        process.waitUntilExit()
        return CLITests.Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                            stderr: String(decoding: errData, as: UTF8.self))
    }

    final class LockedCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func set(_ v: Int) { lock.lock(); n = v; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    }

    /// CSV window rows of `ser predict --csv`: (window, start, end, predicted, probabilities).
    static func windows(_ csv: String) -> [[String]] {
        csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            .filter { $0.first == "window" }.map { Array($0.dropFirst(2)) }
    }

    /// The data chunk of a WAV file.
    static func dataChunk(_ bytes: [UInt8]) -> [UInt8] {
        var i = 12
        while i + 8 <= bytes.count {
            let id = String(decoding: bytes[i..<(i + 4)], as: UTF8.self)
            let size = Int(bytes[i + 4]) | Int(bytes[i + 5]) << 8 | Int(bytes[i + 6]) << 16 | Int(bytes[i + 7]) << 24
            if id == "data" { return Array(bytes[(i + 8)..<min(bytes.count, i + 8 + size)]) }
            i += 8 + size + (size & 1)
        }
        return []
    }

    @Test func filesFolderStdinAndLanguageAgree() throws {
        let (model, wav, _) = try Self.setup.get()
        let file = try CLITests.ser(["predict", model, wav, "--csv"])
        #expect(file.status == 0, "\(file.stderr)")
        #expect(file.stderr.contains("demo corpus"), "a demo-trained model says so")
        let reference = Self.windows(file.stdout)
        // 16 kHz float WAV of a ~4 s file: windows of 2 s.
        #expect(reference.count >= 1)
        for row in reference {
            let p = row[5...].compactMap(Double.init)
            #expect(p.count == 7)
            #expect(abs(p.reduce(0, +) - 1) < 1e-5, "probabilities sum to 1")
            #expect(row[4] == String(p[0]) || Double(row[4]) == p.max())
        }
        // A folder holding it.
        let folder = try CLITests.ser(["predict", model, (wav as NSString).deletingLastPathComponent, "--csv"])
        #expect(folder.status == 0, "\(folder.stderr)")
        #expect(Self.windows(folder.stdout).map { Array($0.dropFirst()) } == reference.map { Array($0.dropFirst()) })

        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: wav)))
        // Standard input: the WAV, then its samples as raw float PCM, written slowly in odd pieces; the first
        // window is out before the input ends.
        let piped = try Self.serPiped(["predict", model, "-", "--csv"], input: bytes, chunk: 20_011, pause: 0.02)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(Self.windows(piped.stdout) == reference)
        var firstAt = -1
        let pcm = Self.dataChunk(bytes)
        let raw = try Self.serPiped(["predict", model, "-", "--raw", "--rate", "16000", "--format", "f32le", "--csv"],
                                    input: pcm, chunk: 8_000, pause: 0.15) { firstAt = $0 }
        #expect(raw.status == 0, "\(raw.stderr)")
        #expect(Self.windows(raw.stdout) == reference)
        #expect(firstAt > 0 && firstAt < pcm.count, "the first window was printed after \(firstAt) of \(pcm.count) bytes")

        // The language: the same recording through `predict` (its table shows 4 decimals).
        let lang = try CLITests.ser(["exec", "net = load model \"\(model)\"; x = load audio \"\(wav)\"; p = predict net x; export p to \"\(Self.work)/lang.csv\""])
        #expect(lang.status == 0, "\(lang.stderr)")
        let rows = try String(contentsOfFile: "\(Self.work)/lang.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").map(String.init) }
        #expect(rows.count == reference.count)
        for (l, c) in zip(rows, reference) {
            #expect(Array(l[1...4]) == [c[0], c[1], c[2], c[3]], "window, start, end, class")
            #expect(Array(l[5...]) == c[5...].map { String(format: "%.4f", Double(Float($0)!)) })
        }
    }

    @Test func infoHumanAndJSON() throws {
        let (model, wav, corpus) = try Self.setup.get()
        let info = try CLITests.ser(["predict", "--info", model])
        #expect(info.status == 0)
        for text in ["synthetic DEMO corpus", "mel128+mfcc20+chroma12", "2 s every 2 s", "grouped", "test accuracy", "seed", "ser version", "Conv1D"] {
            #expect(info.stdout.contains(text), "--info shows \(text)")
        }
        let human = try CLITests.ser(["predict", model, "\(corpus)/f1"])
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.contains("note: this model was trained on a synthetic demo corpus"))
        #expect(human.stdout.contains("→ "))
        #expect(human.stdout.contains("files right"), "a labelled corpus gets a score")
        let json = try CLITests.ser(["predict", model, wav, "--json"])
        let objects = try json.stdout.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.last?["kind"] as? String == "file")
        #expect(objects.last?["demo_model"] as? Bool == true)
        let mean = try #require(objects.last?["probabilities"] as? [String: Double])
        #expect(abs(mean.values.reduce(0, +) - 1) < 1e-5)
    }

    @Test func refusals() throws {
        let (model, wav, _) = try Self.setup.get()
        // An untrained model (no class names).
        let untrained = "\(Self.work)/untrained.safetensors"
        let made = try CLITests.ser(["exec", "net = model cnn1d classes=7; save net to \"\(untrained)\""])
        #expect(made.status == 0, "\(made.stderr)")
        let r1 = try CLITests.ser(["predict", untrained, wav])
        #expect(r1.status == 1)
        #expect(r1.stderr.contains("no class names"))
        // A model trained on another label set (speakers) refuses a corpus labelled with emotions.
        let speakers = "\(Self.work)/speakers.safetensors"
        let ts = try CLITests.ser(["train", "--features", "\(Self.work)/feats", "--label", "speaker", "--epochs", "2", "--patience", "0", "--out", speakers])
        #expect(ts.status == 0, "\(ts.stderr)")
        let r0 = try CLITests.ser(["predict", speakers, "\(Self.work)/emovo"])
        #expect(r0.status == 1)
        #expect(r0.stderr.contains("another label set"), "\(r0.stderr)")
        // A model trained on other features (MFCC + chroma only).
        let two = "\(Self.work)/two.safetensors"
        let t = try CLITests.ser(["exec", """
            e = load emovo "\(Self.work)/emovo"
            f = features e sets=[mfcc, chroma]
            s = split f grouped
            net = model cnn1d classes=7 input=32
            fit = train net s epochs=2 patience=0
            save fit to "\(two)"
            """])
        #expect(t.status == 0, "\(t.stderr)")
        // Its card says mfcc20+chroma12: ser predict computes those, so files work …
        let ok = try CLITests.ser(["predict", two, wav, "--csv"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.split(separator: "\n").first?.hasSuffix("surprise") == true)
        // … but the language refuses the 160-value table for it, naming the features.
        let r2 = try CLITests.ser(["exec", "net = load model \"\(two)\"; f = load features \"\(Self.work)/feats\"; p = predict net f"])
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("features mel128+mfcc20+chroma12, the model mfcc20+chroma12"), "\(r2.stderr)")
        // Bad options and input.
        let r3 = try CLITests.ser(["predict", model, "-", "--raw", "--format", "s12le"])
        #expect(r3.status != 0 && r3.stderr.contains("--format"))
        let r4 = try Self.serPiped(["predict", model, "-"], input: Array("hello, not audio".utf8), chunk: 100, pause: 0)
        #expect(r4.status == 1 && r4.stderr.contains("not a WAV stream"))
    }
}
