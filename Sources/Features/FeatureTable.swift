#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Audio
import Support

/// What one row of a feature table describes: a window of a file, plus free-form attributes (corpus
/// metadata such as speaker or emotion, augmentation provenance such as `source` and `augmentation`) that
/// become extra CSV columns.
public struct FeatureRow: Sendable, Hashable {
    /// The audio file, relative to the folder it was found in (or as given).
    public var file: String
    /// The window's index within its file, from 0.
    public var window: Int
    /// Window start and end in seconds from the beginning of the file.
    public var start: Double
    public var end: Double
    /// Extra columns by name (empty string = no value).
    public var attributes: [String: String]

    public init(file: String, window: Int, start: Double, end: Double, attributes: [String: String] = [:]) {
        self.file = file
        self.window = window
        self.start = start
        self.end = end
        self.attributes = attributes
    }
}

/// A feature matrix with one row per window: `values` is `count × width` float32, row-major (width 160 for
/// the paper's vector as ser reads it: 128 mel means, 20 MFCC means, 12 chroma means), `rows[i]` describes row i.
///
/// On disk it is two files with a common prefix: `PREFIX.npy` (NumPy .npy v1.0, `<f4`, C order, shape
/// `(count, width)`; `numpy.load` reads it) and `PREFIX.csv` (header `index,file,window,start_s,end_s`
/// followed by the attribute columns, one line per row, RFC 4180 quoting).
public struct FeatureTable: Sendable, Equatable {
    public var width: Int
    public var values: [Float]
    public var rows: [FeatureRow]
    /// Attribute columns the table has even where no row fills them (a CSV header's columns, so that an
    /// all-empty column is still a column).
    public var declaredAttributes: [String] = []
    /// How the rows were made (sample rate, windows, blocks, corpus), when known.
    public var recipe: FeatureRecipe?

    public init(width: Int, values: [Float] = [], rows: [FeatureRow] = [], recipe: FeatureRecipe? = nil) {
        precondition(width > 0 && values.count == rows.count * width,
                     "FeatureTable: \(values.count) values for \(rows.count) rows of width \(width)")
        self.width = width
        self.values = values
        self.rows = rows
        self.recipe = recipe
    }

    /// Number of rows.
    public var count: Int { rows.count }

    /// Same shape, values, rows and columns (declared or filled).
    public static func == (a: FeatureTable, b: FeatureTable) -> Bool {
        a.width == b.width && a.values == b.values && a.rows == b.rows && a.attributeNames == b.attributeNames
    }

    /// The values of row `i`.
    public func vector(_ i: Int) -> ArraySlice<Float> { values[(i * width)..<((i + 1) * width)] }

    /// Appends a row.
    public mutating func append(_ vector: some Collection<Float>, _ row: FeatureRow) {
        precondition(vector.count == width, "FeatureTable: a row of \(vector.count) values in a table of width \(width)")
        values.append(contentsOf: vector)
        rows.append(row)
    }

    /// The attribute columns in CSV order: the well-known names first (corpus, speaker, gender, sentence,
    /// emotion, intensity, source, augmentation, augment_params, augment_seed), then any others alphabetically.
    public var attributeNames: [String] {
        FeatureTable.columnOrder(Set(rows.flatMap(\.attributes.keys)).union(declaredAttributes))
    }

    static let knownAttributes = ["corpus", "speaker", "gender", "sentence", "emotion", "intensity",
                                  "source", "augmentation", "augment_params", "augment_seed"]

    static func columnOrder(_ names: Set<String>) -> [String] {
        knownAttributes.filter(names.contains) + names.subtracting(knownAttributes).sorted()
    }

    /// Writes `prefix.npy` and `prefix.csv` (and `prefix.json`, the recipe, when known), each atomically
    /// (temporary file + rename).
    public func write(prefix: String) throws(FeaturesError) {
        let writer = try FeatureTableWriter(prefix: prefix, width: width, attributeNames: attributeNames, recipe: recipe)
        for i in 0..<count { try writer.append(vector(i), rows[i]) }
        try writer.finish()
    }

    /// Reads `prefix.npy` and `prefix.csv` as written by `write(prefix:)` or `ser features`, and the recipe in
    /// `prefix.json` when it is there.
    public static func read(prefix: String) throws(FeaturesError) -> FeatureTable {
        let (shape, values) = try NPY.readFloat32Matrix(prefix + ".npy")
        let (rows, columns) = try FeatureCSV.read(prefix + ".csv")
        guard rows.count == shape.rows else {
            throw FeaturesError(.mismatch, path: prefix + ".csv",
                                "\(rows.count) rows, but \(prefix).npy holds \(shape.rows)")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            let row = bad / shape.columns
            throw FeaturesError(.notFinite, path: prefix + ".npy",
                                "row \(row) (\(rows[row].file), window \(rows[row].window)) column \(bad % shape.columns) is \(values[bad]); features must be finite")
        }
        let recipe = try FeatureRecipe.read(prefix: prefix)
        if let recipe, recipe.width != shape.columns {
            throw FeaturesError(.mismatch, path: FeatureRecipe.path(prefix: prefix),
                                "the recipe's features \(recipe.featureName) are \(recipe.width) values, but \(prefix).npy rows hold \(shape.columns)")
        }
        var table = FeatureTable(width: shape.columns, values: values, rows: rows, recipe: recipe)
        table.declaredAttributes = columns
        return table
    }
}

/// Writes a feature table row by row, so memory stays flat however many rows there are: `PREFIX.npy` and
/// `PREFIX.csv` grow in temporary files beside their targets and are renamed into place by `finish()`
/// (nothing is left behind if the writer is dropped unfinished). Not thread-safe.
public final class FeatureTableWriter {
    public let prefix: String
    public let width: Int
    public let attributeNames: [String]
    /// Written to `PREFIX.json` by `finish()`; nil removes an older `PREFIX.json` instead.
    public let recipe: FeatureRecipe?
    public private(set) var count = 0

