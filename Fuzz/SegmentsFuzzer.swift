import Tracker
import Wire

/// libFuzzer entry point: arbitrary bytes through link-layer decoding (and
/// every tunnel), Wire and Tracker, and Zeek's table with each segment's
/// payload. The input is a link-type selector byte, then frames, each a
/// two-byte big-endian length and that many bytes; every frame is decoded
/// and what decodes is tracked, one millisecond apart, in a table small
/// enough that evictions happen too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    guard let selector = input.first else { return 0 }
    let linkTypes: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .null, .loop, .raw, .ipv4, .ipv6, .fddi]
    let linkType = linkTypes[Int(selector) % linkTypes.count]
    var configuration = TrackerConfiguration()
    configuration.maximumConnections = 8
    configuration.reportedEvents = selector & 0x80 != 0 ? .all : []
    var tracker = ConnectionTracker(configuration: configuration)
    var sessions = ZeekSessionTracker()
    var rows: [ZeekRow] = []
    var sink = DiscardingSink()
    var offset = 1
    var time: Int64 = 1_700_000_000 * 1_000_000_000
    while offset + 2 <= size {
        let length = Int(input[offset]) << 8 | Int(input[offset + 1])
        offset += 2
        let frame = UnsafeRawBufferPointer(rebasing: input[offset..<min(size, offset + length)])
        offset += length
        // Time mostly moves forward, sometimes back (captures do that too).
        time += Int64(length % 7 == 0 ? -1_000_000 : 1_000_000) * Int64(1 + length % 61_000)
        if let segment = try? SegmentDecoder.decode(frame, linkType: linkType,
                                                    timestamp: Timestamp(nanosecondsSinceEpoch: time)) {
            tracker.process(segment, into: &sink)
            let start = min(segment.payloadOffset, frame.count)
            let payload = UnsafeRawBufferPointer(rebasing: frame[start..<min(frame.count, start + segment.payloadLength)])
            sessions.process(segment, payload: payload, into: &rows)
        }
    }
    tracker.finish(into: &sink)
    sessions.finish(into: &rows)
    precondition(sessions.openSessions == 0, "Zeek's table must be empty after finish")
    sink.checksum &+= rows.reduce(0) { $0 &+ $1.history.count &+ $1.service.count }
    precondition(tracker.openConnections == 0, "the table must be empty after finish")
    return 0
}

/// Reads every event's fields, so the fuzzer reaches the record builders too.
struct DiscardingSink: ConnectionEventSink {
    var checksum = 0
    mutating func receive(_ event: ConnectionEvent) {
        if case .finished(let record) = event {
            checksum &+= record.zeekHistory.count &+ record.zeekConnState.count &+ record.clientTransitions.count
        }
    }
}
