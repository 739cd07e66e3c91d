#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on a file (`flock(2)`), held between processes and between threads of one
/// process alike: every `FileLock.withLock` opens the file anew, and `flock` locks belong to the open file,
/// so two holders in one process exclude each other as two processes do. The lock goes with the process:
/// a run that is killed leaves no stale lock behind (only the empty lock file, which is harmless).
///
/// Used where two ser runs may build the same thing in the same place at once — a demo corpus under
/// data/demo, for instance — so the second one waits and then finds the first one's work instead of
/// seeing it half made.
public enum FileLock {
    /// Runs `body` holding the lock on `path` (created if missing, with its parent folders).
    ///
    /// - `waiting`: called once, before waiting, when another holder has the lock.
    /// - `cancelled`: asked while waiting (every 50 ms); when it says true, waiting stops with an error.
    public static func withLock<T, E: Error>(
        _ path: String, waiting: (() -> Void)? = nil, cancelled: () -> Bool = { false },
        _ body: () throws(E) -> T
    ) throws(FileError) -> Result<T, E> {
        try Files.makeParentDirectories(of: path)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FileError(path: path, "cannot open the lock file: \(Files.lastErrorDescription())")
        }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else {
                throw FileError(path: path, "cannot lock: \(Files.lastErrorDescription())")
            }
            waiting?()
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                guard errno == EWOULDBLOCK || errno == EINTR else {
                    throw FileError(path: path, "cannot lock: \(Files.lastErrorDescription())")
                }
                if cancelled() { throw FileError(path: path, "stopped while waiting for the lock") }
                usleep(50_000)
            }
        }
        defer { flock(fd, LOCK_UN) }
        do { return .success(try body()) } catch { return .failure(error) }
    }
}
