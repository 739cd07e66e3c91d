// swift-tools-version: 6.1
import PackageDescription

/// Settings every Swift target shares: Swift 6 language mode plus the upcoming features STYLE.md asks for.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// A system-library target: `Sources/<name>/module.modulemap` + `shim.h`, found through pkg-config,
/// installed from Debian's package `apt` when missing (scripts/bootstrap does that for `make`).
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "ser",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ser", targets: ["ser"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries
        systemLibrary("CSndFile", pkgConfig: "sndfile", apt: "libsndfile1-dev"),
        systemLibrary("CFFTW", pkgConfig: "fftw3f", apt: "libfftw3-dev"),
        systemLibrary("CSoxr", pkgConfig: "soxr", apt: "libsoxr-dev"),
        systemLibrary("CBLAS", pkgConfig: "openblas", apt: "libopenblas-dev"),
        systemLibrary("CEdit", pkgConfig: "libedit", apt: "libedit-dev"),
        systemLibrary("CPNG", pkgConfig: "libpng", apt: "libpng-dev"),

        // Library modules (dependencies point one way: see docs/architecture.md)
        .target(name: "Audio", dependencies: ["CSndFile", "CSoxr"], swiftSettings: swiftSettings),
        .target(name: "Features", dependencies: ["Audio", "CFFTW"], swiftSettings: swiftSettings),
        .target(name: "Augment", dependencies: ["Audio", "Features"], swiftSettings: swiftSettings),
        .target(name: "Learn", dependencies: ["CBLAS"], swiftSettings: swiftSettings),
        .target(name: "Plot", dependencies: ["CPNG"], swiftSettings: swiftSettings),
        .target(name: "Evaluate", swiftSettings: swiftSettings),
        .target(name: "Corpus", dependencies: ["Audio"], swiftSettings: swiftSettings),
        .target(
            name: "Language", dependencies: ["Audio", "Corpus", "Features", "Augment", "Learn", "Evaluate", "Plot"],
            swiftSettings: swiftSettings
        ),
        .target(name: "Console", dependencies: ["CEdit", "Language"], swiftSettings: swiftSettings),
        .target(name: "Notebook", dependencies: ["Audio", "Language"], swiftSettings: swiftSettings),

        // The executable: argument parsing and subcommands only
        .executableTarget(
            name: "ser",
            dependencies: [
                "Audio", "Features", "Augment", "Learn", "Plot", "Console", "Evaluate", "Notebook", "Language",
                "Corpus",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Tests: one target per module
        .testTarget(name: "AudioTests", dependencies: ["Audio"], swiftSettings: swiftSettings),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "Audio"], resources: [.copy("Fixtures")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AugmentTests", dependencies: ["Augment", "Audio", "Features"], resources: [.copy("Fixtures")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "LearnTests", dependencies: ["Learn"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "PlotTests", dependencies: ["Plot"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "Language", "Features"], swiftSettings: swiftSettings),
        .testTarget(name: "CorpusTests", dependencies: ["Corpus", "Audio", "Features", "Evaluate"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LanguageTests", dependencies: ["Language", "Audio", "Corpus", "Features", "Learn", "Evaluate"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvaluateTests", dependencies: ["Evaluate"], resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        // End-to-end tests of the `ser` executable (runs the built binary; no module dependency).
        .testTarget(name: "CLITests", dependencies: ["ser"], swiftSettings: swiftSettings),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "Language"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
