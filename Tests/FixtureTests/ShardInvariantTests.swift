import Foundation
import Pipeline
import TestSupport
import Testing
import Tracker
import Wire

/// Sharding loses nothing and changes nothing: the records of shards 1…N
/// of a capture, put together and sorted, are the unsharded run's records,
/// byte for byte, on every fixture and on a generated capture of thousands
/// of interleaved connections (refused, unanswered, reset, mid-stream, IPv6).
struct ShardInvariantTests {
    static let fixtures = try! FileManager.default.contentsOfDirectory(atPath: FixtureFiles.directory.path)
        .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()

    /// NDJSON lines of the capture's records, with `shard` if given.
    static func lines(_ segments: [TCPSegment], shard: Shard?) throws -> [Substring] {
        var configuration = TrackerConfiguration()
        configuration.shard = shard
        var tracker = ConnectionTracker(configuration: configuration)
        var sink = CollectingSink()
        for segment in segments { tracker.process(segment, into: &sink) }
        tracker.finish(into: &sink)
        let text = try #require(OutputFormat.json.render(sink.events))
        return text.split(separator: "\n")
    }

    static func checkUnion(_ segments: [TCPSegment], _ name: String) throws {
        let whole = try lines(segments, shard: nil).sorted()
        #expect(!whole.isEmpty, "\(name)")
        for count in [1, 2, 3, 7] {
            var union: [Substring] = []
            for index in 1...count { union += try lines(segments, shard: Shard(index: index, count: count)) }
            #expect(union.sorted() == whole, "\(name), \(count) shards")
        }
    }

    @Test(arguments: fixtures)
    func shardsOfAFixtureMakeTheWhole(fixture: String) throws {
        try Self.checkUnion(FixtureTracking.segments(FixtureFiles.path(fixture)), fixture)
    }

    @Test func shardsOfAGeneratedCaptureMakeTheWhole() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shards-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let generator = FixtureFiles.directory.deletingLastPathComponent().appendingPathComponent("Benchmarks/generate-capture")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", generator.path, path, "--connections", "3000", "--open", "300"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let segments = try FixtureTracking.segments(path)
        #expect(segments.count > 25_000)
        try Self.checkUnion(segments, "generated")
    }
}
