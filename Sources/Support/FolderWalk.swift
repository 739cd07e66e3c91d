#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Walking a folder tree safely: every real folder is entered once (known by device and inode), so symbolic
/// links that loop (`ln -s . d/a`) or lead to a folder already walked cannot make the walk run forever or list
/// a file twice; such links are reported, not followed. Real subfolders are walked before linked ones, so a
/// file is listed by its real path when it has one under the root. Only regular files are listed: FIFOs,
/// devices and sockets are reported and left out (reading a FIFO would block), as are dangling links. Hidden
/// names (starting with ".") are skipped.
public struct FolderWalk: Sendable, Equatable {
    /// Regular files under the root, as paths relative to it ("f1/rab-f1-b1.wav"), sorted.
    public var files: [String] = []
    /// One sentence per link not followed, per non-regular file and per unreadable folder, naming it.
    public var notes: [String] = []

    /// Walks `root` (which should be a folder).
    ///
    /// Wraps `opendir`, `readdir`, `stat`, `lstat`.
    public init(root: String) {
        var root = root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        var state = State(root: root)
        if let id = FileID(path: root) { state.visited.insert(id) }
        state.walk("")
        // Linked folders, in the order they were met: each leads to a folder not yet walked, or is reported.
        var next = 0
        while next < state.links.count {
            let (rel, id) = state.links[next]
            next += 1
            if state.visited.insert(id).inserted {
                state.walk(rel)
            } else {
                state.notes.append("\(state.full(rel)): a link to a folder already walked (a loop or a second way in); not followed")
            }
        }
        files = state.files.sorted()
        notes = state.notes
    }

    private struct State {
        let root: String
        var visited = Set<FileID>()
        var files: [String] = []
        var notes: [String] = []
        /// Symbolic links to folders met so far, with the folder each leads to.
        var links: [(String, FileID)] = []

        init(root: String) { self.root = root }

        func full(_ rel: String) -> String { rel.isEmpty ? root : root + "/" + rel }

        /// Lists one folder: files are taken, real subfolders walked at once, linked ones queued.
        mutating func walk(_ relative: String) {
            let folder = full(relative)
            guard let dir = opendir(folder) else {
                notes.append("\(folder): cannot read folder (\(String(cString: strerror(errno)))); left out")
                return
            }
            var names: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if !name.hasPrefix(".") { names.append(name) }
            }
            closedir(dir)
            for name in names.sorted() {
                let rel = relative.isEmpty ? name : relative + "/" + name
                let path = root + "/" + rel
                var own = stat()
                guard lstat(path, &own) == 0 else { continue }
                let isLink = (own.st_mode & S_IFMT) == S_IFLNK
                var st = own
                if isLink, stat(path, &st) != 0 {
                    notes.append("\(path): a link to nothing (\(String(cString: strerror(errno)))); left out")
                    continue
                }
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    let id = FileID(st)
                    if isLink {
                        links.append((rel, id))
                    } else if visited.insert(id).inserted {
                        walk(rel)
                    } else {
                        notes.append("\(path): a folder already walked (a bind mount?); not followed")
                    }
                case S_IFREG:
                    files.append(rel)
                default:
                    notes.append("\(path): \(Files.kind(of: st.st_mode)), not a regular file; left out")
                }
            }
        }
    }
}

/// A file's identity: device and inode.
struct FileID: Hashable {
    var device: UInt64
    var inode: UInt64

    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }

    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        self.init(st)
    }
}
