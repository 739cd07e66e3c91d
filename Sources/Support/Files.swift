#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small file-system helpers over the C library, shared by every module (none of them needs Foundation for
/// this). Paths are plain strings; nothing here prints.
public enum Files {
    /// Whether `path` exists (`stat`; a dangling link does not).
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// Whether `path` exists and is a folder (`stat`).
    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The names in a folder, sorted, without `.` and `..`; names starting with `.` are left out unless
    /// `hidden` is true (`opendir`/`readdir`). Nil when the folder cannot be read.
    public static func entries(_ path: String, hidden: Bool = false) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." || (!hidden && name.hasPrefix(".")) { continue }
            names.append(name)
        }
        return names.sorted()
    }

    /// Creates `path` and its missing parents (`mkdir -p`, mode 0755); succeeds when the folder exists.
    /// Throws `FileError` naming the first folder that could not be made.
    public static func makeDirectories(_ path: String) throws(FileError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if !isDirectory(prefix), mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw FileError(path: prefix, "cannot create folder: \(lastErrorDescription())")
            }
            if !isDirectory(prefix) {
                throw FileError(path: prefix, "cannot create folder: a file of that name exists")
            }
            prefix += "/"
        }
    }

    /// Creates the folders above `path` that do not exist yet.
    public static func makeParentDirectories(of path: String) throws(FileError) {
        let parent = parentFolder(path)
        if !parent.isEmpty { try makeDirectories(parent) }
    }

    /// `path` with a leading `~/` (or a lone `~`) replaced by `$HOME`; other paths unchanged.
    public static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = getenv("HOME") else { return path }
        return String(cString: home) + path.dropFirst()
    }

    /// `a/b`, without doubling a trailing slash of `a`; `b` alone when `a` is empty.
    public static func join(_ a: String, _ b: String) -> String {
        if a.isEmpty { return b }
        return a.hasSuffix("/") ? a + b : a + "/" + b
    }

    /// The folder part of a path (`a/b/c.md` → `a/b`, `/c.md` → `/`, `c.md` → ``).
    public static func parentFolder(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.last == "/" { path.removeLast() }
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last path component (`a/rab-f1-b1.wav` → `rab-f1-b1.wav`).
    public static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// A whole regular file's bytes (at most 4 GiB), or nil when it cannot be read or is not a regular file (a
    /// FIFO is never opened for reading, so this never blocks). `readRegularFile` says why.
    public static func read(_ path: String) -> [UInt8]? {
        try? readRegularFile(path, maxBytes: 1 << 32)
    }

    /// The bytes of the regular file at `path` (links followed), at most `maxBytes` of them. Anything else is
    /// refused before a byte is read, with a `FileError` whose `reason` says why and whose message says what
    /// the path is ("no such file", "is a folder", "is a FIFO (named pipe)", "is a device", "is a socket",
    /// "N bytes: too large (at most M)"): a FIFO or a device is never read, so nothing blocks on one or reads
    /// without end. Each module wraps the error in its own, adding what the file should have been.
    ///
    /// Wraps `open` (`O_NONBLOCK`, so opening a FIFO does not block), `fstat` and `read`: the file checked is
    /// the file read.
    public static func readRegularFile(_ path: String, maxBytes: Int) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw openError(path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(path: path, reason: .unreadable, "cannot read: \(lastErrorDescription())") }
        let size = try regularSize(st, path: path, maxBytes: maxBytes)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let got = bytes.withUnsafeMutableBytes { readBytes(fd, $0.baseAddress! + filled, size - filled) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, reason: .unreadable, "cannot read: \(lastErrorDescription())")
            }
            if got == 0 { break }
            filled += got
        }
        // A file that shrank while it was read is what it now is; one that grew is read to its stat size.
        if filled < size { bytes.removeLast(size - filled) }
        return bytes
    }

    /// The size of the regular file at `path` (links followed), with the same checks and errors as
    /// `readRegularFile` (wraps `stat`).
    public static func regularFileSize(_ path: String, maxBytes: Int = .max) throws(FileError) -> Int {
        var st = stat()
        guard stat(path, &st) == 0 else { throw openError(path) }
        return try regularSize(st, path: path, maxBytes: maxBytes)
    }

    /// What a `stat` mode that is not a regular file is, in words ("a folder", "a FIFO (named pipe)", …).
    public static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a folder"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    private static func regularSize(_ st: stat, path: String, maxBytes: Int) throws(FileError) -> Int {
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw FileError(path: path, reason: .notRegular, "is \(kind(of: st.st_mode))")
        }
        guard st.st_size <= maxBytes else {
            throw FileError(path: path, reason: .tooLarge, "\(st.st_size) bytes: too large (at most \(maxBytes))")
        }
        return Int(st.st_size)
    }

    private static func openError(_ path: String) -> FileError {
        let code = errno
        return code == ENOENT || code == ENOTDIR
            ? FileError(path: path, reason: .missing, "no such file")
            : FileError(path: path, reason: .unreadable, "cannot open: \(String(cString: strerror(code)))")
    }

    /// A whole file as UTF-8 text (invalid bytes repaired), or nil when it cannot be read.
    public static func readText(_ path: String) -> String? {
        read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `strerror(errno)`: the C library's sentence for the last failure.
    public static func lastErrorDescription() -> String {
        String(cString: strerror(errno))
    }
}

/// `read(2)` (inside `Files`, `read` names `Files.read`).
private func readBytes(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }

/// A file-system failure from `Files` or `AtomicFile`: the path and a sentence a user can act on.
public struct FileError: ModuleError, Equatable {
    /// Why a file could not be read (`Files.readRegularFile`, `Files.regularFileSize`); `.other` elsewhere.
    public enum Reason: Sendable, Equatable {
        case missing, notRegular, tooLarge, unreadable, other
    }

    /// The file or folder involved.
    public var path: String?
    public var reason: Reason
    public var message: String

    public init(path: String? = nil, reason: Reason = .other, _ message: String) {
        self.path = path
        self.reason = reason
        self.message = message
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
