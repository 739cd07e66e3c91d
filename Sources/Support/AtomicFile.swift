#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing files so that nobody ever sees half of one: write to a temporary file beside the target, then
/// rename it into place (`rename` is atomic within one file system). Every file a user keeps — audio, PNG,
/// models, tables, executed notebooks, cache entries — is written this way. Temporary files are registered
/// with `TemporaryFiles`, so a fatal signal removes them and a later run sweeps those of a killed process.
public enum AtomicFile {
    /// A unique temporary path in the same folder as `path`: `.NAME.tmp-PID-N`. It is registered with
    /// `TemporaryFiles` until `commit` or `remove`; stale ones of dead processes in that folder are swept first.
    public static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        TemporaryFiles.sweep(folder: dir)
        let temporary = "\(dir).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        TemporaryFiles.register(temporary)
        return temporary
    }

    /// Renames the finished temporary file onto `path` (`rename`); removes it when that fails.
    public static func commit(_ temporary: String, to path: String) throws(FileError) {
        if rename(temporary, path) != 0 {
            let code = errno
            remove(temporary)
            let reason = code == EISDIR || code == ENOTEMPTY || code == EEXIST ? "it is a folder" : String(cString: strerror(code))
            throw FileError(path: path, "cannot move the finished file into place: \(reason)")
        }
        TemporaryFiles.forget(temporary)
    }

    /// Removes a temporary file, ignoring errors (`unlink`).
    public static func remove(_ temporary: String) {
        unlink(temporary)
        TemporaryFiles.forget(temporary)
    }

    /// Writes bytes to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws(FileError) {
        let temporary = temporaryPath(for: path)
        guard let file = fopen(temporary, "wb") else {
            let reason = Files.lastErrorDescription()
            TemporaryFiles.forget(temporary)
            throw FileError(path: path, "cannot create file: \(reason)")
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

    /// Checks, before any work, that a file can later be written at `path`: the path is not empty, is not a
    /// folder, and its folder exists (or `createFolders`: can be made) and is writable. Output paths may point
    /// anywhere (absolute, `..`), as with any Unix tool.
    ///
    /// Wraps `stat`, `access`.
    public static func checkTarget(_ path: String, createFolders: Bool = false) throws(FileError) {
        guard !path.isEmpty else { throw FileError("the output path is empty") }
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            throw FileError(path: path, "is a folder; give a file name")
        }
        guard path.last != "/" else { throw FileError(path: path, "ends with '/'; give a file name") }
        var folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        if folder.isEmpty { folder = "/" }
        // The nearest existing ancestor must be a writable folder.
        var existing = folder
        while stat(existing, &st) != 0 {
            guard createFolders, errno == ENOENT else {
                throw FileError(path: path, "the folder \(folder) does not exist")
            }
            guard let slash = existing.lastIndex(of: "/") else { existing = "."; continue }
            existing = slash == existing.startIndex ? "/" : String(existing[..<slash])
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            throw FileError(path: path, "\(existing) is a file, not a folder")
        }
        guard access(existing, W_OK) == 0 else {
            throw FileError(path: path, "cannot write into \(existing) (\(Files.lastErrorDescription()))")
        }
    }
}
