import Foundation
import Testing

/// The librosa fixtures made by scripts/fixtures/augment.py.
enum Fixture {
    struct Manifest: Decodable {
        struct File: Decodable {
            var length: Int
            var rate: Double?
            var semitones: Double?
            var source_rate: Double?
            var target_rate: Double?
        }
        var librosa: String
        var sample_rate: Int
        var files: [String: File]
    }

    static func url(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
                     "fixture \(name) missing")
    }

    static func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url("manifest.json")))
    }

    /// A little-endian float32 fixture.
    static func samples(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: url("\(name).f32"))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }
}

/// `‖a − b‖ / ‖b‖` in double precision.
func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    var num = 0.0, den = 0.0
    for i in a.indices {
        let d = Double(a[i]) - Double(b[i])
        num += d * d
        den += Double(b[i]) * Double(b[i])
    }
    return (num / den).squareRoot()
}

/// A sine tone.
func tone(_ frequency: Double, seconds: Double, rate: Int = 22050, amplitude: Double = 0.5) -> [Float] {
    let n = Int(seconds * Double(rate))
    return (0..<n).map { Float(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
}

/// The frequency (Hz, 0.5-Hz resolution) with the most energy within ±`span` Hz of `near`, over the middle
/// half-second of `x` (direct correlation, Hann-weighted).
func peakFrequency(_ x: [Float], rate: Int, near: Double, span: Double = 100) -> Double {
    let n = min(x.count / 2, rate / 2)
    let start = (x.count - n) / 2
    var best = (f: 0.0, p: -1.0)
    for f in stride(from: near - span, through: near + span, by: 0.5) {
        var re = 0.0, im = 0.0
        for i in 0..<n {
            let w = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(n))
            let phase = 2 * Double.pi * f * Double(i) / Double(rate)
            re += w * Double(x[start + i]) * cos(phase)
            im += w * Double(x[start + i]) * sin(phase)
        }
        let p = re * re + im * im
        if p > best.p { best = (f, p) }
    }
    return best.f
}
