import Language

/// What the runner needs from an interpreter: one session per notebook run, in which parameters are bound and
/// cells are executed in order. The Language module's session is the real one; tests use a fake.
public protocol NotebookSession: AnyObject {
    /// Defines a parameter as a session value, before any cell runs.
    func bind(parameter name: String, to value: ParameterValue) throws

    /// Runs a cell's statements.
    ///
    /// - Parameters:
    ///   - source: the cell's text, one statement a line.
    ///   - file: the notebook path, for diagnostics.
    ///   - firstLine: the notebook line of the source's first line (1-based), for diagnostics.
    ///   - useCache: false when the run (`--no-cache`) or the cell (`cache=false`) bypasses the value cache.
    /// - Returns: what the cell printed, the tables it showed and the figures it wrote.
    /// - Throws: ``CellError`` (or any error; its description is shown) when a statement fails.
    func execute(_ source: String, file: String, firstLine: Int, useCache: Bool) throws -> CellOutput

    /// Receives progress lines of long statements (`epoch 37/200 …`) while a cell runs, or nil to stop.
    func setProgressHandler(_ handler: (@Sendable (String) -> Void)?)

    /// Whether Ctrl-C asked the run to stop: checked after each cell and before the next one starts.
    var isCancelled: Bool { get }

    /// What each statement of a cell defines and reads, so that a cell run on its own can first replay the
    /// earlier statements it needs; nil when this session cannot tell (then nothing is replayed).
    func dependencies(of source: String, file: String, firstLine: Int) -> [StatementDependencies]?

    /// The content hash of the session value `name`, or nil when there is none; tells whether a value a cell
    /// made is still the one in the session.
    func valueHash(_ name: String) -> String?
}

extension NotebookSession {
    public func setProgressHandler(_ handler: (@Sendable (String) -> Void)?) {}
    public var isCancelled: Bool { false }
    public func dependencies(of source: String, file: String, firstLine: Int) -> [StatementDependencies]? { nil }
    public func valueHash(_ name: String) -> String? { nil }
}

/// What a cell produced, in the order it produced it.
public struct CellOutput: Sendable, Equatable {
    public enum Item: Sendable, Equatable {
        /// Plain text (a value shown, a message); shown in a `text` code block.
        case text(String)
        /// Markdown (a table); shown as is.
        case markdown(String)
        /// A figure written to this path (relative to the working folder, or absolute).
        case figure(String)
    }

    public var items: [Item]
    /// How many of the cell's statements were served from the value cache.
    public var cacheHits: Int

    public init(items: [Item] = [], cacheHits: Int = 0) {
        self.items = items
        self.cacheHits = cacheHits
    }

    /// The figure paths, in order.
    public var figures: [String] {
        items.compactMap { if case .figure(let path) = $0 { path } else { nil } }
    }
}

/// A statement of a cell that failed, located in the notebook.
public struct CellError: Error, Sendable, CustomStringConvertible {
    /// The notebook line of the failing statement (1-based), if known.
    public var line: Int?
    /// The full diagnostic as it should be shown (compiler style, possibly several lines with a caret).
    public var message: String
    /// What the statements before the failing one produced.
    public var output: CellOutput

    public init(line: Int?, message: String, output: CellOutput = CellOutput()) {
        self.line = line
        self.message = message
        self.output = output
    }

    public var description: String { message }
}
