#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Plot

/// Shows figures where the user is looking: inline on terminals that draw images — kitty's graphics protocol,
/// iTerm2's inline images (iTerm2, WezTerm), sixel — scaled to the terminal's width; elsewhere an OSC 8
/// hyperlink to the file (terminals without OSC 8 show the plain path).
///
/// Which protocol is found once, at the first figure: `TERM_PROGRAM` names iTerm2 and WezTerm; otherwise the
/// terminal is asked, as kitty's documentation recommends, with a graphics query followed by a primary device
/// attributes request (`ESC _ G i=31,s=1,v=1,a=q,t=d,f=24;AAAA ESC \` `ESC [ c`): a graphics reply before
/// the attributes means kitty's protocol; attribute 4 in the reply means sixel. `SER_IMAGES=kitty|iterm|sixel|none`
/// overrides the answer.
public final class FigureViewer {
    public enum Method: String, Sendable, CaseIterable {
        case kitty, iterm, sixel, none
    }

    /// Whether figures are drawn inline when the terminal can (`:inline on|off`).
    public var inline = true
    /// Every figure shown this session, in order, without repeats.
    public private(set) var shown: [String] = []
    private var detected: Method?
    private let input: Int32, output: Int32

    public init(input: Int32 = 0, output: Int32 = 1) {
        self.input = input
        self.output = output
    }

    /// The method figures are shown with (asks the terminal the first time).
    public var method: Method {
        if let detected { return detected }
        let found = detect()
        detected = found
        return found
    }

    /// Whether figures are links rather than images.
    public var linksOnly: Bool { !inline || method == .none }

    func remember(_ path: String) {
        if !shown.contains(path) { shown.append(path) }
    }

    /// The escape sequences that show the figure at `path`, ending in a newline; a link line when it cannot be
    /// drawn (not a readable PNG, or no image protocol).
    public func render(_ path: String) -> String {
        remember(path)
        let method = linksOnly ? .none : self.method
        guard method != .none, let bytes = FileManager.default.contents(atPath: path).map(Array.init) else {
            return "figure: " + Self.hyperlink(path) + "\n"
        }
        let size = Terminal.size(output)
        let columns = max(20, (size?.columns ?? 80) - 1)
        let cellWidth = size.flatMap { $0.pixelWidth > 0 ? $0.pixelWidth / $0.columns : nil } ?? 10
        let imageWidth = Self.pngWidth(bytes) ?? columns * cellWidth
        let cells = min(columns, max(1, (imageWidth + cellWidth - 1) / cellWidth))
        switch method {
        case .kitty: return Self.kitty(bytes, columns: cells) + "\n"
        case .iterm: return Self.iterm(bytes, name: path, columns: cells) + "\n"
        case .sixel:
            guard let image = try? PNG.read(path) else { return "figure: " + Self.hyperlink(path) + "\n" }
            return Self.sixel(image, maxWidth: cells * cellWidth) + "\n"
        case .none: return "figure: " + Self.hyperlink(path) + "\n"
        }
    }

    // MARK: Protocols

    /// kitty's graphics protocol: transmit and display a PNG (`a=T,f=100`) in base64 chunks of 4096 bytes
    /// (`m=1` on all but the last), `c=` columns wide, replies suppressed (`q=2`).
    public static func kitty(_ png: [UInt8], columns: Int) -> String {
        let encoded = Array(Data(png).base64EncodedString().utf8)
        var out = ""
        var offset = 0
        repeat {
            let end = min(encoded.count, offset + 4096)
            let chunk = String(decoding: encoded[offset..<end], as: UTF8.self)
            let more = end < encoded.count ? 1 : 0
            let keys = offset == 0 ? "a=T,f=100,q=2,c=\(columns),m=\(more)" : "m=\(more)"
            out += "\u{1B}_G\(keys);\(chunk)\u{1B}\\"
            offset = end
        } while offset < encoded.count
        return out
    }

