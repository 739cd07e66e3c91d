import CEdit

/// Command history through libedit's `history` API: entries, a size limit, and a file to save and load.
public final class History {
    /// A libedit history call that failed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    let handle: OpaquePointer
    private var event = HistEvent()

    /// Makes an empty history keeping at most `capacity` entries, skipping consecutive duplicates.
    ///
    /// Wraps `history_init`, `history(H_SETSIZE)`, `history(H_SETUNIQUE)`.
    public init(capacity: Int = 1000) {
        handle = history_init()
        ser_history_setsize(handle, &event, Int32(capacity))
        ser_history_setunique(handle, &event, 1)
    }

    deinit { history_end(handle) }

    /// Appends a line (`history(H_ENTER)`).
    public func add(_ line: String) {
        ser_history_enter(handle, &event, line)
    }

    /// Number of entries (`history(H_GETSIZE)`).
    public var count: Int {
        ser_history_getsize(handle, &event) == 0 ? Int(event.num) : 0
    }

    /// All entries, oldest first.
    public var entries: [String] {
        var out: [String] = []
        var status = ser_history_last(handle, &event)
        while status == 0 {
            if let s = event.str { out.append(String(cString: s)) }
            status = ser_history_prev(handle, &event)
        }
        return out
    }

    /// Removes every entry (`history(H_CLEAR)`).
    public func clear() {
        ser_history_clear(handle, &event)
    }

    /// Saves to a file (`history(H_SAVE)`), replacing it.
    public func save(to path: String) throws(Failure) {
        if ser_history_save(handle, &event, path) < 0 {
            throw Failure(description: "\(path): cannot save history")
        }
    }

    /// Appends the entries of a file written by `save` (`history(H_LOAD)`).
    public func load(from path: String) throws(Failure) {
        if ser_history_load(handle, &event, path) < 0 {
            throw Failure(description: "\(path): cannot load history")
        }
    }
}
