import Support

/// Reading model files with Support's reader, so that errors are plain sentences (never Foundation's error
/// text) and only regular files are read (a FIFO would block); checking where one will be written.
enum ModelFile {
    /// The most bytes a model file may have: 4 GiB (a model holds at most `ModelSpec.maxParameters` weights).
    static let maxBytes = 4 << 30

    /// The bytes of the regular file at `path` (Support's reader: only regular files, at most `maxBytes`).
    static func read(_ path: String) throws(LearnError) -> [UInt8] {
        do { return try Files.readRegularFile(path, maxBytes: maxBytes) } catch {
            let message = switch error.reason {
            case .missing: "no such model file"
            case .notRegular: "\(error.message), not a model file"
            case .tooLarge: "\(error.message): too large for a ser model"
            case .unreadable, .other: "cannot read the model file: \(error.message)"
            }
            throw LearnError(.badCheckpoint, path: path, message)
        }
    }

    /// Checks, before any work, that a model can later be written at `path` (not empty, not a folder, in an
    /// existing writable folder).
    static func checkWritable(_ path: String, createFolders: Bool = false) throws(LearnError) {
        do { try AtomicFile.checkTarget(path, createFolders: createFolders) } catch {
            throw LearnError(.cannotWrite, path: error.path, error.path == nil ? "the model path is empty" : error.message)
        }
    }
}
