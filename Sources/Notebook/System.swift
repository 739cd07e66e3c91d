#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The value of an environment variable (`getenv`).
func environmentValue(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

/// `strerror(errno)`.
func lastErrorDescription() -> String {
    String(cString: strerror(errno))
}

/// Reads a whole file, or nil when it cannot be opened or read.
func readFile(_ path: String) -> [UInt8]? {
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

/// Creates a folder and its parents (`mkdir -p`); succeeds when it already exists.
func makeDirectories(_ path: String) -> Bool {
    var isDir = stat()
    if stat(path, &isDir) == 0 { return (isDir.st_mode & S_IFMT) == S_IFDIR }
    let parent = parentFolder(path)
    if !parent.isEmpty, parent != path, !makeDirectories(parent) { return false }
    return mkdir(path, 0o755) == 0 || errno == EEXIST
}

/// The folder part of a path (`a/b/c.md` → `a/b`, `c.md` → ``).
func parentFolder(_ path: String) -> String {
    var path = Substring(path)
    while path.count > 1, path.last == "/" { path.removeLast() }
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}

/// The current working folder (`getcwd`).
func currentFolder() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// An absolute, normalized path (`.` and `..` resolved textually), relative paths taken from the working folder.
func absolutePath(_ path: String) -> String {
    let full = path.hasPrefix("/") ? path : currentFolder() + "/" + path
    var parts: [Substring] = []
    for part in full.split(separator: "/") {
        if part == "." { continue }
        if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
        parts.append(part)
    }
    return "/" + parts.joined(separator: "/")
}

/// The path of `target` relative to the folder `folder` (both taken from the working folder when relative).
func relativePath(to target: String, from folder: String) -> String {
    let t = absolutePath(target).split(separator: "/")
    let f = absolutePath(folder).split(separator: "/")
    var common = 0
    while common < t.count, common < f.count, t[common] == f[common] { common += 1 }
    let ups = Array(repeating: "..", count: f.count - common)
    let rest = t[common...].map(String.init)
    let parts = ups + rest
    return parts.isEmpty ? "." : parts.joined(separator: "/")
}
