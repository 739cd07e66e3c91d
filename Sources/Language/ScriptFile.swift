import Support

/// Reading a script (or any text a user gives ser to run) from a file: the bytes must be UTF-8; a leading
/// byte-order mark is dropped (editors hide it, so diagnostics must not show it).
public enum ScriptFile {
    /// Why a script could not be read, naming the file (and, for bad bytes, where they are).
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The most bytes a script or notebook may have.
    static let maxBytes = 64 << 20

    /// The text of the file at `path`: a regular file (a FIFO or a device is refused without blocking) of at
    /// most 64 MiB (Support's `Files.readRegularFile`).
    public static func read(_ path: String) throws(Failure) -> String {
        let bytes: [UInt8]
        do { bytes = try Files.readRegularFile(path, maxBytes: maxBytes) } catch {
            switch error.reason {
            case .notRegular: throw Failure(description: "\(path): \(error.message), not a script")
            case .tooLarge: throw Failure(description: "\(path): more than 64 MiB; not a script")
            case .missing, .unreadable, .other: throw Failure(description: "\(path): cannot read: \(error.message)")
            }
        }
        return try text(bytes, name: path)
    }

    /// `bytes` as text, or a failure naming the line and column of the first byte that is not UTF-8.
    public static func text(_ bytes: [UInt8], name: String) throws(Failure) -> String {
        var bytes = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        // The offset of the first byte that does not decode.
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        decoding: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .error: break decoding
            case .emptyInput: break decoding
            }
        }
        guard offset < bytes.count else { return String(decoding: bytes, as: UTF8.self) }
        let before = bytes.prefix(offset)
        let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.startIndex
        let column = String(decoding: bytes[lineStart..<(bytes.startIndex + offset)], as: UTF8.self).count + 1
        let bad = bytes[bytes.startIndex + offset]
        let hex = String(bad, radix: 16, uppercase: true)
        throw Failure(description: "\(name):\(line):\(column): not UTF-8 text (byte 0x\(hex.count == 1 ? "0" : "")\(hex)); save the file as UTF-8")
    }
}
