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
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // Markdown → HTML for the notebook reports (`ser run --to html`)
        .package(url: "https://github.com/JohnSundell/Ink", exact: "0.6.0"),
    ],
    targets: [
        // C libraries
        systemLibrary("CSndFile", pkgConfig: "sndfile", apt: "libsndfile1-dev"),
        systemLibrary("CFFTW", pkgConfig: "fftw3f", apt: "libfftw3-dev"),
        systemLibrary("CSoxr", pkgConfig: "soxr", apt: "libsoxr-dev"),
        systemLibrary("CEdit", pkgConfig: "libedit", apt: "libedit-dev"),
        systemLibrary("CPNG", pkgConfig: "libpng", apt: "libpng-dev"),
        // ser's C kernels, with one arithmetic on every CPU: the GEMM and training's passes (gemm.c, kernels.c), the
        // per-bin loops of features and the phase vocoder (dsp.c); optimised in debug builds too, since the tests
        // train and extract features with them. No contraction into FMAs, whatever flags a build adds (clang lets
        // -ffp-contract=fast override the files' FP_CONTRACT OFF pragmas): every FMA is written out.
        .target(name: "CGEMM", cSettings: [.unsafeFlags(["-O2", "-ffp-contract=off"])]),

        // The bottom: files, atomic writes, locks, seeded generators, ordered parallel map, the error protocol
        .target(name: "Support", swiftSettings: swiftSettings),

        // Library modules (dependencies point one way: see docs/architecture.md)
        .target(name: "Audio", dependencies: ["Support", "CSndFile", "CSoxr"], swiftSettings: swiftSettings),
        .target(name: "Features", dependencies: ["Support", "Audio", "CFFTW", "CGEMM"], swiftSettings: swiftSettings),
        .target(name: "Augment", dependencies: ["Support", "Audio", "Features", "CGEMM"], swiftSettings: swiftSettings),
        .target(name: "Learn", dependencies: ["Support", "CGEMM"], swiftSettings: swiftSettings),
        .target(name: "Plot", dependencies: ["Support", "CPNG"], swiftSettings: swiftSettings),
        .target(name: "Evaluate", dependencies: ["Support"], swiftSettings: swiftSettings),
        .target(name: "Corpus", dependencies: ["Support", "Audio"], swiftSettings: swiftSettings),
        .target(
            name: "Language",
            dependencies: [
                "Support", "Audio", "Corpus", "Features", "Augment", "Learn", "Evaluate", "Plot",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Notebook", dependencies: ["Support", "Audio", "Language", .product(name: "Ink", package: "Ink")],
            swiftSettings: swiftSettings
        ),
        .target(name: "Console", dependencies: ["Support", "CEdit", "Language", "Notebook", "Plot"], swiftSettings: swiftSettings),

        // The executable: argument parsing and subcommands only
        .executableTarget(
            name: "ser",
            dependencies: [
                // front-ends and the support module only: every pipeline is a library function in Language
                "Support", "Language", "Notebook", "Console",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Tests: one target per module, and what the fuzz tests share (test code: no module depends on it)
        .target(name: "FuzzSupport", dependencies: ["Support"], path: "Tests/FuzzSupport", swiftSettings: swiftSettings),
        .testTarget(name: "SupportTests", dependencies: ["Support"], swiftSettings: swiftSettings),
        .testTarget(name: "AudioTests", dependencies: ["Support", "FuzzSupport", "Audio", "CSndFile"], swiftSettings: swiftSettings),
        .testTarget(name: "FeaturesTests", dependencies: ["Support", "FuzzSupport", "Features", "Audio", "CGEMM"], resources: [.copy("Fixtures")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AugmentTests", dependencies: ["Support", "Augment", "Audio", "Features", "CGEMM"], resources: [.copy("Fixtures")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "LearnTests", dependencies: ["Support", "FuzzSupport", "Learn"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "PlotTests", dependencies: ["Support", "Plot"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "ConsoleTests", dependencies: ["Support", "Console", "Language", "Features", "Notebook", "Plot"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "CorpusTests", dependencies: ["Support", "Corpus", "Audio", "Features", "Evaluate"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LanguageTests", dependencies: ["Support", "FuzzSupport", "Language", "Audio", "Corpus", "Features", "Learn", "Evaluate"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvaluateTests", dependencies: ["Support", "Evaluate"], resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        // End-to-end tests of the `ser` executable (runs the built binary), and ParityTests: each `ser` command
        // against its verb (the same weights, reports, tables, audio and PNG bytes).
        .testTarget(name: "CLITests", dependencies: ["ser", "Language", "Audio", "Features", "Learn", "Evaluate"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "NotebookTests", dependencies: ["Support", "FuzzSupport", "Notebook", "Language", "Features", "Evaluate"],
                    resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
