import Foundation

/// Paths to the committed fixtures and scratch files for damaged copies.
public enum FixtureFiles {
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    public static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    public static func bytes(_ name: String) throws -> Data { try Data(contentsOf: directory.appendingPathComponent(name)) }

    /// Writes `data` to a fresh temporary file and returns its path.
    public static func temporary(_ data: Data, name: String = "capture") throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("handshake-tests-\(UUID().uuidString)-\(name)")
        try data.write(to: url)
        return url.path
    }
}