    /// iTerm2's inline image: `ESC ] 1337 ; File=name=…;size=…;width=N;preserveAspectRatio=1;inline=1 : base64 BEL`.
    public static func iterm(_ png: [UInt8], name: String, columns: Int) -> String {
        let encodedName = Data(name.utf8).base64EncodedString()
        return "\u{1B}]1337;File=name=\(encodedName);size=\(png.count);width=\(columns);preserveAspectRatio=1;inline=1:"
            + Data(png).base64EncodedString() + "\u{07}"
    }

    /// Sixel graphics (`ESC P q … ESC \`): the image scaled down to `maxWidth` pixels if wider, its colours
    /// reduced to at most 255 registers (the most frequent of 15-bit colours; each pixel takes the nearest),
    /// run-length encoded band by band.
    public static func sixel(_ image: RGBAImage, maxWidth: Int) -> String {
        let scale = image.width > maxWidth && maxWidth > 0 ? Double(maxWidth) / Double(image.width) : 1
        let width = max(1, Int(Double(image.width) * scale))
        let height = max(1, Int(Double(image.height) * scale))
        // Box-filtered downscale onto white (figures are opaque; alpha is composited anyway).
        var rgb = [UInt8](repeating: 255, count: width * height * 3)
        for y in 0..<height {
            let y0 = Int(Double(y) / scale), y1 = max(y0 + 1, min(image.height, Int(Double(y + 1) / scale)))
            for x in 0..<width {
                let x0 = Int(Double(x) / scale), x1 = max(x0 + 1, min(image.width, Int(Double(x + 1) / scale)))
                var sum = (0, 0, 0), n = 0
                for sy in y0..<y1 {
                    for sx in x0..<x1 {
                        let i = (sy * image.width + sx) * 4
                        let a = Int(image.pixels[i + 3])
                        sum.0 += (Int(image.pixels[i]) * a + 255 * (255 - a)) / 255
                        sum.1 += (Int(image.pixels[i + 1]) * a + 255 * (255 - a)) / 255
                        sum.2 += (Int(image.pixels[i + 2]) * a + 255 * (255 - a)) / 255
                        n += 1
                    }
                }
                let o = (y * width + x) * 3
                rgb[o] = UInt8(sum.0 / n); rgb[o + 1] = UInt8(sum.1 / n); rgb[o + 2] = UInt8(sum.2 / n)
            }
        }
        // Palette: the 255 most frequent 15-bit colours (their mean colour).
        func bin(_ o: Int) -> Int { Int(rgb[o] >> 3) << 10 | Int(rgb[o + 1] >> 3) << 5 | Int(rgb[o + 2] >> 3) }
        var counts = [Int](repeating: 0, count: 32768)
        var sums = [(Int, Int, Int)](repeating: (0, 0, 0), count: 32768)
        for p in 0..<(width * height) {
            let b = bin(p * 3)
            counts[b] += 1
            sums[b].0 += Int(rgb[p * 3]); sums[b].1 += Int(rgb[p * 3 + 1]); sums[b].2 += Int(rgb[p * 3 + 2])
        }
        let used = counts.indices.filter { counts[$0] > 0 }.sorted { counts[$0] > counts[$1] }
        let palette = used.prefix(255).map { b in (sums[b].0 / counts[b], sums[b].1 / counts[b], sums[b].2 / counts[b]) }
        var register = [Int](repeating: -1, count: 32768)
        for (i, b) in used.prefix(255).enumerated() { register[b] = i }
        func nearest(_ b: Int) -> Int {
            if register[b] >= 0 { return register[b] }
            let r = (b >> 10) << 3 + 4, g = ((b >> 5) & 31) << 3 + 4, bl = (b & 31) << 3 + 4
            var best = 0, bestDistance = Int.max
            for (i, c) in palette.enumerated() {
                let d = (c.0 - r) * (c.0 - r) + (c.1 - g) * (c.1 - g) + (c.2 - bl) * (c.2 - bl)
                if d < bestDistance { bestDistance = d; best = i }
            }
            register[b] = best
            return best
        }
        var indices = [Int](repeating: 0, count: width * height)
        for p in 0..<(width * height) { indices[p] = nearest(bin(p * 3)) }

        var out = "\u{1B}Pq\"1;1;\(width);\(height)"
        for (i, c) in palette.enumerated() {
            out += "#\(i);2;\(c.0 * 100 / 255);\(c.1 * 100 / 255);\(c.2 * 100 / 255)"
        }
        var bits = [UInt8](repeating: 0, count: width)
        for band in stride(from: 0, to: height, by: 6) {
            let rows = min(6, height - band)
            var colours: [Int] = []
            var present = Set<Int>()
            for r in 0..<rows {
                for x in 0..<width where present.insert(indices[(band + r) * width + x]).inserted {
                    colours.append(indices[(band + r) * width + x])
                }
            }
            for (k, colour) in colours.enumerated() {
                for x in 0..<width {
                    var v: UInt8 = 0
                    for r in 0..<rows where indices[(band + r) * width + x] == colour { v |= 1 << r }
                    bits[x] = v
                }
                out += "#\(colour)"
                var x = 0
                while x < width {
                    var run = 1
                    while x + run < width, bits[x + run] == bits[x] { run += 1 }
                    let ch = String(UnicodeScalar(63 + bits[x]))
                    out += run > 3 ? "!\(run)\(ch)" : String(repeating: ch, count: run)
                    x += run
                }
                out += k == colours.count - 1 ? "-" : "$"
            }
        }
        return out + "\u{1B}\\"
    }

