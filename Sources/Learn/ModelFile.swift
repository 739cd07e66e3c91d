#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Support

/// Reading model files with the C library, so that errors are plain sentences (never Foundation's error text)
/// and only regular files are read (a FIFO would block); checking where one will be written.
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
    static func checkWritable(_ path: String, createFolders: Bool = false) throws(LearnError) {
        do { try AtomicFile.checkTarget(path, createFolders: createFolders) } catch {
            throw LearnError(.cannotWrite, path: error.path, error.path == nil ? "the model path is empty" : error.message)
        }
    }
}
