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

    /// A unique temporary path in the same folder as `path` (rename is atomic only within one file system):
    /// `.NAME.tmp-PID-N`. It is registered with `TemporaryFiles` (removed if a signal kills the process) until
    /// `commit` or `remove`; stale ones of dead processes in that folder are swept first.
    public static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        TemporaryFiles.sweep(folder: dir)
        let temporary = "\(dir).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        TemporaryFiles.register(temporary)
        return temporary
    }

    /// Renames the finished temporary file onto `path`.
    public static func commit(_ temporary: String, to path: String) throws(Failure) {
        if rename(temporary, path) != 0 {
            let code = errno
            remove(temporary)
            let reason = code == EISDIR || code == ENOTEMPTY || code == EEXIST ? "it is a folder" : String(cString: strerror(code))
            throw Failure(description: "cannot move finished file into place: \(reason)")
        }
        TemporaryFiles.forget(temporary)
    }

    /// Removes a temporary file, ignoring errors.
    public static func remove(_ temporary: String) {
        unlink(temporary)
        TemporaryFiles.forget(temporary)
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

extension AtomicFile {
    /// Checks, before any work, that a file can later be written at `path`: the path is not empty, is not a
    /// folder, and its folder exists (or `createFolders`: can be made) and is writable. Output paths may point
    /// anywhere (absolute, `..`), as with any Unix tool.
    ///
    /// Wraps `stat`, `access`.
    public static func checkTarget(_ path: String, createFolders: Bool = false) throws(Failure) {
        guard !path.isEmpty else { throw Failure(description: "the output path is empty") }
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            throw Failure(description: "\(path): is a folder; give a file name")
        }
        guard path.last != "/" else { throw Failure(description: "\(path): ends with '/'; give a file name") }
        var folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        if folder.isEmpty { folder = "/" }
        // The nearest existing ancestor must be a writable folder.
        var existing = folder
        while stat(existing, &st) != 0 {
            guard createFolders, errno == ENOENT else {
                throw Failure(description: "\(path): the folder \(folder) does not exist")
            }
            guard let slash = existing.lastIndex(of: "/") else { existing = "."; continue }
            existing = slash == existing.startIndex ? "/" : String(existing[..<slash])
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            throw Failure(description: "\(path): \(existing) is a file, not a folder")
        }
        guard access(existing, W_OK) == 0 else {
            throw Failure(description: "\(path): cannot write into \(existing) (\(String(cString: strerror(errno))))")
        }
    }
}
