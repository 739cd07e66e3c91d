#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing files so that nobody ever sees half of one: write to a temporary file beside the target, then
/// rename it into place (`rename` is atomic within one file system). Every file a user keeps — audio, PNG,
/// models, tables, executed notebooks, cache entries — is written this way.
public enum AtomicFile {
    /// A unique temporary path in the same folder as `path`.
    public static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(dir).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Renames the finished temporary file onto `path` (`rename`); removes it when that fails.
    public static func commit(_ temporary: String, to path: String) throws(FileError) {
        if rename(temporary, path) != 0 {
            let reason = Files.lastErrorDescription()
            remove(temporary)
            throw FileError(path: path, "cannot move the finished file into place: \(reason)")
        }
    }

    /// Removes a temporary file, ignoring errors (`unlink`).
    public static func remove(_ temporary: String) {
        unlink(temporary)
    }

    /// Writes bytes to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws(FileError) {
        let temporary = temporaryPath(for: path)
        guard let file = fopen(temporary, "wb") else {
            throw FileError(path: path, "cannot create file: \(Files.lastErrorDescription())")
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let flushed = fflush(file) == 0 && fsync(fileno(file)) == 0
        let closed = fclose(file)
        guard written == bytes.count, flushed, closed == 0 else {
            let reason = Files.lastErrorDescription()
            remove(temporary)
            throw FileError(path: path, "write failed: \(reason)")
        }
        try commit(temporary, to: path)
    }

    /// Writes UTF-8 text to `path` atomically.
    public static func write(_ text: String, to path: String) throws(FileError) {
        try write(Array(text.utf8), to: path)
    }
}
