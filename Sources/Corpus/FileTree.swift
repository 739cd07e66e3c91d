#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Audio

/// Small file-system helpers over the C library (the Corpus module does not use Foundation).
enum FileTree {
    /// Whether `path` exists and is a directory (`stat`).
    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether `path` exists (`stat`).
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// Names in a directory, sorted, without "." and "..", hidden names (starting with ".") left out
    /// (`opendir`/`readdir`). Empty if it cannot be read.
    static func entries(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasPrefix(".") { continue }
            names.append(name)
        }
        return names.sorted()
    }

    /// Every regular file under `root`, as paths relative to it ("f1/rab-f1-b1.wav"), sorted; hidden files
    /// and folders are skipped, each real folder is walked once (see Audio's `FolderWalk`).
    static func files(under root: String) -> [String] {
        FolderWalk(root: root).files
    }

    /// `a/b`, without doubling a trailing slash of `a`.
    static func join(_ a: String, _ b: String) -> String {
        a.hasSuffix("/") ? a + b : a + "/" + b
    }

    /// Creates `path` and its missing parents (`mkdir`, mode 0755).
    static func makeDirectories(_ path: String) throws(CorpusError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if !isDirectory(prefix), mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw CorpusError(.cannotWrite, path: prefix, "cannot create folder: \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
    }

    /// The last path component ("rab-f1-b1.wav").
    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The extension in lower case, without the dot ("wav"), or "".
    static func fileExtension(_ path: String) -> String {
        let base = baseName(path)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return "" }
        return base[base.index(after: dot)...].lowercased()
    }

    /// The name without its extension ("rab-f1-b1").
    static func stem(_ path: String) -> String {
        let base = baseName(path)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return String(base[..<dot])
    }
}
