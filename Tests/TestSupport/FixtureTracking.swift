import Capture
import Tracker
import Wire

/// A capture read as the command reads it: Capture → Wire → Tracker.
public enum FixtureTracking {
    /// Every TCP segment of the capture at `path`.
    public static func segments(_ path: String) throws -> [TCPSegment] {
        let file = try CaptureFile(path: path)
        var segments: [TCPSegment] = []
        while let packet = try file.nextPacket() {
            segments.append(try SegmentDecoder.decode(
                packet.bytes, linkType: LinkType(rawValue: packet.linkType),
                timestamp: Timestamp(seconds: packet.seconds, nanoseconds: packet.nanoseconds),
                wireLength: packet.originalLength))
        }
        return segments
    }

    /// Every event tracking the capture produces, segment events included.
    public static func events(_ path: String) throws -> [ConnectionEvent] {
        var configuration = TrackerConfiguration()
        configuration.reportedEvents = .all
        var tracker = ConnectionTracker(configuration: configuration)
        var sink = CollectingSink()
        for segment in try segments(path) { tracker.process(segment, into: &sink) }
        tracker.finish(into: &sink)
        return sink.events
    }

    /// The connection records, in the order they finished.
    public static func records(_ path: String) throws -> [ConnectionRecord] {
        try events(path).compactMap { if case .finished(let record) = $0 { record } else { nil } }
    }
}
