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

    /// Every event tracking the capture produces, segment events included,
    /// and Zeek's rows as `ZeekSessionTracker` logs them (after the tracker's events).
    public static func events(_ path: String) throws -> [ConnectionEvent] {
        var configuration = TrackerConfiguration()
        configuration.reportedEvents = .all
        var tracker = ConnectionTracker(configuration: configuration)
        var zeekSessions = ZeekSessionTracker()
        var sink = CollectingSink()
        var zeekRows: [ZeekRow] = []
        let file = try CaptureFile(path: path)
        while let packet = try file.nextPacket() {
            let segment = try SegmentDecoder.decode(
                packet.bytes, linkType: LinkType(rawValue: packet.linkType),
                timestamp: Timestamp(seconds: packet.seconds, nanoseconds: packet.nanoseconds),
                wireLength: packet.originalLength)
            tracker.process(segment, into: &sink)
            let start = min(segment.payloadOffset, packet.bytes.count)
            let end = min(packet.bytes.count, start + segment.payloadLength)
            zeekSessions.process(segment, payload: UnsafeRawBufferPointer(rebasing: packet.bytes[start..<end]),
                                 into: &zeekRows)
        }
        tracker.finish(into: &sink)
        zeekSessions.finish(into: &zeekRows)
        return sink.events + zeekRows.map { .zeekRow($0) }
    }

    /// The connection records, in the order they finished.
    public static func records(_ path: String) throws -> [ConnectionRecord] {
        try events(path).compactMap { if case .finished(let record) = $0 { record } else { nil } }
    }
}
