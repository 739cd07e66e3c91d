import Audio
import Support
import Foundation
import Learn
import Testing
@testable import Language

/// Issue 12: statements a hostile user can type. Each must give a diagnostic and leave the session usable,
/// never overflow the stack, trip a precondition or abort in the allocator.
@Suite struct LanguageHostileInputTests {
    func diagnostic(_ source: String, in session: Session = Session()) -> Diagnostic? {
        do {
            _ = try session.execute(source, file: "t")
            return nil
        } catch {
            return error
        }
    }

    /// Item 2: 5 000 member accesses or 10 000 indexes overflowed the interpreter's stack.
    @Test func longMemberChainsAndIndexChainsAreNestingErrors() {
        let members = "x = a" + String(repeating: ".a", count: 5000)
        #expect(diagnostic(members)?.message.contains("nested too deeply") == true)
        let indexes = "x = a" + String(repeating: "[0]", count: 10000)
        #expect(diagnostic(indexes)?.message.contains("nested too deeply") == true)
        let mixed = "x = a" + String(repeating: "[b.c", count: 3000) + String(repeating: "]", count: 3000)
        #expect(diagnostic(mixed)?.message.contains("nested too deeply") == true)
        let lists = "x = " + String(repeating: "[", count: 10000) + String(repeating: "]", count: 10000)
        #expect(diagnostic(lists)?.message.contains("nested too deeply") == true)
    }

    @Test func shortChainsStillWork() throws {
        let session = Session()
        _ = try session.execute("a = [[1, 2], [3, [4, 5]]]", file: "t")
        #expect(try session.execute("a[1][1][0]", file: "t").text == "4")
    }

    /// Item 3: `features x sets=[]` tripped a precondition.
    @Test func emptyListsAreDiagnostics() throws {
        let session = Session()
        _ = try session.execute("x = [1]", file: "t")
        let d = diagnostic("f = features x sets=[]", in: session)
        #expect(d?.message == "'sets' of 'features' needs at least one item, given an empty list")
        let merge = diagnostic("m = merge []", in: session)
        #expect(merge?.message.contains("needs at least one item") == true)
        let e = diagnostic("e = []\nm = merge e", in: session)
        #expect(e?.message.contains("needs at least one item") == true)
    }

    @Test func denseMayBeEmpty() throws {
        let session = Session()
        let out = try session.execute("net = model cnn1d classes=3 dense=[]", file: "t")
        #expect(out.bound == ["net"])
    }

