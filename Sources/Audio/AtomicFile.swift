#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing files so that nobody ever sees half of one: write to a temporary file beside the target, then rename.
public enum AtomicFile {
    /// A failure to move a finished temporary file into place.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// A unique temporary path in the same folder as `path` (rename is atomic only within one file system).
    public static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(dir).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Renames the finished temporary file onto `path`.
    public static func commit(_ temporary: String, to path: String) throws(Failure) {
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            remove(temporary)
            throw Failure(description: "cannot move finished file into place: \(reason)")
        }
    }

    /// Removes a temporary file, ignoring errors.
    public static func remove(_ temporary: String) {
        unlink(temporary)
    }

    /// Writes bytes to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        let temporary = temporaryPath(for: path)
        guard let file = fopen(temporary, "wb") else {
            throw Failure(description: "\(path): cannot create file: \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else {
            remove(temporary)
            throw Failure(description: "\(path): write failed: \(String(cString: strerror(errno)))")
        }
        try commit(temporary, to: path)
    }
}
