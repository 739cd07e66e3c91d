import Audio
import Support

/// Corpus-specific path helpers over Support's `Files`.
enum FileTree {
    /// Every regular file under `root`, as paths relative to it ("f1/rab-f1-b1.wav"), sorted; hidden files
    /// and folders are skipped, each real folder is walked once (see Support's `FolderWalk`).
    static func files(under root: String) -> [String] {
        FolderWalk(root: root).files
    }

    /// Creates `path` and its missing parents (`Files.makeDirectories`), as a `CorpusError`.
    static func makeDirectories(_ path: String) throws(CorpusError) {
        do { try Files.makeDirectories(path) } catch {
            throw CorpusError(.cannotWrite, path: error.path, error.message)
        }
    }

    /// The extension in lower case, without the dot ("wav"), or "".
    static func fileExtension(_ path: String) -> String {
        let base = Files.baseName(path)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return "" }
        return base[base.index(after: dot)...].lowercased()
    }

    /// The name without its extension ("rab-f1-b1").
    static func stem(_ path: String) -> String {
        let base = Files.baseName(path)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return String(base[..<dot])
    }
}
