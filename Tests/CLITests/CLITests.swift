#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// End-to-end tests of the `ser` executable's subcommands, run as a user runs them: a small demo corpus →
/// features → train → evaluate, plus plot and augment, and their error paths (message and exit status).
@Suite(.serialized) struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The built `ser` (`.build/debug/ser`, beside the test bundle).
    static let serPath: String = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("ser").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return "ser"
    }()

    /// Runs `ser arguments…` with stdin closed, in a pipe (no TTY: no progress output expected), with
    /// `environment` added to this process's environment.
    static func ser(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: serPath)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting, so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
    }

    static let work: String = {
        let d = NSTemporaryDirectory() + "ser-cli-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    /// `.npy` header → shape, and the float32 payload.
    static func readNPY(_ path: String) throws -> (shape: [Int], values: [Float]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let bytes = [UInt8](data)
        #expect(Array(bytes[0..<6]) == [0x93] + Array("NUMPY".utf8))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.contains("'descr': '<f4'"))
        let shapeText = header.split(separator: "(")[1].split(separator: ")")[0]
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let payload = bytes[(10 + headerLength)...]
        let values = payload.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return (shape, values)
    }

    @Test func versionAndHelp() throws {
        let version = try Self.ser(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.split(separator: ".").count == 3)
        let help = try Self.ser(["--help"])
        for sub in ["features", "augment", "demo", "train", "evaluate", "plot"] {
            #expect(help.stdout.contains(sub), "ser --help lists \(sub)")
        }
    }

    /// The examples of `ser run --help` name cells that the shipped notebooks have (a user copies them first).
    @Test func runHelpExamplesNameCellsTheNotebooksHave() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let help = try Self.ser(["run", "--help"])
        #expect(help.status == 0)
        var checked = 0
        for line in help.stdout.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard let notebook = words.first(where: { $0.hasPrefix("notebooks/") && $0.hasSuffix(".md") && !$0.contains("*") }),
                  let option = words.firstIndex(where: { $0 == "--only" || $0 == "--from" }), option + 1 < words.count else { continue }
            let text = try String(contentsOfFile: repository + "/" + notebook, encoding: .utf8)
            let cell = words[option + 1]
            #expect(text.contains("```ser {#\(cell)}") || text.contains("```ser {#\(cell) "), "\(line): \(notebook) has no cell '\(cell)'")
            checked += 1
        }
        #expect(checked > 0)
    }

    /// The study's pipeline from the command line on the small demo EMOVO corpus.
    @Test func demoFeaturesTrainEvaluate() throws {
        let corpus = "\(Self.work)/emovo"
        let demo = try Self.ser(["demo", "emovo", "--size", "small", "--seed", "3", "--out", corpus])
        #expect(demo.status == 0, "\(demo.stderr)")
        let wavs = FileManager.default.enumerator(atPath: corpus)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".wav") }
        #expect(wavs.count >= 14)
        // EMOVO naming: <spk>/<emo>-<spk>-<sent>.wav
        for wav in wavs {
            let parts = wav.split(separator: "/")
            #expect(parts.count == 2)
            let fields = parts[1].dropLast(4).split(separator: "-")
            #expect(fields.count == 3 && fields[1] == parts[0], "\(wav)")
            #expect(["dis", "gio", "neu", "pau", "rab", "sor", "tri"].contains(String(fields[0])), "\(wav)")
        }

        let prefix = "\(Self.work)/feats"
        let features = try Self.ser(["features", corpus, "--out", prefix, "--threads", "2"])
        #expect(features.status == 0, "\(features.stderr)")
        #expect(!features.stderr.contains("\r"), "no progress bar in a pipe")
        let (shape, values) = try Self.readNPY(prefix + ".npy")
        #expect(shape.count == 2 && shape[1] == 160)
        #expect(values.count == shape[0] * 160)
        #expect(values.allSatisfy { $0.isFinite })
        let csv = try String(contentsOfFile: prefix + ".csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == shape[0] + 1)
        let header = csv[0].split(separator: ",").map(String.init)
        for column in ["index", "file", "window", "start_s", "end_s", "corpus", "speaker", "emotion"] {
            #expect(header.contains(column), "CSV column \(column)")
        }

        let model = "\(Self.work)/model.safetensors"
        let train = try Self.ser(["train", "--features", prefix, "--label", "emotion", "--epochs", "4",
                                  "--patience", "0", "--seed", "1", "--out", model, "--json"])
        #expect(train.status == 0, "\(train.stderr)")
        let last = try #require(train.stdout.split(separator: "\n").last)
        let result = try #require(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        for key in ["test_accuracy", "test_uar", "epochs", "seconds_per_epoch", "train_rows", "test_rows"] {
            #expect(result[key] != nil, "JSON has \(key)")
        }
        #expect(result["epochs"] as? Int == 4)
        #expect(FileManager.default.fileExists(atPath: model))

        // Same seed → same model file, byte for byte.
        let model2 = "\(Self.work)/model2.safetensors"
        let again = try Self.ser(["train", "--features", prefix, "--label", "emotion", "--epochs", "4",
                                  "--patience", "0", "--seed", "1", "--out", model2])
        #expect(again.status == 0, "\(again.stderr)")
        let a = try Data(contentsOf: URL(fileURLWithPath: model)), b = try Data(contentsOf: URL(fileURLWithPath: model2))
        // The JSON header may hold timings; the tensor data after it (the weights) must be identical.
        func tensorData(_ d: Data) -> Data {
            let n = d.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            return d.dropFirst(8 + n)
        }
        #expect(tensorData(a) == tensorData(b))
        #expect(!tensorData(a).isEmpty)
        // On one core (no products shared by a team): the same weights again.
        let model3 = "\(Self.work)/model3.safetensors"
        let oneCore = try Self.ser(["train", "--features", prefix, "--label", "emotion", "--epochs", "4",
                                    "--patience", "0", "--seed", "1", "--cores", "1", "--out", model3])
        #expect(oneCore.status == 0, "\(oneCore.stderr)")
        #expect(tensorData(try Data(contentsOf: URL(fileURLWithPath: model3))) == tensorData(a))
        let noCore = try Self.ser(["train", "--features", prefix, "--label", "emotion", "--cores", "0"])
        #expect(noCore.status != 0)
        #expect(noCore.stderr.contains("--cores must be 1…256, given 0"), "\(noCore.stderr)")

        let evaluate = try Self.ser(["evaluate", model, "--features", prefix, "--label", "emotion", "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let evalLast = try #require(evaluate.stdout.split(separator: "\n").last)
        let evalResult = try #require(JSONSerialization.jsonObject(with: Data(evalLast.utf8)) as? [String: Any])
        let accuracy = try #require(evalResult["test_accuracy"] as? Double ?? evalResult["accuracy"] as? Double)
        #expect(accuracy >= 0 && accuracy <= 1)

        // A corrupt model file is a clear error naming the file.
        let broken = "\(Self.work)/broken.safetensors"
        try Data(a.prefix(40)).write(to: URL(fileURLWithPath: broken))
        let bad = try Self.ser(["evaluate", broken, "--features", prefix, "--label", "emotion"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("broken.safetensors"))
    }

    @Test func featuresOnMissingPathNamesIt() throws {
        let run = try Self.ser(["features", "\(Self.work)/no-such-folder", "--out", "\(Self.work)/x"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("no-such-folder"))
        #expect(!FileManager.default.fileExists(atPath: "\(Self.work)/x.npy"))
    }

    @Test func featuresSkipBadGoesOn() throws {
        let dir = "\(Self.work)/mixed"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // A 3 s float WAV written by ser itself (augment of a generated tone is overkill: use plot's input path).
        let tone = "\(dir)/a-tone.wav"
        try Self.writeTone(tone, seconds: 3)
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: "\(dir)/b-bad.wav"))
        let strict = try Self.ser(["features", dir, "--out", "\(Self.work)/mixed-strict"])
        #expect(strict.status != 0)
        #expect(strict.stderr.contains("b-bad.wav"))
        let lenient = try Self.ser(["features", dir, "--out", "\(Self.work)/mixed-skip", "--skip-bad"])
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stderr.contains("b-bad.wav"))
        let (shape, _) = try Self.readNPY("\(Self.work)/mixed-skip.npy")
        #expect(shape == [1, 160])   // 3 s → one 2-s window; the trailing second is dropped
    }

    @Test func augmentWritesEachTransformAndRejectsBadValues() throws {
        let tone = "\(Self.work)/aug-tone.wav"
        try Self.writeTone(tone, seconds: 1)
        let out = "\(Self.work)/aug"
        let run = try Self.ser(["augment", tone, "--noise", "0.035", "--stretch", "0.8", "--pitch", "0.7",
                                "--combine", "--seed", "2", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out))
        for name in ["aug-tone.noise.wav", "aug-tone.stretch.wav", "aug-tone.pitch.wav", "aug-tone.stretch+pitch.wav"] {
            #expect(names.contains(name), "\(name) written")
        }
        let zero = try Self.ser(["augment", tone, "--stretch", "0", "--out", out])
        #expect(zero.status != 0)
        #expect(zero.stderr.contains("0"))
        let absurd = try Self.ser(["augment", tone, "--pitch", "30", "--out", out])
        #expect(absurd.status != 0)
        #expect(absurd.stderr.contains("30"))
    }

    @Test func plotWritesAPNGAndNamesAMissingFile() throws {
        let tone = "\(Self.work)/plot-tone.wav"
        try Self.writeTone(tone, seconds: 1)
        let png = "\(Self.work)/mel.png"
        let run = try Self.ser(["plot", "mel", tone, "--out", png])
        #expect(run.status == 0, "\(run.stderr)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)).prefix(8))
        #expect(bytes == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let missing = try Self.ser(["plot", "mel", "\(Self.work)/nope.wav", "--out", "\(Self.work)/nope.png"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("nope.wav"))
        #expect(!FileManager.default.fileExists(atPath: "\(Self.work)/nope.png"))
    }

    @Test func unknownSubcommandFails() throws {
        let run = try Self.ser(["featurs"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("featurs"))
    }

    /// A 16-bit mono 22.05 kHz WAV holding a 440 Hz tone, written by hand (RIFF header + samples).
    static func writeTone(_ path: String, seconds: Double) throws {
        let rate = 22050, n = Int(seconds * Double(rate))
        var data = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8)); u32(UInt32(36 + 2 * n)); data.append(contentsOf: Array("WAVE".utf8))
        data.append(contentsOf: Array("fmt ".utf8)); u32(16); u16(1); u16(1); u32(UInt32(rate)); u32(UInt32(2 * rate)); u16(2); u16(16)
        data.append(contentsOf: Array("data".utf8)); u32(UInt32(2 * n))
        for i in 0..<n {
            let v = Int16(0.5 * 32767 * sin(2 * Double.pi * 440 * Double(i) / Double(rate)))
            u16(UInt16(bitPattern: v))
        }
        try data.write(to: URL(fileURLWithPath: path))
    }
}
