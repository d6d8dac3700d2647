// swift-tools-version:6.2
import PackageDescription

// Data flows one way: CPcap → Capture → Wire → Tracker → Report → Pipeline → handshake.
// Wire and Tracker never see libpcap; only Capture links it.

/// Report's renderers and the pipeline are generic over what they write to
/// and are called from the modules above them on every event; without
/// cross-module optimisation they ran unspecialised. These are the
/// executable's own modules, not products: SwiftPM refuses a versioned
/// dependency whose products use unsafe flags. The library products (Wire,
/// Capture, Tracker) get the same speed without them: Wire's small value
/// types are @inlinable, and the tracker's per-segment code is compiled for
/// one sink inside its module (see ConnectionTracker.forwarding).
let optimised: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
let package = Package(
    name: "handshake",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "handshake", targets: ["handshake"]),
        // Decoding, reading captures and tracking, for other packages
        // (Examples/library-consumer depends on them as a tagged version).
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "Capture", targets: ["Capture"]),
        .library(name: "Tracker", targets: ["Tracker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),
        .target(name: "Capture", dependencies: ["CPcap"]),
        .target(name: "Wire"),
        // One C inline function: a cache prefetch, which Swift cannot express.
        .target(name: "CMemoryHints"),
        .target(name: "Tracker", dependencies: ["Wire", "CMemoryHints"]),
        .target(name: "Report", dependencies: ["Tracker", "Wire"], swiftSettings: optimised),
        // Source → decode → track → render, and the one list of output formats.
        .target(name: "Pipeline", dependencies: ["Capture", "Wire", "Tracker", "Report"], swiftSettings: optimised),
        // `handshake check`: rules, expected connections and JUnit output over connection records.
        .target(name: "Assertions", dependencies: ["Report", "Tracker", "Wire"], swiftSettings: optimised),
        .executableTarget(
            name: "handshake",
            dependencies: [
                "Capture", "Wire", "Tracker", "Report", "Assertions", "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: optimised
        ),
        .testTarget(name: "WireTests", dependencies: ["Wire", "TestSupport"]),
        // Shared by the test targets: paths to Fixtures/, scratch files, seeded randomness.
        .target(name: "TestSupport", dependencies: ["Capture", "Tracker", "Wire", "Pipeline", "Report"],
                path: "Tests/TestSupport"),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "TestSupport"]),
        .testTarget(name: "TrackerTests", dependencies: ["Tracker", "Wire", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Tracker", "Wire", "TestSupport"]),
        .testTarget(name: "AssertionsTests", dependencies: ["Assertions", "Report", "Tracker", "Wire", "TestSupport", "Capture"]),
        .testTarget(name: "FixtureTests", dependencies: ["Capture", "Wire", "Tracker", "Report", "Pipeline", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Capture", "Report", "Wire", "TestSupport"]),
        .testTarget(name: "handshakeTests", dependencies: ["handshake", "TestSupport"]),
    ]
)
