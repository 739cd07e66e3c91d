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

    /// A whole file's bytes, or nil when it cannot be opened or read (`fopen`/`fread`).
    public static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                if ferror(file) != 0 { return nil }
                break
            }
        }
        return bytes
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

/// A file-system failure from `Files` or `AtomicFile`: the path and a sentence a user can act on.
public struct FileError: ModuleError, Equatable {
    /// The file or folder involved.
    public var path: String?
    public var message: String

    public init(path: String? = nil, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
