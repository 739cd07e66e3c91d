import CPNG
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An 8-bit RGBA raster: `width × height` pixels, row-major, 4 bytes a pixel, no padding.
public struct RGBAImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// `width * height * 4` bytes: R, G, B, A per pixel.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 4, "RGBAImage: \(pixels.count) bytes for \(width)×\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A blank image filled with one colour.
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8, UInt8) = (255, 255, 255, 255)) {
        self.width = width
        self.height = height
        var px = [UInt8](repeating: 0, count: width * height * 4)
        for i in stride(from: 0, to: px.count, by: 4) {
            px[i] = fill.0; px[i + 1] = fill.1; px[i + 2] = fill.2; px[i + 3] = fill.3
        }
        pixels = px
    }

    /// True when every pixel's alpha is 255.
    public var isOpaque: Bool {
        pixels.withUnsafeBufferPointer { p in
            var i = 3
            while i < p.count { if p[i] != 255 { return false }; i += 4 }
            return true
        }
    }

    /// The pixels without alpha: `width * height * 3` bytes, R, G, B.
    func rgbBytes() -> [UInt8] {
        let n = width * height
        return [UInt8](unsafeUninitializedCapacity: n * 3) { out, count in
            pixels.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    out[3 * i] = p[4 * i]; out[3 * i + 1] = p[4 * i + 1]; out[3 * i + 2] = p[4 * i + 2]
                }
            }
            count = n * 3
        }
    }

    /// The pixel at column `x`, row `y` (row 0 at the top) as (R, G, B, A).
    public func pixel(_ x: Int, _ y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        let i = (y * width + x) * 4
        return (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3])
    }
}

/// A failure reading or writing a PNG file.
public struct PNGError: ModuleError {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// PNG files through libpng's simplified API (`png_image`).
public enum PNG {
    /// Writes an RGBA image atomically (temporary file + rename).
    ///
    /// An image whose pixels are all opaque is stored as RGB (a quarter smaller); reading it back gives the
    /// same RGBA pixels. `fast` trades file size for speed (libpng's `PNG_IMAGE_FLAG_FAST`); default `false`.
    ///
    /// Wraps `png_image_write_to_file`.
    public static func write(_ image: RGBAImage, to path: String, fast: Bool = false) throws(PNGError) {
        var png = png_image()
        png.version = SER_PNG_IMAGE_VERSION
        png.width = png_uint_32(image.width)
        png.height = png_uint_32(image.height)
        png.flags = fast ? SER_PNG_IMAGE_FLAG_FAST : 0
        let temporary = AtomicFile.temporaryPath(for: path)
        let ok: Int32
        if image.isOpaque {
            png.format = SER_PNG_FORMAT_RGB
            let rgb = image.rgbBytes()
            ok = rgb.withUnsafeBytes { bytes in
                png_image_write_to_file(&png, temporary, 0, bytes.baseAddress, png_int_32(image.width * 3), nil)
            }
        } else {
            png.format = SER_PNG_FORMAT_RGBA
            ok = image.pixels.withUnsafeBytes { bytes in
                png_image_write_to_file(&png, temporary, 0, bytes.baseAddress, png_int_32(image.width * 4), nil)
            }
        }
        if ok == 0 || ser_png_image_failed(&png) != 0 {
            let message = withUnsafeBytes(of: png.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            png_image_free(&png)
            AtomicFile.remove(temporary)
            throw PNGError(path: path, message: "cannot write PNG: \(message)")
        }
        do { try AtomicFile.commit(temporary, to: path) } catch {
            throw PNGError(path: path, message: error.message)
        }
    }

    /// Decodes a PNG held in memory into 8-bit single-channel (gray) pixels, `width * height` bytes.
    ///
    /// Wraps `png_image_begin_read_from_memory` and `png_image_finish_read`; `name` labels errors.
    static func decodeGray(_ data: [UInt8], name: String) throws(PNGError) -> (width: Int, height: Int, pixels: [UInt8]) {
        var png = png_image()
        png.version = SER_PNG_IMAGE_VERSION
        let begun = data.withUnsafeBytes { png_image_begin_read_from_memory(&png, $0.baseAddress, $0.count) }
        guard begun != 0 else {
            let message = withUnsafeBytes(of: png.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            png_image_free(&png)
            throw PNGError(path: name, message: "cannot read PNG: \(message)")
        }
        png.format = SER_PNG_FORMAT_GRAY
        let width = Int(png.width), height = Int(png.height)
        var pixels = [UInt8](repeating: 0, count: width * height)
        let ok = pixels.withUnsafeMutableBytes { bytes in
            png_image_finish_read(&png, nil, bytes.baseAddress, png_int_32(width), nil)
        }
        guard ok != 0 else {
            let message = withUnsafeBytes(of: png.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            png_image_free(&png)
            throw PNGError(path: name, message: "cannot decode PNG: \(message)")
        }
        return (width, height, pixels)
    }

    /// Reads any PNG as 8-bit RGBA.
    ///
    /// Wraps `png_image_begin_read_from_file` and `png_image_finish_read`.
    public static func read(_ path: String) throws(PNGError) -> RGBAImage {
        var png = png_image()
        png.version = SER_PNG_IMAGE_VERSION
        guard png_image_begin_read_from_file(&png, path) != 0 else {
            let message = withUnsafeBytes(of: png.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            png_image_free(&png)
            throw PNGError(path: path, message: "cannot read PNG: \(message)")
        }
        png.format = SER_PNG_FORMAT_RGBA
        let width = Int(png.width), height = Int(png.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        let ok = pixels.withUnsafeMutableBytes { bytes in
            png_image_finish_read(&png, nil, bytes.baseAddress, png_int_32(width * 4), nil)
        }
        guard ok != 0 else {
            let message = withUnsafeBytes(of: png.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            png_image_free(&png)
            throw PNGError(path: path, message: "cannot decode PNG: \(message)")
        }
        return RGBAImage(width: width, height: height, pixels: pixels)
    }
}
