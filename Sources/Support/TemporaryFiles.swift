#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files this process is writing (`AtomicFile.temporaryPath`), so that none is left behind:
///
/// - on SIGINT, SIGTERM or SIGHUP, when the signal would kill the process (no handler of ser's own, such as
///   the REPL's Ctrl-C, is installed), a handler removes every registered temporary file and lets the signal
///   kill the process as before;
/// - files a killed process could not remove (SIGKILL, a crash) are swept by the next ser that writes into the
///   same folder: `.NAME.tmp-PID-N` files whose process no longer exists (`kill(PID, 0)` fails with ESRCH).
///
/// The signal handler only reads a fixed table of C strings and calls `unlink`, which is async-signal-safe.
public enum TemporaryFiles {
    static let slotCount = 256
    static let slotSize = Int(PATH_MAX) + 1
    /// `slotCount` NUL-terminated paths; an empty string is a free slot.
    nonisolated(unsafe) static let table: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: slotCount * slotSize)
        p.initialize(repeating: 0, count: slotCount * slotSize)
        return p
    }()
    nonisolated(unsafe) private static var mutex = pthread_mutex_t()
    nonisolated(unsafe) private static var installed = false
    nonisolated(unsafe) private static var swept = Set<String>()

    /// Remembers `path` until `forget(_:)`; installs the signal handlers on first use.
    static func register(_ path: String) {
        _ = table
        lock()
        defer { unlock() }
        if !installed {
            installed = true
            for sig in [SIGINT, SIGTERM, SIGHUP] { installIfDefault(sig) }
        }
        let bytes = Array(path.utf8)
        guard bytes.count < slotSize else { return }
        for slot in 0..<slotCount where table[slot * slotSize] == 0 {
            let base = table + slot * slotSize
            for (i, b) in bytes.enumerated().dropFirst() { base[i] = CChar(bitPattern: b) }
            base[bytes.count] = 0
            // The first byte last: the slot is in use only once the whole path is there.
            base[0] = CChar(bitPattern: bytes.first ?? 0)
            return
        }
    }

    /// Forgets `path` (it was renamed into place or removed).
    static func forget(_ path: String) {
        lock()
        defer { unlock() }
        for slot in 0..<slotCount where table[slot * slotSize] != 0 {
            let base = table + slot * slotSize
            if String(cString: base) == path { base[0] = 0 }
        }
    }

    /// Paths registered now (for tests).
    public static var registered: [String] {
        lock()
        defer { unlock() }
        return (0..<slotCount).compactMap { slot in
            table[slot * slotSize] == 0 ? nil : String(cString: table + slot * slotSize)
        }
    }

    /// Removes, once per folder and process, the temporary files of processes that no longer exist:
    /// names `.NAME.tmp-PID-N` with a PID that `kill(PID, 0)` says is gone. Returns the paths removed.
    @discardableResult
    public static func sweep(folder: String) -> [String] {
        let key = folder.isEmpty ? "." : folder
        lock()
        let first = swept.insert(key).inserted
        unlock()
        guard first, let dir = opendir(key) else { return [] }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            names.append(name)
        }
        closedir(dir)
        var removed: [String] = []
        for name in names {
            guard let pid = stalePID(name), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = key == "." && folder.isEmpty ? name : (key.hasSuffix("/") ? key : key + "/") + name
            if unlink(path) == 0 { removed.append(path) }
        }
        return removed
    }

    /// The PID in a temporary file name `.NAME.tmp-PID-N`, or nil when the name has another shape.
    public static func stalePID(_ name: String) -> pid_t? {
        let bytes = Array(name.utf8), marker = Array(".tmp-".utf8)
        guard bytes.first == UInt8(ascii: "."), bytes.count > marker.count,
              let at = (1...(bytes.count - marker.count)).reversed().first(where: { Array(bytes[$0..<($0 + marker.count)]) == marker })
        else { return nil }
        let parts = String(decoding: bytes[(at + marker.count)...], as: UTF8.self).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, !parts[1].isEmpty,
              parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return pid
    }

    private static func lock() {
        pthread_mutex_lock(&mutex)
    }

    private static func unlock() {
        pthread_mutex_unlock(&mutex)
    }

    /// Installs the removing handler for `sig` when the signal's action is the default (terminate).
    private static func installIfDefault(_ sig: Int32) {
        var current = sigaction()
        guard sigaction(sig, nil, &current) == 0 else { return }
        #if canImport(Glibc)
        let isDefault = current.__sigaction_handler.sa_handler == nil
        #else
        let isDefault = current.__sigaction_u.__sa_handler == nil
        #endif
        guard isDefault else { return }
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = removeAndReraise
        #else
        action.__sigaction_u.__sa_handler = removeAndReraise
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(sig, &action, nil)
    }
}

/// The signal handler: unlink every registered temporary file, restore the default action and re-raise.
private func removeAndReraise(_ sig: Int32) {
    let table = TemporaryFiles.table
    for slot in 0..<TemporaryFiles.slotCount where table[slot * TemporaryFiles.slotSize] != 0 {
        unlink(table + slot * TemporaryFiles.slotSize)
    }
    signal(sig, SIG_DFL)
    raise(sig)
}
