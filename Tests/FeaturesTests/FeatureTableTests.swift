@testable import Features
import Foundation
import Support
import Testing

@Suite struct FeatureTableTests {
    let dir: String = {
        let d = NSTemporaryDirectory() + "ser-features-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    func sample() -> FeatureTable {
        var table = FeatureTable(width: 3)
        table.append([1, 2.5, -3], FeatureRow(file: "f1/a.wav", window: 0, start: 0, end: 2,
                                              attributes: ["speaker": "f1", "emotion": "joy", "note": "has, comma \"and\" quotes"]))
        table.append([4, 5, 6e-20], FeatureRow(file: "b c.wav", window: 1, start: 2, end: 3.25,
                                               attributes: ["augmentation": "none", "speaker": "m2"]))
        return table
    }

    @Test func roundTripsThroughNpyAndCsv() throws {
        let table = sample()
        #expect(table.attributeNames == ["speaker", "emotion", "augmentation", "note"])
        try table.write(prefix: "\(dir)/t")
        let back = try FeatureTable.read(prefix: "\(dir)/t")
        #expect(back == table)
        let csv = try String(contentsOfFile: "\(dir)/t.csv", encoding: .utf8)
        #expect(csv == """
        index,file,window,start_s,end_s,speaker,emotion,augmentation,note
        0,f1/a.wav,0,0.0,2.0,f1,joy,,"has, comma ""and"" quotes"
        1,b c.wav,1,2.0,3.25,m2,,none,

        """)
        // No temporary files are left beside the outputs.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["t.csv", "t.npy"])
    }

    @Test func npyHeaderIsNumpys() throws {
        try sample().write(prefix: "\(dir)/h")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(dir)/h.npy")))
        #expect(bytes.count == 128 + 2 * 3 * 4)
        #expect(Array(bytes[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        #expect(Int(bytes[8]) | Int(bytes[9]) << 8 == 118)
        let header = String(decoding: bytes[10..<128], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(header.hasSuffix(" \n"))
        #expect(Float(bitPattern: UInt32(bytes[128]) | UInt32(bytes[129]) << 8 | UInt32(bytes[130]) << 16 | UInt32(bytes[131]) << 24) == 1)
    }

    @Test func streamingWriterLeavesNothingWhenAbandoned() throws {
        do {
            let writer = try FeatureTableWriter(prefix: "\(dir)/s", width: 2)
            try writer.append([1, 2], FeatureRow(file: "x.wav", window: 0, start: 0, end: 2))
            #expect(throws: FeaturesError.self) { try writer.append([1, .nan], FeatureRow(file: "y.wav", window: 0, start: 0, end: 2)) }
            #expect(throws: FeaturesError.self) {
                try writer.append([1, 2], FeatureRow(file: "y.wav", window: 0, start: 0, end: 2, attributes: ["emotion": "x"]))
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        let empty = try FeatureTableWriter(prefix: "\(dir)/e", width: 160)
        try empty.finish()
        let back = try FeatureTable.read(prefix: "\(dir)/e")
        #expect(back.count == 0 && back.width == 160)
    }

    @Test func badFilesAreNamedWithTheLine() throws {
        try sample().write(prefix: "\(dir)/b")
        // A CSV row with a missing field.
        var csv = try String(contentsOfFile: "\(dir)/b.csv", encoding: .utf8)
        csv = csv.replacingOccurrences(of: "1,b c.wav,1,2.0,3.25,m2,,none,", with: "1,b c.wav,1,2.0,3.25,m2,none,")
        try csv.write(toFile: "\(dir)/b.csv", atomically: true, encoding: .utf8)
        let error = #expect(throws: FeaturesError.self) { try FeatureTable.read(prefix: "\(dir)/b") }
        #expect(error?.line == 3)
        #expect(error?.description.hasPrefix("\(dir)/b.csv:3:") == true)
        // A truncated .npy.
        try sample().write(prefix: "\(dir)/c")
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/c.npy"))
        try data.prefix(data.count - 3).write(to: URL(fileURLWithPath: "\(dir)/c.npy"))
        let truncated = #expect(throws: FeaturesError.self) { try FeatureTable.read(prefix: "\(dir)/c") }
        #expect(truncated?.path == "\(dir)/c.npy")
        #expect(truncated?.message.contains("truncated") == true)
    }
}

@Suite struct WindowingTests {
    @Test func cutsLikeTheStudy() {
        let w = Windowing()
        #expect(w.ranges(sampleCount: 22050 * 5, sampleRate: 22050) == [0..<44100, 44100..<88200])
        #expect(w.ranges(sampleCount: 44100, sampleRate: 22050) == [0..<44100])
        #expect(w.ranges(sampleCount: 30000, sampleRate: 22050) == [0..<30000])
        #expect(w.ranges(sampleCount: 0, sampleRate: 22050) == [])
        let overlapping = Windowing(length: 2, hop: 0.5)
        #expect(overlapping.ranges(sampleCount: 3 * 22050, sampleRate: 22050).map(\.lowerBound) == [0, 11025, 22050])
    }

    /// The one-STFT fast path gives what the full matrices give, window by window.
    @Test func extractorAgreesWithFullMatrices() {
        var state: UInt64 = 7
        let x = (0..<(22050 * 2)).map { i -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Float(Int64(bitPattern: state >> 11) % 1000) / 20000
            return Float(0.3 * sin(2 * Double.pi * 311.1 * Double(i) / 22050)) + noise
        }
        let v = FeatureExtractor().vector(x[...])
        #expect(v.count == 160)
        let mel = Spectral.melSpectrogram(x).rowMeans()
        let mfcc = Spectral.mfcc(x).rowMeans()
        let chroma = Spectral.chroma(x).rowMeans()
        #expect(Fixture.relativeError(v[0..<128], mel) < 1e-6)
        #expect(Fixture.relativeError(v[128..<148], mfcc) < 1e-5)
        #expect(Fixture.relativeError(v[148..<160], chroma) < 1e-6)
        // The tone's pitch class dominates: 311.1 Hz is D#4 (chroma row 3, rows start at C).
        #expect(chroma.indices.max { chroma[$0] < chroma[$1] } == 3)
    }

    @Test func silenceGivesFiniteFeatures() {
        let v = FeatureExtractor().vector([Float](repeating: 0, count: 22050)[...])
        #expect(v.allSatisfy { $0.isFinite })
        #expect(v[0..<128].allSatisfy { $0 == 0 })
        #expect(v[148..<160].allSatisfy { $0 == 0 })
    }
}
