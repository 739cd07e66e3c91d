import FuzzSupport
import Testing
@testable import Language
import Support

/// The lexer and parser never crash or hang: random and mutated inputs either parse or fail with a
/// diagnostic whose position lies inside the input. `make fuzz` runs many more (SER_FUZZ_COUNT).
@Suite struct FuzzTests {
    static let seeds = [
        #"emovo = demo emovo size=small"#,
        #"feats = features emovo window=2s hop=500ms"#,
        #"s = split feats naive train=70% test=20% val=10% seed=1"#,
        #"fit = train net s epochs=200 patience=20 batch=32 lr=1e-3"#,
        #"plot mel emovo["f1/rab-f1-b1.wav"] to "figures/mel.png" title="EMOVO \"mel\"""#,
        #"net = model custom layers=[conv1d(64, 5, activation="relu"), maxpool(2), dense(7)]"#,
        "r = evaluate fit s.test; show r # comment",
        "x = [1, 2,\n 3] \\\n  y=-2.5e+3kHz",
        "table [r1, r2] names=['a', 'b'] to \"t.md\"",
    ]

    static let fragments = ["=", " ", "\n", "\\", "\\\n", ";", "#", "[", "]", "(", ")", ",", ".", "-", "\"", "'",
                            "%", "2s", "1e", "1e-3", "500ms", "70%", "kHz", "x", "a.b", "c[\"k\"]", "to", "f(", "“",
                            "\t", "é", "\u{0}", "99999999999999999999999999", "1.2.3", "\r\n", "..."]

    static let mutations: [Mutation] = [
        .remove(.all), .insertBytes(upTo: 1, .all), .setByte(.all, ascii: true), .insertFragment(fragments, .all),
        .splice(seeds.map { Array($0.utf8) }),
    ]

    static func random(_ rng: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<rng.index(below: 12) {
            out += Array(fragments[rng.index(below: fragments.count)].utf8)
        }
        return out
    }

    @Test func lexerAndParserSurviveRandomAndMutatedInput() throws {
        let count = Fuzz.count(ci: 100_000)
        var i = 0
        let (parsed, rejected) = Fuzz.run(seed: 20_261_124, count: count) { rng in
            i += 1
            let bytes = i % 2 == 1 ? FuzzTests.random(&rng)
                : Fuzz.mutate(Array(FuzzTests.seeds[rng.below(FuzzTests.seeds.count)].utf8), &rng, with: FuzzTests.mutations)
            let text = String(decoding: bytes, as: UTF8.self)
            let source = SourceFile(name: "fuzz", text: text)
            _ = needsMoreInput(text)
            do throws(Diagnostic) {
                _ = try Parser.parse(source)
                return true
            } catch {
                let lines = text.utf8.filter { $0 == UInt8(ascii: "\n") }.count + 1
                #expect(error.line >= 1 && error.line <= lines && error.column >= 1 && !error.description.isEmpty,
                        "bad diagnostic position \(error.line):\(error.column) for \(text.debugDescription)")
                return false
            }
        }
        // Both outcomes must be exercised, or the generator is broken.
        #expect(parsed > count / 20)
        #expect(rejected > count / 20)
    }
}
