// swift-tools-version:6.0
import PackageDescription

// Data flows one way: CPcap → Capture → Wire → Tracker → Report → Pipeline → handshake.
// Wire and Tracker never see libpcap; only Capture links it.

/// The tracker's entry points are generic over the event sink and called
/// from other modules: without cross-module optimisation they ran
/// unspecialised, through witness tables, on every segment.
let optimised: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
/// The capture readers keep their buffer position in a class, and checking
/// exclusive access to it at run time cost 3% of reading a file; the
/// compiler still checks it statically. Tests run with the checks on.
let capture: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]
let package = Package(
    name: "handshake",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "handshake", targets: ["handshake"]),
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "Capture", targets: ["Capture"]),
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
        .target(name: "Capture", dependencies: ["CPcap"], swiftSettings: capture),
        .target(name: "Wire", swiftSettings: optimised),
        // One C inline function: a cache prefetch, which Swift cannot express.
        .target(name: "CMemoryHints"),
        .target(name: "Tracker", dependencies: ["Wire", "CMemoryHints"], swiftSettings: optimised),
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
        .target(name: "TestSupport", dependencies: ["Capture", "Tracker", "Wire"], path: "Tests/TestSupport"),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "TestSupport"]),
        .testTarget(name: "TrackerTests", dependencies: ["Tracker", "Wire", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Tracker", "Wire"]),
        .testTarget(name: "AssertionsTests", dependencies: ["Assertions", "Report", "Tracker", "Wire", "TestSupport", "Capture"]),
        .testTarget(name: "FixtureTests", dependencies: ["Capture", "Wire", "Tracker", "Report", "Pipeline", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Capture", "Report", "TestSupport"]),
        .testTarget(name: "handshakeTests", dependencies: ["handshake", "TestSupport"]),
    ]
)
