import Audio
import Testing
@testable import Language

@Suite struct ValueCoderTests {
    static let values: [Value] = [
        .number(2.5, .seconds), .string("héllo \"x\""),
        .list([.number(1), .string("a"), .list([])]),
        Value(.signal(SignalValue(name: "f1/a.wav", signal: Signal(samples: [0, -1, 0.5, .leastNonzeroMagnitude], sampleRate: 22050),
                                  attributes: ["emotion": "gio", "speaker": "f1"])), hash: ContentHash(of: "sig")),
        Value(.table(Table(title: "t", columns: ["a", "b"], rows: [["1", "x"], ["2", "y"]])), hash: ContentHash(of: "t")),
        Value(.figure(FigureValue(path: "f.png", kind: "mel", title: "Mel")), hash: ContentHash(of: "f")),
    ]

    @Test(arguments: values)
    func roundTrips(value: Value) throws {
        let bytes = try ValueCoder.encode(value)
        let back = try ValueCoder.decode(bytes)
        #expect(back.hash == value.hash)
        #expect(try ValueCoder.encode(back) == bytes)
        #expect(back.summary == value.summary)
    }

    @Test func truncatedOrCorruptBytesThrow() throws {
        let bytes = try ValueCoder.encode(ValueCoderTests.values[3])
        for cut in [0, 3, 5, 6, 40, bytes.count - 1] {
            #expect(throws: ValueCoder.Failure.self) { try ValueCoder.decode(Array(bytes[..<cut])) }
        }
        var bad = bytes
        bad[5] = 0xEE
        #expect(throws: ValueCoder.Failure.self) { try ValueCoder.decode(bad) }
        #expect(throws: ValueCoder.Failure.self) { try ValueCoder.decode(bytes + [0]) }
    }
}

@Suite struct ValueCoderFormatTests {
    /// The type tags are part of the cache format: pinned, so reordering `ValueType` cannot change them.
    @Test func typeTagsArePinned() {
        let tags: [ValueType: UInt8] = [.corpus: 1, .signal: 2, .features: 3, .split: 4, .model: 5, .run: 6, .report: 7,
                                        .figure: 8, .table: 9, .number: 10, .string: 11, .list: 12]
        #expect(tags.count == ValueType.allCases.count)
        for type in ValueType.allCases { #expect(type.tag == tags[type], "\(type)") }
        #expect(ValueCoder.magic == Array("SERV".utf8) + [ValueCoder.formatVersion])
    }
}
