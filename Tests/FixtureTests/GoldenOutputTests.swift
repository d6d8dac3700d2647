import TestSupport
import Foundation
import Pipeline
import Report
import Testing
import Tracker

/// Every output format of the registry (`OutputFormat`) on real captures,
/// against pinned files in Fixtures/golden, reviewed by eye once. A change
/// to any format shows here as a diff to review. `make golden` runs this
/// suite with HANDSHAKE_GOLDEN=write, which rewrites the files instead.
struct GoldenOutputTests {
    /// The captures whose every format is pinned.
    static let fixtures = ["ipv4-loopback", "half-close", "rst-abort", "refused", "unanswered-syn", "simultaneous-open",
                           "simultaneous-close", "mid-stream", "lost-fin", "port-reuse"]

    /// Each golden file's suffix, format and options: every format that
    /// tracks connections, and the steps format in Korean too.
    static let variants: [(suffix: String, format: OutputFormat, options: RenderingOptions)] =
        OutputFormat.allCases.filter(\.tracksConnections).map { ($0.rawValue, $0, RenderingOptions()) }
        + [("steps-ko", .steps, RenderingOptions(language: .ko))]

    static let goldenFiles = fixtures.flatMap { fixture in variants.map { "\(fixture).\($0.suffix)" } }
    static let directory = FixtureFiles.directory.appendingPathComponent("golden")
    static let writing = ProcessInfo.processInfo.environment["HANDSHAKE_GOLDEN"] == "write"

    @Test func noGoldenFileIsLeftOver() throws {
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
        #expect(Set(present) == Set(Self.goldenFiles))
        #expect(Self.goldenFiles.count == 90)
    }

    @Test(arguments: goldenFiles)
    func outputMatchesGolden(file: String) throws {
        let fixture = String(file.prefix { $0 != "." })
        let variant = try #require(Self.variants.first { file == "\(fixture).\($0.suffix)" })
        let events = try FixtureTracking.events(FixtureFiles.path("\(fixture).pcap"))
        let rendered = try #require(variant.format.render(events, options: variant.options))
        let url = Self.directory.appendingPathComponent(file)
        if Self.writing { return try Data(rendered.utf8).write(to: url) }
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(rendered == golden, "\(file) differs; if the change is intended, run `make golden` and review")
    }
}
