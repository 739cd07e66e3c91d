#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing model files with the C library, so that errors are plain sentences (never Foundation's
/// error text) and only regular files are read (a FIFO would block).
enum ModelFile {
    /// The most bytes a model file may have: 4 GiB (a model holds at most `ModelSpec.maxParameters` weights).
    static let maxBytes = 4 << 30

    /// The bytes of the regular file at `path`.
    ///
    /// Wraps `stat`, `fopen`, `fread`.
    static func read(_ path: String) throws(LearnError) -> [UInt8] {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw LearnError(.badCheckpoint, path: path, errno == ENOENT ? "no such model file" : "cannot read the model file: \(String(cString: strerror(errno)))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            let what = (st.st_mode & S_IFMT) == S_IFDIR ? "a folder" : "not a regular file"
            throw LearnError(.badCheckpoint, path: path, "is \(what), not a model file")
        }
        guard Int(st.st_size) <= maxBytes else {
            throw LearnError(.badCheckpoint, path: path, "\(st.st_size) bytes: too large for a ser model (at most \(maxBytes))")
        }
        guard let file = fopen(path, "rb") else {
            throw LearnError(.badCheckpoint, path: path, "cannot read the model file: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(Int(st.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= maxBytes {
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if got > 0 { bytes.append(contentsOf: chunk[0..<got]) }
            if got < chunk.count { break }
        }
        if ferror(file) != 0 {
            throw LearnError(.badCheckpoint, path: path, "cannot read the model file: \(String(cString: strerror(errno)))")
        }
        return bytes
    }

    /// Checks, before any work, that a model can later be written at `path` (not empty, not a folder, in an
    /// existing writable folder).
    static func checkWritable(_ path: String) throws(LearnError) {
        guard !path.isEmpty else { throw LearnError(.cannotWrite, "the model path is empty") }
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            throw LearnError(.cannotWrite, path: path, "is a folder; give a file name such as \(path.hasSuffix("/") ? path : path + "/")model.safetensors")
        }
        let folder = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        guard stat(folder, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw LearnError(.cannotWrite, path: path, "the folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else {
            throw LearnError(.cannotWrite, path: path, "cannot write into \(folder) (\(String(cString: strerror(errno))))")
        }
    }

    /// Writes `bytes` to a temporary file beside `path` and renames it into place.
    ///
    /// Wraps `fopen`, `fwrite`, `fclose`, `rename`.
    static func write(_ bytes: [UInt8], to path: String) throws(LearnError) {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = "\(dir).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        func fail(_ what: String) -> LearnError {
            LearnError(.cannotWrite, path: path, "cannot write the model: \(what)")
        }
        guard let file = fopen(temporary, "wb") else { throw fail(String(cString: strerror(errno))) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file) == 0
        guard written == bytes.count, closed else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw fail(reason)
        }
        if rename(temporary, path) != 0 {
            let reason = errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST ? "it is a folder" : String(cString: strerror(errno))
            unlink(temporary)
            throw fail(reason)
        }
    }
}
