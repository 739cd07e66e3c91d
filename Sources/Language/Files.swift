import Foundation

/// Creates the folders above `path` that do not exist yet.
func makeParentDirectories(of path: String) throws {
    let parent = (path as NSString).deletingLastPathComponent
    guard !parent.isEmpty else { return }
    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
}
