import Audio
import Foundation
import Testing
@testable import Language

@Suite struct InterpreterTests {
    func tempDir() -> String {
        let dir = NSTemporaryDirectory() + "ser-lang-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func bindsValuesAndShowsThem() throws {
        let session = Session()
        let out = try session.execute("a = 3\nb = [a, 2s, \"x\"]\nb.count\nb[-1]", file: "t")
        // An unnamed result is `_` (the last one: b[-1]).
        #expect(session.order == ["a", "b", "_"])
        #expect(out.bound == ["a", "b"])
        #expect(out.text == "a = 3\n\nb = list of 3\n\n3\n\n\"x\"")
        #expect(out.statements == 4)
        try session.execute("c = _", file: "t")
        if case .string(let s) = session.values["c"]?.payload { #expect(s == "x") } else { Issue.record("c is not the string x") }
    }

    @Test func statementDependenciesComeFromTheSourceAlone() throws {
        let session = Session()
        let deps = try session.dependencies(of: "seed 3\nemovo = demo emovo size=small\nf = features emovo window=w \\\n  hop=2s\nplot mel f[0] to \"x.png\"", file: "t", firstLine: 10)
        #expect(deps.map(\.defines) == [nil, "emovo", "f", nil])
        #expect(deps.map(\.changesSettings) == [true, false, false, false])
        // A family's kind (`demo emovo`, `plot mel`) is not a value it reads.
        #expect(deps[1].uses == ["small"])
        #expect(deps[2].uses == ["emovo", "w"])
        #expect(deps[3].uses == ["f"])
        #expect(deps[2].line == 12 && deps[2].text == "f = features emovo window=w \\\n  hop=2s")
    }

    @Test func failingStatementKeepsSessionAndEarlierOutput() {
        let session = Session()
        let (out, error) = session.executePartial("a = 1\nb = nope\nc = 2", file: "cell", firstLine: 10)
        #expect(out.bound == ["a"])
        #expect(error?.position == "cell:11:5")
        #expect(session.values["b"] == nil && session.values["c"] == nil)
        #expect(session.values["a"] != nil)
    }

    @Test func seedAndThreads() throws {
        let session = Session()
        #expect(try session.execute("seed 42", file: "t").text == "seed = 42")
        #expect(session.seed == 42)
        try session.execute("threads 3", file: "t")
        #expect(session.threads == 3)
        #expect(throws: Diagnostic.self) { try session.execute("threads 0", file: "t") }
        session.reset()
        #expect(session.seed == 1 && session.order.isEmpty)
    }

    @Test func helpListsVerbsAndShowsOne() throws {
        let session = Session()
        let all = try session.execute("help", file: "t").text
        for family in session.registry.families { #expect(all.contains("| \(family)")) }
        let one = try session.execute("help seed", file: "t").text
        #expect(one.contains("`seed [VALUE]`"))
        #expect(one.contains("seed 42"))
        let family = try session.execute("help load", file: "t").text
        #expect(family.contains("load audio PATH"))
        #expect(throws: Diagnostic.self) { try session.execute("help trian", file: "t") }
    }

    /// Every example in every verb's help parses, and names only declared options.
    @Test func everyExampleParsesAgainstItsVerb() throws {
        let registry = Session().registry
        for verb in registry.verbs {
            #expect(!verb.summary.isEmpty && !verb.examples.isEmpty, "\(verb.name)")
            for p in verb.parameters { #expect(!p.doc.isEmpty, "\(verb.name) \(p.name)") }
            for example in verb.examples {
                let statements = try Parser.parse(SourceFile(name: verb.name, text: example))
                #expect(statements.count == 1, "\(example)")
                for arg in statements[0].arguments {
                    if let label = arg.label {
                        #expect(verb.parameters.contains { $0.name == label.name }, "\(example): \(label.name)")
                    }
                }
            }
        }
    }

    @Test func loadAudioShowAndExport() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let samples = (0..<22050).map { Float(sin(Double($0) * 0.05) * 0.5) }
        try SoundFile.write(Signal(samples: samples, sampleRate: 22050), to: dir + "/a.wav", encoding: .wavFloat)
        let session = Session()
        let out = try session.execute("""
            x = load audio "\(dir)/a.wav"
            show x
            x.duration
            export x to "\(dir)/out/b.wav"
            """, file: "t")
        #expect(out.text.contains("x = signal \(dir)/a.wav: 1 s at 22050 Hz (22050 samples)"))
        #expect(out.text.contains("| sample rate | 22050 Hz"))
        #expect(out.text.contains("1 s"))
        let back = try Audio.load(dir + "/out/b.wav", sampleRate: nil)
        #expect(back.samples == samples)
        #expect(throws: Diagnostic.self) { try session.execute("export x to \"\(dir)/b.mp3\"", file: "t") }
    }

    @Test func tableWritesMarkdownAndCSV() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = Session()
        let out = try session.execute("a = 1; b = \"two\"\nt = table [a, b] names=[\"first\", \"second, quoted\"] to \"\(dir)/t.md\"", file: "t")
        #expect(out.text.contains("wrote \(dir)/t.md and \(dir)/t.csv"))
        let csv = try String(contentsOfFile: dir + "/t.csv", encoding: .utf8)
        #expect(csv == "name,type,value\nfirst,number,1\n\"second, quoted\",string,\"\"\"two\"\"\"\n")
        let md = try String(contentsOfFile: dir + "/t.md", encoding: .utf8)
        #expect(md.hasPrefix("| name "))
        #expect(throws: Diagnostic.self) { try session.execute("table [a, b] names=[\"x\"]", file: "t") }
    }

    @Test func hashesDependOnRecipe() throws {
        let session = Session()
        try session.execute("a = 3; b = 3; c = 4; l = [a, c]; m = [b, c]", file: "t")
        #expect(session.values["a"]!.hash == session.values["b"]!.hash)
        #expect(session.values["a"]!.hash != session.values["c"]!.hash)
        #expect(session.values["l"]!.hash == session.values["m"]!.hash)
        #expect(ContentHash(of: "abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentHash(of: "").hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ContentHash(of: String(repeating: "a", count: 1000)).hex == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func cancelledVerbReportsAndKeepsSession() throws {
        let cancellation = Cancellation()
        var registry = VerbRegistry.standard
        registry.add(Verb("spin", summary: "test", parameters: [], examples: ["spin"], result: .number) { call in
            while true { try call.checkCancelled(); call.session.cancellation.request() }
        })
        let session = Session(registry: registry, cancellation: cancellation)
        try session.execute("a = 1", file: "t")
        #expect(throws: Diagnostic.self) { try session.execute("b = spin", file: "t") }
        do { try session.execute("b = spin", file: "t") } catch { #expect(error.message == "'spin' cancelled (Ctrl-C)") }
        #expect(session.order == ["a"])
    }

    @Test func cachedVerbIsServedFromCacheWithSameKey() throws {
        let counter = Counter()
        var registry = VerbRegistry.standard
        registry.add(Verb("slow", summary: "test", parameters: [Parameter("n", .number, positional: true, doc: "n")],
                          examples: ["slow 1"], result: .number, cached: true, seeded: true) { call in
            counter.count += 1
            return call.make(.number(call.number("n") * 2, .none))
        })
        let cache = MemoryCache()
        let session = Session(registry: registry, cache: cache)
        try session.execute("a = slow 2; b = slow 2", file: "t")
        #expect(counter.count == 1)
        #expect(cache.hits == 1 && cache.misses == 1)
        #expect(session.values["a"]!.hash == session.values["b"]!.hash)
        try session.execute("seed 5; c = slow 2; d = slow 3", file: "t")
        #expect(counter.count == 3)
        #expect(session.values["c"]!.hash != session.values["a"]!.hash)
        if case .number(let v, _) = session.values["d"]!.payload { #expect(v == 6) } else { Issue.record("d") }
    }

    /// Training cut short by Ctrl-C returns its best weights so far: the session keeps that value, but the cache
    /// must not serve it later as what the full recipe makes.
    @Test func resultCutShortByCtrlCIsNotCached() throws {
        let counter = Counter()
        let cancellation = Cancellation()
        var registry = VerbRegistry.standard
        registry.add(Verb("partial", summary: "test", parameters: [Parameter("n", .number, positional: true, doc: "n")],
                          examples: ["partial 1"], result: .number, cached: true) { call in
            counter.count += 1
            if counter.count == 1 { call.session.cancellation.request() }
            return call.make(.number(Double(counter.count), .none))
        })
        let cache = MemoryCache()
        let session = Session(registry: registry, cache: cache, cancellation: cancellation)
        try session.execute("a = partial 2", file: "t")
        #expect(session.order == ["a"])
        cancellation.clear()
        try session.execute("b = partial 2; c = partial 2", file: "t")
        #expect(counter.count == 2)
        if case .number(let v, _) = session.values["b"]!.payload { #expect(v == 2) } else { Issue.record("b") }
        #expect(session.values["c"]!.hash == session.values["b"]!.hash && session.cachedNames.contains("c"))
        #expect(!session.cachedNames.contains("b"))
    }

    final class Counter: @unchecked Sendable { var count = 0 }
}
