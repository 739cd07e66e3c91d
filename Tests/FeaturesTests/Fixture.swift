import Foundation

/// The librosa fixtures written by scripts/fixtures/features.py (Tests/FeaturesTests/Fixtures).
enum Fixture {
    static let directory: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    /// The manifest, fixtures.json.
    static var manifest: [String: Any] {
        let data = try! Data(contentsOf: directory.appendingPathComponent("fixtures.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// The cases listed under `key` in the manifest.
    static func cases(_ key: String) -> [[String: Any]] { manifest[key] as! [[String: Any]] }

    /// A flat little-endian float32 file.
    static func floats(_ name: String) -> [Float] {
        let data = try! Data(contentsOf: directory.appendingPathComponent(name))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    /// Relative L2 error ‖a − b‖ / ‖b‖ (absolute L2 when ‖b‖ is 0), in double precision.
    static func relativeError(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Double {
        precondition(a.count == b.count, "relativeError: \(a.count) vs \(b.count) values")
        var diff = 0.0, norm = 0.0
        for (x, y) in zip(a, b) {
            diff += (Double(x) - Double(y)) * (Double(x) - Double(y))
            norm += Double(y) * Double(y)
        }
        return norm > 0 ? (diff / norm).squareRoot() : diff.squareRoot()
    }

    static func maxAbsDifference(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Float {
        precondition(a.count == b.count, "maxAbsDifference: \(a.count) vs \(b.count) values")
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }
}