    private let npyPath: String, csvPath: String
    private let npyTemporary: String, csvTemporary: String
    private var npy: UnsafeMutablePointer<FILE>?
    private var csv: UnsafeMutablePointer<FILE>?

    /// Opens the temporary files. `attributeNames` are the extra CSV columns, in order; rows may leave any empty.
    public init(prefix: String, width: Int, attributeNames: [String] = [], recipe: FeatureRecipe? = nil) throws(FeaturesError) {
        precondition(width > 0, "FeatureTableWriter: width must be positive")
        guard !prefix.isEmpty, prefix.last != "/" else {
            throw FeaturesError(.badParameter, path: prefix.isEmpty ? nil : prefix,
                                prefix.isEmpty ? "the output prefix is empty; give one such as build/feats (writes build/feats.npy and .csv)"
                                               : "the output prefix ends with '/'; add a file name prefix such as \(prefix)feats")
        }
        for target in [prefix + ".npy", prefix + ".csv"] {
            do { try AtomicFile.checkTarget(target) } catch {
                throw FeaturesError(.cannotWrite, error.description)
            }
        }
        self.prefix = prefix
        self.width = width
        self.attributeNames = attributeNames
        self.recipe = recipe
        npyPath = prefix + ".npy"
        csvPath = prefix + ".csv"
        npyTemporary = AtomicFile.temporaryPath(for: npyPath)
        csvTemporary = AtomicFile.temporaryPath(for: csvPath)
        guard let npy = fopen(npyTemporary, "wb") else {
            throw FeaturesError(.cannotWrite, path: npyPath, "cannot create file: \(String(cString: strerror(errno)))")
        }
        self.npy = npy
        guard let csv = fopen(csvTemporary, "wb") else {
            let reason = String(cString: strerror(errno))
            fclose(npy)
            AtomicFile.remove(npyTemporary)
            self.npy = nil
            throw FeaturesError(.cannotWrite, path: csvPath, "cannot create file: \(reason)")
        }
        self.csv = csv
        try put(NPY.header(rows: 0, columns: width), to: npy, path: npyPath)
        let header = (["index", "file", "window", "start_s", "end_s"] + attributeNames).map(FeatureCSV.field).joined(separator: ",")
        try put(Array((header + "\n").utf8), to: csv, path: csvPath)
    }

    deinit { abandon() }

    /// Appends one row. Values must be finite; attribute names must be among `attributeNames`.
    public func append(_ vector: some Collection<Float>, _ row: FeatureRow) throws(FeaturesError) {
        guard let npy, let csv else { throw FeaturesError(.cannotWrite, path: npyPath, "the writer is already closed") }
        guard vector.count == width else {
            throw FeaturesError(.mismatch, path: npyPath, "row \(count) has \(vector.count) values, the table \(width)")
        }
        if let bad = vector.firstIndex(where: { !$0.isFinite }) {
            throw FeaturesError(.notFinite, path: row.file, "window \(row.window): feature \(vector.distance(from: vector.startIndex, to: bad)) is \(vector[bad])")
        }
        if let unknown = row.attributes.keys.first(where: { !attributeNames.contains($0) }) {
            throw FeaturesError(.mismatch, path: csvPath, "row \(count) has attribute '\(unknown)', not a column of this table")
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(4 * width)
        for v in vector { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        try put(bytes, to: npy, path: npyPath)
        var fields = [String(count), row.file, String(row.window), FeatureCSV.seconds(row.start), FeatureCSV.seconds(row.end)]
        for name in attributeNames { fields.append(row.attributes[name] ?? "") }
        try put(Array((fields.map(FeatureCSV.field).joined(separator: ",") + "\n").utf8), to: csv, path: csvPath)
        count += 1
    }

    /// Writes the final row count into the .npy header, closes both files and renames them into place.
    public func finish() throws(FeaturesError) {
        guard let npy, let csv else { throw FeaturesError(.cannotWrite, path: npyPath, "the writer is already closed") }
        let header = NPY.header(rows: count, columns: width)
        let patched = fseek(npy, 0, SEEK_SET) == 0
            && header.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, npy) } == header.count
        let npyClosed = fclose(npy) == 0
        let csvClosed = fclose(csv) == 0
        self.npy = nil
        self.csv = nil
        guard patched, npyClosed, csvClosed else {
            abandon()
            throw FeaturesError(.cannotWrite, path: npyPath, "write failed: \(String(cString: strerror(errno)))")
        }
        do {
            try AtomicFile.commit(npyTemporary, to: npyPath)
            try AtomicFile.commit(csvTemporary, to: csvPath)
            let recipePath = FeatureRecipe.path(prefix: prefix)
            if let recipe {
                try AtomicFile.write(Array(recipe.json.utf8), to: recipePath)
            } else {
                unlink(recipePath)
            }
        } catch {
            abandon()
            throw FeaturesError(.cannotWrite, path: prefix, error.message)
        }
    }

    /// Closes and deletes the temporary files (after a failure, or when dropped unfinished).
    private func abandon() {
        if let npy { fclose(npy) }
        if let csv { fclose(csv) }
        npy = nil
        csv = nil
        AtomicFile.remove(npyTemporary)
        AtomicFile.remove(csvTemporary)
    }

    private func put(_ bytes: [UInt8], to file: UnsafeMutablePointer<FILE>, path: String) throws(FeaturesError) {
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else {
            throw FeaturesError(.cannotWrite, path: path, "write failed: \(String(cString: strerror(errno)))")
        }
    }
}