    /// An OSC 8 hyperlink to the file (`ESC ] 8 ; ; file://host/abs/path ESC \ path ESC ] 8 ; ; ESC \`), showing
    /// the path as given; the plain path when stdout is not a terminal.
    public static func hyperlink(_ path: String) -> String {
        guard isatty(1) == 1 else { return path }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let encoded = absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolute
        return "\u{1B}]8;;file://\(hostName())\(encoded)\u{1B}\\\(path)\u{1B}]8;;\u{1B}\\"
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The width in the IHDR chunk of a PNG.
    static func pngWidth(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 24, bytes[12...15].elementsEqual(Array("IHDR".utf8)) else { return nil }
        return bytes[16...19].reduce(0) { $0 << 8 | Int($1) }
    }

    // MARK: Detection

    private func detect() -> Method {
        let env = ProcessInfo.processInfo.environment
        if let forced = env["SER_IMAGES"].flatMap(Method.init(rawValue:)) { return forced }
        guard isatty(input) == 1, isatty(output) == 1, env["TERM"] != "dumb" else { return .none }
        if let program = env["TERM_PROGRAM"], program == "iTerm.app" || program == "WezTerm" { return .iterm }
        guard let reply = query("\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\\u{1B}[c", until: { reply in
            // The device attributes reply ends the exchange: ESC [ ? … c
            guard let start = reply.range(of: "\u{1B}[?") else { return false }
            return reply[start.upperBound...].contains("c")
        }) else { return .none }
        if reply.contains("\u{1B}_Gi=31;OK") { return .kitty }
        if let start = reply.range(of: "\u{1B}[?"), let end = reply[start.upperBound...].firstIndex(of: "c") {
            let attributes = reply[start.upperBound..<end].split(separator: ";")
            if attributes.dropFirst().contains("4") { return .sixel }
        }
        return .none
    }

    /// Writes `request` to the terminal and reads its reply with echo and line buffering off, until `done` says
    /// it is complete or half a second passes.
    private func query(_ request: String, until done: (String) -> Bool) -> String? {
        var saved = termios()
        guard tcgetattr(input, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 1
        }
        guard tcsetattr(input, TCSANOW, &raw) == 0 else { return nil }
        defer { tcsetattr(input, TCSANOW, &saved) }
        Terminal.writeAll(output, request)
        var reply = ""
        let deadline = Date().addingTimeInterval(0.5)
        var buffer = [UInt8](repeating: 0, count: 256)
        while Date() < deadline {
            let n = read(input, &buffer, buffer.count)
            if n > 0 {
                reply += String(decoding: buffer[0..<n], as: UTF8.self)
                if done(reply) { return reply }
            } else if n < 0, errno != EINTR, errno != EAGAIN {
                break
            }
        }
        return reply.isEmpty ? nil : reply
    }
}
