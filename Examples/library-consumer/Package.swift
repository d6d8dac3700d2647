// swift-tools-version:6.2
import PackageDescription

// A package that depends on handshake's libraries as users' packages do:
// by git URL and version. Examples/library-consumer/run points HANDSHAKE_URL
// at a tagged copy of this checkout; a real package names handshake's URL.
guard let handshake = Context.environment["HANDSHAKE_URL"] else {
    fatalError("set HANDSHAKE_URL to handshake's git URL")
}

let package = Package(
    name: "library-consumer",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: handshake, from: "1.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "track-states",
            dependencies: [
                .product(name: "Capture", package: "handshake"),
                .product(name: "Wire", package: "handshake"),
                .product(name: "Tracker", package: "handshake"),
            ]
        ),
    ]
)