    /// Item 4: sizes that reach an allocation are range-checked with a message.
    @Test func hugeLayersAreRefusedByValue() {
        let dense = diagnostic(#"net = model custom layers=[flatten(), dense(1000000000000, activation="softmax")]"#)
        #expect(dense?.message.contains("needs a whole number units") == true)
        let wide = diagnostic(#"net = model custom layers=[flatten(), dense(900000000, activation="softmax")]"#)
        #expect(wide?.message.contains("is too large: at most 16777216 values per row") == true)
        let tall = diagnostic(#"net = model custom input=1000000 layers=[conv1d(4096, 1000), flatten(), dense(2)]"#)
        #expect(tall?.message.contains("at most") == true)
        let huge = diagnostic("x = 1e400")
        #expect(huge != nil)
    }

    @Test func absurdDurationsAreRefused() throws {
        let session = Session()
        let d = diagnostic("x = [1]\nf = features x window=1e300s", in: session)
        #expect(d?.message.contains("at most 1000000 s") == true)
        // A hop of a few samples ran a whole window's STFT per sample (no end in sight): refused by value.
        let hop = diagnostic("x = [1]\nf = features x hop=1ms", in: session)
        #expect(hop?.message == "hop must be between 0.01 and 3600 seconds (got 0.001)", "\(hop?.message ?? "")")
    }

    /// A cache entry nesting lists without end is refused, not followed down the stack.
    @Test func deeplyNestedValueBytesAreRefused() throws {
        var bytes = ValueCoder.magic
        let listTag = ValueType.list.tag
        for _ in 0..<100_000 {
            bytes.append(listTag)
            bytes += [UInt8](repeating: 0, count: 32)
            bytes += [1, 0, 0, 0, 0, 0, 0, 0]
        }
        #expect(throws: ValueCoder.Failure.self) { try ValueCoder.decode(bytes) }
    }

    /// A script path that is a FIFO or a device is refused before it is read (it blocked, or read forever).
    @Test func scriptsAreReadOnlyFromRegularFiles() throws {
        let fifo = NSTemporaryDirectory() + "ser-script-fifo-\(UUID().uuidString)"
        #expect(mkfifo(fifo, 0o644) == 0)
        defer { unlink(fifo) }
        let pipe = #expect(throws: ScriptFile.Failure.self) { try ScriptFile.read(fifo) }
        #expect(pipe?.description == "\(fifo): is a FIFO (named pipe), not a script")
        let device = #expect(throws: ScriptFile.Failure.self) { try ScriptFile.read("/dev/zero") }
        #expect(device?.description == "/dev/zero: is a character device, not a script")
    }

    /// Misleading messages: a non-UTF-8 script said only "cannot read"; a BOM showed in diagnostics.
    @Test func scriptTextIsUTF8WithoutItsByteOrderMark() throws {
        let bad: [UInt8] = Array("x = 1\ny = \"caf".utf8) + [0xE9] + Array("\"\n".utf8)
        let error = #expect(throws: ScriptFile.Failure.self) { try ScriptFile.text(bad, name: "s.ser") }
        #expect(error?.description == "s.ser:2:9: not UTF-8 text (byte 0xE9); save the file as UTF-8")
        let text = try ScriptFile.text([0xEF, 0xBB, 0xBF] + Array("x = 1".utf8), name: "bom.ser")
        #expect(text == "x = 1")
        #expect(try ScriptFile.text(Array("é ok".utf8), name: "u.ser") == "é ok")
    }

    /// A scratch folder holding a WAV of `seconds` at `rate` Hz whose sample `i` is `value(i)`.
    func wav(_ name: String, seconds: Double, rate: Int = 8000, value: (Int) -> Float = { Float(0.3 * sin(Double($0) * 0.07)) }) throws -> String {
        let dir = NSTemporaryDirectory() + "ser-hostile-language-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = "\(dir)/\(name)"
        let samples = (0..<Int(seconds * Double(rate))).map(value)
        try SoundFile.write(Signal(samples: samples, sampleRate: rate), to: path, encoding: .wavFloat)
        return path
    }

    /// Item 15: augment and plot hold whole-file transforms, so files longer than 600 s are refused by their
    /// header with their length (before decoding), and nothing is written.
    @Test func augmentAndPlotRefuseFilesLongerThanTenMinutes() throws {
        let long = try wav("long.wav", seconds: longestWholeFileSeconds + 1, rate: 1000)
        let out = Files.parentFolder(long)
        let expected = "\(long): 601.0 s long; this command takes at most 600.0 s (cut the file first)"
        var job = AugmentJob(files: [long], out: out + "/aug")
        job.options.recipe = "custom"
        job.options.noise = 0.1
        let augment = #expect(throws: VerbFailure.self) { try job.run(cancellation: Cancellation()) }
        #expect(augment?.message == expected)
        #expect(Files.entries(out + "/aug")?.isEmpty ?? true)
        for view in SignalView.allCases {
            let plot = #expect(throws: VerbFailure.self) { try SignalPlot(view: view).plotFile(long, sampleRate: 22050, to: out + "/p.png") }
            #expect(plot?.message == expected, "\(view)")
        }
        let model = out + "/m.safetensors"
        try PredictTests.model().save(to: model)
        let emotions = #expect(throws: VerbFailure.self) {
            try EmotionsPlot.plotFile(long, model: model, above: "waveform", title: nil, width: nil, height: nil, scale: 1, to: out + "/p.png")
        }
        #expect(emotions?.message == expected)
        #expect(!Files.exists(out + "/p.png"))
        // 600 s exactly is taken.
        let limit = try wav("limit.wav", seconds: longestWholeFileSeconds, rate: 1000)
        #expect(try SignalPlot(view: .waveform).plotFile(limit, sampleRate: 1000, to: out + "/w.png") == (800, 300))
    }

    /// Misleading messages: plot on NaN audio omitted the file; `plot mel` drew NaN frames black and exited 0
    /// while `plot chroma` refused. Every view refuses non-finite samples with the file (or signal) and the
    /// sample, as features and augment do.
    @Test func plotOnNaNAudioNamesTheFileAndTheSample() throws {
        let nan = try wav("nan.wav", seconds: 1, rate: 22050) { $0 == 11025 ? .nan : 0.1 }
        let png = Files.parentFolder(nan) + "/nan.png"
        for view in SignalView.allCases {
            let error = #expect(throws: VerbFailure.self) { try SignalPlot(view: view).plotFile(nan, sampleRate: 22050, to: png) }
            #expect(error?.message == "\(nan): sample 11025 (0.5 s) is nan; audio must be finite", "\(view)")
        }
        #expect(!Files.exists(png))
    }

    /// `plot mel` (and every view) on a signal in memory with an infinite sample: the same rule, naming the
    /// signal; the session survives.
    @Test func plotMelOnANonFiniteSignalIsRefused() throws {
        var samples = (0..<22050).map { Float(0.3 * sin(Double($0) * 0.07)) }
        samples[2205] = -.infinity
        let signal = Signal(samples: samples, sampleRate: 22050)
        for view in SignalView.allCases {
            let error = #expect(throws: VerbFailure.self) { try SignalPlot(view: view).draw(signal, name: "x") }
            #expect(error?.message == "x: sample 2205 (0.1 s) is -inf; audio must be finite", "\(view)")
        }
    }
}
