import Support

/// Corpus-specific path helpers over Support's `Files`.
enum FileTree {
    /// Every regular file under `root`, as paths relative to it ("f1/rab-f1-b1.wav"), sorted; hidden files
    /// and folders are skipped.
    static func files(under root: String) -> [String] {
        var out: [String] = []
        func walk(_ relative: String) {
            let full = relative.isEmpty ? root : Files.join(root, relative)
            for name in Files.entries(full) ?? [] {
                let rel = relative.isEmpty ? name : relative + "/" + name
                if Files.isDirectory(Files.join(root, rel)) { walk(rel) } else { out.append(rel) }
            }
        }
        walk("")
        return out.sorted()
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
