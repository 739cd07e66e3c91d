import ArgumentParser
import Notebook

/// `ser cache info|clear`: what the value cache holds, and emptying it.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Show or clear the value cache (.ser-cache/) that notebook runs reuse.",
        discussion: """
        Expensive results (demo corpora, features, augmentations, trained models, cross-validations) are \
        stored under .ser-cache/, named by a hash of the command, its arguments, its inputs, the seed and \
        ser's version, so a re-run with nothing changed is served from the cache.
        """,
        subcommands: [CacheInfo.self, CacheClear.self],
        defaultSubcommand: CacheInfo.self
    )
}

struct CacheFolderOption: ParsableArguments {
    @Option(name: .customLong("cache"), help: "The cache folder.")
    var folder = ".ser-cache"
}

struct CacheInfo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Entries and sizes, per kind of result.")

    @OptionGroup var cache: CacheFolderOption

    func run() throws {
        let summary = DiskCache(folder: cache.folder).summary()
        print("cache \(cache.folder): \(summary.entries) entries, \(formatBytes(summary.bytes))")
        guard !summary.kinds.isEmpty else { return }
        let width = max(4, summary.kinds.map(\.kind.count).max() ?? 0)
        print("kind".padding(width) + "  entries        size")
        for (kind, entries, bytes) in summary.kinds {
            print(kind.padding(width) + "  " + String(entries).leftPadding(7) + "  " + formatBytes(bytes).leftPadding(10))
        }
    }
}

struct CacheClear: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clear", abstract: "Remove every cache entry.")

    @OptionGroup var cache: CacheFolderOption

    func run() throws {
        let removed = DiskCache(folder: cache.folder).clear()
        print("removed \(removed) entries from \(cache.folder)")
    }
}

/// `512 B`, `12.3 kB`, `4.5 MB`, `1.2 GB` (powers of 1000).
func formatBytes(_ bytes: Int) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
    return unit == 0 ? "\(bytes) B" : "\(Double(Int(value * 10)) / 10) \(units[unit])"
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
