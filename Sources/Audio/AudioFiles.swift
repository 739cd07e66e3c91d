import CSndFile
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finding audio files: every file given explicitly, and the audio files under folders.
public enum AudioFiles {
    /// One file to process: its path and the name to report it by (relative to the folder it was found in,
    /// or the path as given).
    public struct Entry: Sendable, Hashable {
        public var path: String
        public var name: String

        public init(path: String, name: String) {
            self.path = path
            self.name = name
        }
    }

    /// File extensions (lower case, no dot) of the formats libsndfile reads, asked of libsndfile itself
    /// (`SFC_GET_FORMAT_MAJOR`), plus the usual aliases (wave, aif, aifc, oga, opus).
    ///
    /// Wraps `sf_command(SFC_GET_FORMAT_MAJOR_COUNT / SFC_GET_FORMAT_MAJOR)`.
    public static let extensions: Set<String> = {
        var out: Set<String> = ["wav", "wave", "aif", "aiff", "aifc", "flac", "ogg", "oga", "opus"]
        var count: Int32 = 0
        sf_command(nil, Int32(SFC_GET_FORMAT_MAJOR_COUNT), &count, Int32(MemoryLayout<Int32>.size))
        for i in 0..<count {
            var info = SF_FORMAT_INFO()
            info.format = i
            sf_command(nil, Int32(SFC_GET_FORMAT_MAJOR), &info, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
            if let ext = info.extension { out.insert(String(cString: ext).lowercased()) }
        }
        return out
    }()

    /// Whether a file name has an audio extension (case-insensitive).
    public static func hasAudioExtension(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// The files to process for `paths`, in order: a file is taken as given (whatever its extension: reading
    /// it will say if it is not audio); a folder contributes the regular files with an audio extension found
    /// under it, recursively (see `FolderWalk`: each real folder once, hidden names skipped), sorted by relative
    /// path. A path that does not exist is an error naming it. Links not followed (loops) and non-regular files
    /// left out are described in `notes`.
    public static func find(_ paths: [String], notes: inout [String]) throws(AudioError) -> [Entry] {
        var out: [Entry] = []
        for path in paths {
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw AudioError(.cannotOpen, path: path, "no such file or folder")
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                let walk = FolderWalk(root: path)
                notes += walk.notes
                let base = path.hasSuffix("/") ? path : path + "/"
                out += walk.files.filter { hasAudioExtension(baseName($0)) }.map { Entry(path: base + $0, name: $0) }
            } else {
                out.append(Entry(path: path, name: path))
            }
        }
        return out
    }

    /// `find(_:notes:)`, dropping the notes.
    public static func find(_ paths: [String]) throws(AudioError) -> [Entry] {
        var notes: [String] = []
        return try find(paths, notes: &notes)
    }

    private static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
