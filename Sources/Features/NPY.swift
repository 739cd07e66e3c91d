#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Audio
import Support

/// NumPy's .npy format (version 1.0) for 2-D float32 matrices in C order.
public enum NPY {
    /// Size of the header ser writes: fixed, so that a streamed file's row count can be patched in place.
    static let headerSize = 128

    /// The header for a `(rows, columns)` little-endian float32 C-order array: magic, version 1.0, length,
    /// the dict, padded with spaces and a final newline to `headerSize` bytes (a multiple of 64, as NumPy aligns).
    static func header(rows: Int, columns: Int) -> [UInt8] {
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        let bodyLength = headerSize - 10
        let body = dict + String(repeating: " ", count: bodyLength - 1 - dict.count) + "\n"
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(bodyLength & 0xff), UInt8(bodyLength >> 8)] + Array(body.utf8)
    }

    /// Writes a `rows × columns` float32 matrix atomically.
    public static func write(_ values: [Float], rows: Int, columns: Int, to path: String) throws(FeaturesError) {
        precondition(values.count == rows * columns, "NPY.write: \(values.count) values for \(rows) × \(columns)")
        var bytes = header(rows: rows, columns: columns)
        bytes.reserveCapacity(bytes.count + 4 * values.count)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        do { try AtomicFile.write(bytes, to: path) } catch {
            throw FeaturesError(.cannotWrite, path: path, error.message)
        }
    }

    /// Reads a 2-D float32 (`<f4`) or float64 (`<f8`, converted) C-order .npy file.
    public static func readFloat32Matrix(_ path: String) throws(FeaturesError) -> (shape: (rows: Int, columns: Int), values: [Float]) {
        try decodeFloat32Matrix(try readAll(path), path: path)
    }

    /// `readFloat32Matrix` on bytes in memory (`path` names them in errors). Every size is checked against
    /// the bytes present before anything is allocated.
    static func decodeFloat32Matrix(_ bytes: [UInt8], path: String) throws(FeaturesError) -> (shape: (rows: Int, columns: Int), values: [Float]) {
        func bad(_ why: String) -> FeaturesError { FeaturesError(.badFormat, path: path, "not a float32 .npy matrix: \(why)") }
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else { throw bad("no .npy magic") }
        let major = bytes[6]
        let headerLength: Int, start: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw bad("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            start = 12
        default:
            throw bad("unsupported version \(major)")
        }
        guard bytes.count >= start + headerLength else { throw bad("truncated header") }
        let dict = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
        func value(_ key: String) -> Substring? {
            guard let k = dict.firstRange(of: "'\(key)':") else { return nil }
            return dict[k.upperBound...].drop { $0 == " " }
        }
        guard let descr = value("descr") else { throw bad("no 'descr'") }
        let isDouble: Bool
        if descr.hasPrefix("'<f4'") { isDouble = false } else if descr.hasPrefix("'<f8'") { isDouble = true } else {
            throw bad("dtype \(descr.prefix { $0 != "," }), expected '<f4'")
        }
        guard let order = value("fortran_order"), order.hasPrefix("False") else { throw bad("Fortran order") }
        guard let shapeText = value("shape"), shapeText.hasPrefix("("), let close = shapeText.firstIndex(of: ")") else {
            throw bad("no 'shape'")
        }
        let dims = shapeText[shapeText.index(after: shapeText.startIndex)..<close]
            .split(separator: ",").map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }.compactMap { Int($0) }
        guard dims.count == 2 else { throw bad("shape \(shapeText[...close]) is not 2-D") }
        guard dims[0] >= 0, dims[1] >= 0 else { throw bad("negative shape (\(dims[0]), \(dims[1]))") }
        let itemSize = isDouble ? 8 : 4
        let dataStart = start + headerLength
        let (count, o1) = dims[0].multipliedReportingOverflow(by: dims[1])
        let (needed, o2) = count.multipliedReportingOverflow(by: itemSize)
        guard !o1, !o2, bytes.count - dataStart == needed else {
            throw FeaturesError(.badFormat, path: path,
                                "truncated or padded: shape (\(dims[0]), \(dims[1])) needs \(o1 || o2 ? "more" : String(needed)) data bytes, found \(bytes.count - dataStart)")
        }
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for i in 0..<count {
                if isDouble {
                    values[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + 8 * i, as: UInt64.self))))
                } else {
                    values[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + 4 * i, as: UInt32.self)))
                }
            }
        }
        return ((dims[0], dims[1]), values)
    }

    /// The most bytes a table file (.npy or .csv) may have: 8 GiB (2³¹ float32 values).
    static let maxFileBytes = 8 << 30

    /// The bytes of a whole table file (Support's reader: only regular files — a FIFO would block —, at most
    /// `maxFileBytes`).
    static func readAll(_ path: String) throws(FeaturesError) -> [UInt8] {
        do { return try Files.readRegularFile(path, maxBytes: maxFileBytes) } catch {
            throw FeaturesError(.cannotOpen, path: path, error.reason == .notRegular ? "\(error.message), not a table file" : error.message)
        }
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

/// RFC 4180 CSV writing, shared by every CSV ser writes.
public enum CSV {
    /// A field with RFC 4180 quoting when it holds a comma, quote, CR or LF or leading/trailing spaces.
    ///
    /// Decided on bytes, not on Characters: "\r\n" is one Character (equal to neither "\r" nor "\n"), and a
    /// quote followed by a combining mark is one Character too, so a Character test would miss both.
    public static func field(_ s: String) -> String {
        let bytes = Array(s.utf8)
        let special: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r")]
        let needsQuotes = bytes.contains(where: special.contains) || bytes.first == UInt8(ascii: " ") || bytes.last == UInt8(ascii: " ")
        guard needsQuotes else { return s }
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for b in bytes {
            out.append(b)
            if b == UInt8(ascii: "\"") { out.append(b) }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }
}

/// The CSV side of a feature table.
enum FeatureCSV {
    static let fixedColumns = ["index", "file", "window", "start_s", "end_s"]

    static func field(_ s: String) -> String { CSV.field(s) }

    /// Seconds as the shortest decimal that reads back to the same Double ("2.0", "0.5").
    static func seconds(_ s: Double) -> String { "\(s)" }

    /// Parses a feature-table CSV into rows (empty attribute fields are left out of `attributes`).
    static func read(_ path: String) throws(FeaturesError) -> (rows: [FeatureRow], attributes: [String]) {
        try decode(try NPY.readAll(path), path: path)
    }

    /// `read` on bytes in memory (`path` names them in errors).
    static func decode(_ bytes: [UInt8], path: String) throws(FeaturesError) -> (rows: [FeatureRow], attributes: [String]) {
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }   // a UTF-8 byte-order mark
        let text = String(decoding: bytes, as: UTF8.self)
        let records = try parse(text, path: path)
        guard let header = records.first?.fields else { throw FeaturesError(.badFormat, path: path, line: 1, "empty file: no header") }
        guard header.count >= fixedColumns.count, Array(header.prefix(fixedColumns.count)) == fixedColumns else {
            throw FeaturesError(.badFormat, path: path, line: 1,
                                "header must start with \(fixedColumns.joined(separator: ",")) (found \(header.prefix(5).joined(separator: ",")))")
        }
        let attributes = Array(header.dropFirst(fixedColumns.count))
        var rows: [FeatureRow] = []
        for (n, record) in records.dropFirst().enumerated() {
            let line = record.line
            guard record.fields.count == header.count else {
                throw FeaturesError(.badFormat, path: path, line: line, "\(record.fields.count) fields, the header has \(header.count)")
            }
            let f = record.fields
            guard let index = Int(f[0]), index == n else {
                throw FeaturesError(.badFormat, path: path, line: line, "index '\(f[0])' should be \(n)")
            }
            guard let window = Int(f[2]), window >= 0 else {
                throw FeaturesError(.badFormat, path: path, line: line, "window '\(f[2])' is not a non-negative integer")
            }
            guard let start = Double(f[3]), let end = Double(f[4]) else {
                throw FeaturesError(.badFormat, path: path, line: line, "start_s/end_s '\(f[3])', '\(f[4])' are not numbers")
            }
            var attrs: [String: String] = [:]
            for (i, name) in attributes.enumerated() where !f[fixedColumns.count + i].isEmpty {
                attrs[name] = f[fixedColumns.count + i]
            }
            rows.append(FeatureRow(file: f[1], window: window, start: start, end: end, attributes: attrs))
        }
        return (rows, attributes)
    }

    /// RFC 4180 records with the line each starts on; a final newline is optional, blank lines are skipped.
    static func parse(_ text: String, path: String) throws(FeaturesError) -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var line = 1, recordLine = 1
        var chars = Array(text.unicodeScalars)[...]
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !wasQuoted) { records.append((recordLine, fields)) }
            fields = []
            field = ""
            wasQuoted = false
        }
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                quoted = true
                wasQuoted = true
            case ",":
                fields.append(field)
                field = ""
            case "\r" where chars.first == "\n":
                break
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw FeaturesError(.badFormat, path: path, line: recordLine, "unterminated quoted field") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }
}
