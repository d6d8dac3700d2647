import Foundation
import Pipeline
import Report
import TestSupport
import Testing
import Tracker
import Wire

/// Every format of the registry renders captures whose timestamps were
/// shuffled among their segments: times that run backwards, by
/// milliseconds or seconds, before a connection's first segment. Nothing
/// may trap, and no relative time may come out as `0.-49` (both happened in
/// the ladder, issue 21).
struct ShuffledTimeTests {
    @Test(arguments: ["ipv4-loopback.pcap", "simultaneous-close.pcap", "busy.pcap", "port-reuse.pcap"], [1, 2, 3])
    func everyFormatRendersShuffledTimes(fixture: String, seed: UInt64) throws {
        var segments = try FixtureTracking.segments(FixtureFiles.path(fixture))
        var generator = SeededGenerator(seed: seed)
        let times = segments.map(\.timestamp).shuffled(using: &generator)
        for index in segments.indices { segments[index].timestamp = times[index] }

        var configuration = TrackerConfiguration()
        configuration.reportedEvents = .all
        var tracker = ConnectionTracker(configuration: configuration)
        var sessions = ZeekSessionTracker()
        var sink = CollectingSink()
        var rows: [ZeekRow] = []
        for segment in segments {
            tracker.process(segment, into: &sink)
            sessions.process(segment, payload: UnsafeRawBufferPointer(start: nil, count: 0), into: &rows)
        }
        tracker.finish(into: &sink)
        sessions.finish(into: &rows)
        sink.events += rows.map { .zeekRow($0) }

        for format in OutputFormat.allCases where format.tracksConnections {
            let text = try #require(format.render(sink.events))
            #expect(!text.isEmpty, "\(format) of \(fixture)")
            #expect(!text.contains(".-"), "\(format) of \(fixture) wrote a negative fraction")
        }
    }
}
