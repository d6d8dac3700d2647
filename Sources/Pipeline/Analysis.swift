import Capture
import Report
import Tracker
import Wire

/// What happens to each captured packet: decoded, fed to the tracker, and
/// the tracker's events rendered in the chosen format.
struct Analysis<Renderer: ConnectionRenderer> {
    private var tracker: ConnectionTracker
    private var sink: RenderingSink<Renderer>
    private var undecodable: UndecodableCount
    /// Packets are decoded into the batch in place and tracked a full batch
    /// at a time, which is faster. A live capture's partial batch is tracked
    /// whenever the kernel has nothing more ready (`advance`), so its lines
    /// are not held back until more traffic comes.
    private var batch = SegmentBatch()
    /// Zeek's own connections, for a renderer that asks for Zeek's rows (the zeek format).
    private var zeekSessions: ZeekSessionTracker?
    private let saysWhatWasSeen: Bool
    private var packets = 0
    private var finished = false

    init(renderer: Renderer, output: LineOutput, configuration: TrackerConfiguration, tunnelPorts: TunnelPorts,
         saysWhatWasSeen: Bool) {
        undecodable = UndecodableCount(tunnelPorts: tunnelPorts)
        tracker = ConnectionTracker(configuration: configuration)
        if configuration.reportedEvents.contains(.zeekRows) {
            zeekSessions = ZeekSessionTracker(shard: configuration.shard)
        }
        self.saysWhatWasSeen = saysWhatWasSeen
        sink = RenderingSink(renderer: renderer, output: output)
        sink.renderer.begin(to: &sink.output)
    }

    var openConnections: Int { tracker.openConnections }

    /// handshake's counts; the caller adds the capture's.
    var statistics: RunStatistics {
        RunStatistics(tcpSegments: tracker.statistics.segments, undecodable: undecodable,
                      connections: tracker.statistics.connections)
    }

    /// When the tracker, or Zeek's table, next has a timer due.
    var nextDeadline: Timestamp? {
        guard let removal = zeekSessions?.nextRemoval else { return tracker.nextDeadline }
        return min(removal, tracker.nextDeadline ?? removal)
    }

    /// The renderer, with everything it has seen.
    var renderer: Renderer { sink.renderer }

    mutating func consume(_ packet: CapturedPacket) {
        packets &+= 1
        guard batch.appendNext({ undecodable.decode(packet, into: &$0) }) else { return }
        if zeekSessions != nil { followInZeeksTable(batch.last, of: packet) }
        if batch.isFull { tracker.process(&batch, into: &sink) }
    }

    /// Gives Zeek's table the segment and the payload bytes its packet captured.
    private mutating func followInZeeksTable(_ segment: TCPSegment, of packet: CapturedPacket) {
        let bytes = packet.bytes
        let start = min(segment.payloadOffset, bytes.count)
        let payload = UnsafeRawBufferPointer(rebasing: bytes[start..<min(bytes.count, start + segment.payloadLength)])
        zeekSessions?.process(segment, payload: payload, into: &sink)
    }

    /// Lets capture time pass when a live capture is quiet (TIME_WAIT, idle timeouts).
    mutating func advance(to time: Timestamp) {
        tracker.process(&batch, into: &sink)
        tracker.advance(to: time, into: &sink)
        zeekSessions?.advance(to: time, into: &sink)
    }

    /// Reports every connection still open, the format's closing lines, and
    /// on stderr what could not be decoded or was evicted (and with `-v`
    /// what was seen). Once.
    mutating func finish() {
        guard !finished else { return }
        finished = true
        tracker.process(&batch, into: &sink)
        tracker.finish(into: &sink)
        zeekSessions?.finish(into: &sink)
        sink.renderer.end(to: &sink.output)
        sink.output.flush()
        undecodable.report()
        tracker.statistics.reportEvictions(limit: tracker.configuration.maximumConnections)
        if saysWhatWasSeen { tracker.statistics.sayWhatWasSeen(packets: packets) }
    }
}

extension ConnectionTracker.Statistics {
    /// On stderr, how many connections a full table pushed out, if any.
    func reportEvictions(limit: Int) {
        guard evictions > 0 else { return }
        Diagnostics.say("\(evictions) connections evicted from a full table (--max-connections \(limit))"
            + (resumedAfterEviction > 0
                ? "; \(resumedAfterEviction) came back and were picked up again (resumed_after_eviction)" : ""))
    }

    /// `-v`: on stderr, what was seen.
    func sayWhatWasSeen(packets: Int) {
        Diagnostics.say(counted(packets, "packet") + " read, " + counted(segments, "TCP segment")
            + ", " + counted(connections, "connection") + " (at most \(peakOpen) open at once)")
    }
}

/// The tracker's sink: renders each event straight to the output.
private struct RenderingSink<Renderer: ConnectionRenderer>: ConnectionEventSink {
    var renderer: Renderer
    var output: LineOutput

    mutating func receive(_ event: ConnectionEvent) {
        renderer.render(event, to: &output)
    }
}
