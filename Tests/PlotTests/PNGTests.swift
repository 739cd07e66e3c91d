import Foundation
import Testing
@testable import Plot

@Suite struct PNGTests {
    @Test func rgbaRoundTripIsIdentical() throws {
        let w = 37, h = 23
        var px = [UInt8](repeating: 0, count: w * h * 4)
        for y in 0..<h { for x in 0..<w {
            let i = (y * w + x) * 4
            px[i] = UInt8(x * 7 % 256); px[i + 1] = UInt8(y * 11 % 256); px[i + 2] = UInt8((x ^ y) % 256)
            px[i + 3] = UInt8(128 + (x + y) % 128)
        } }
        let image = RGBAImage(width: w, height: h, pixels: px)
        let path = NSTemporaryDirectory() + "ser-png-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PNG.write(image, to: path)
        let back = try PNG.read(path)
        #expect(back == image)
    }

    @Test func unreadableFileIsNamed() {
        let path = NSTemporaryDirectory() + "ser-not-a-png-\(UUID().uuidString).png"
        _ = FileManager.default.createFile(atPath: path, contents: Data("nope".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do { _ = try PNG.read(path); Issue.record("read garbage") } catch {
            #expect(error.description.hasPrefix(path))
        }
    }

    @Test func writeIntoMissingFolderFails() {
        #expect(throws: PNGError.self) {
            try PNG.write(RGBAImage(width: 2, height: 2), to: "/nonexistent-ser-dir/x.png")
        }
    }
}
