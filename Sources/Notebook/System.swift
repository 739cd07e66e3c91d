#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The value of an environment variable (`getenv`).
func environmentValue(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

/// The current working folder (`getcwd`).
func currentFolder() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// An absolute, normalized path (`.` and `..` resolved textually), relative paths taken from the working folder.
func absolutePath(_ path: String) -> String {
    let full = path.hasPrefix("/") ? path : currentFolder() + "/" + path
    var parts: [Substring] = []
    for part in full.split(separator: "/") {
        if part == "." { continue }
        if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
        parts.append(part)
    }
    return "/" + parts.joined(separator: "/")
}

/// The path of `target` relative to the folder `folder` (both taken from the working folder when relative).
func relativePath(to target: String, from folder: String) -> String {
    let t = absolutePath(target).split(separator: "/")
    let f = absolutePath(folder).split(separator: "/")
    var common = 0
    while common < t.count, common < f.count, t[common] == f[common] { common += 1 }
    let ups = Array(repeating: "..", count: f.count - common)
    let rest = t[common...].map(String.init)
    let parts = ups + rest
    return parts.isEmpty ? "." : parts.joined(separator: "/")
}
