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
    /// Zeek's own connections, followed for a renderer that asks for Zeek's rows (the zeek format).
    private var zeekSessions: ZeekSessionTracker
    private let followsZeeksTable: Bool
    /// Whether the renderer draws handshake's connections; if not (Zeek's
    /// rows alone), segments go to Zeek's table only, decoded into `scratch`.
    private let tracksConnections: Bool
    private var scratch = TCPSegment.zero
    /// Rows Zeek's table logged, on their way to the renderer.
    private var zeekRows: [ZeekRow] = []
    private let saysWhatWasSeen: Bool
    private var packets = 0
    private var finished = false

    init(renderer: Renderer, output: LineOutput, configuration: TrackerConfiguration, tunnelPorts: TunnelPorts,
         saysWhatWasSeen: Bool) {
        undecodable = UndecodableCount(tunnelPorts: tunnelPorts)
        tracker = ConnectionTracker(configuration: configuration)
        zeekSessions = ZeekSessionTracker(shard: configuration.shard)
        followsZeeksTable = configuration.reportedEvents.contains(.zeekRows)
        tracksConnections = renderer.needsRecords
        self.saysWhatWasSeen = saysWhatWasSeen
        sink = RenderingSink(renderer: renderer, output: output)
        sink.renderer.begin(to: &sink.output)
    }

    var openConnections: Int { tracksConnections ? tracker.openConnections : zeekSessions.openSessions }

    /// The tracker's counters, or Zeek's table's where it ran alone.
    private var trackingStatistics: ConnectionTracker.Statistics {
        guard !tracksConnections else { return tracker.statistics }
        var statistics = ConnectionTracker.Statistics()
        statistics.segments = zeekSessions.segments
        statistics.connections = zeekSessions.sessionsBegun
        statistics.peakOpen = zeekSessions.peakOpen
        return statistics
    }

    /// handshake's counts; the caller adds the capture's.
    var statistics: RunStatistics {
        let counts = trackingStatistics
        return RunStatistics(tcpSegments: counts.segments, undecodable: undecodable, connections: counts.connections)
    }

    /// When the tracker, or Zeek's table, next has a timer due.
    var nextDeadline: Timestamp? {
        guard let removal = zeekSessions.nextRemoval else { return tracker.nextDeadline }
        return min(removal, tracker.nextDeadline ?? removal)
    }

    /// The renderer, with everything it has seen.
    var renderer: Renderer { sink.renderer }

    mutating func consume(_ packet: CapturedPacket) {
        packets &+= 1
        guard tracksConnections else {
            guard undecodable.decode(packet, into: &scratch) else { return }
            return followInZeeksTable(scratch, of: packet)
        }
        guard batch.appendNext({ undecodable.decode(packet, into: &$0) }) else { return }
        if followsZeeksTable {
            // Copied out first: read in place, the whole batch was copied for the call.
            let segment = batch.last
            followInZeeksTable(segment, of: packet)
        }
        if batch.isFull { tracker.process(&batch, into: &sink) }
    }

    /// Gives Zeek's table the segment and the payload bytes its packet captured.
    private mutating func followInZeeksTable(_ segment: TCPSegment, of packet: CapturedPacket) {
        let bytes = packet.bytes
        let start = min(segment.payloadOffset, bytes.count)
        let payload = UnsafeRawBufferPointer(rebasing: bytes[start..<min(bytes.count, start + segment.payloadLength)])
        zeekSessions.process(segment, payload: payload, into: &zeekRows)
        if !zeekRows.isEmpty { renderZeekRows() }
    }

    private mutating func renderZeekRows() {
        for row in zeekRows { sink.receive(.zeekRow(row)) }
        zeekRows.removeAll(keepingCapacity: true)
    }

    /// Lets capture time pass when a live capture is quiet (TIME_WAIT, idle timeouts).
    mutating func advance(to time: Timestamp) {
        tracker.process(&batch, into: &sink)
        tracker.advance(to: time, into: &sink)
        zeekSessions.advance(to: time, into: &zeekRows)
        renderZeekRows()
    }

    /// Reports every connection still open, the format's closing lines, and
    /// on stderr what could not be decoded or was evicted (and with `-v`
    /// what was seen). Once.
    mutating func finish() {
        guard !finished else { return }
        finished = true
        tracker.process(&batch, into: &sink)
        tracker.finish(into: &sink)
        zeekSessions.finish(into: &zeekRows)
        renderZeekRows()
        sink.renderer.end(to: &sink.output)
        sink.output.flush()
        undecodable.report()
        tracker.statistics.reportEvictions(limit: tracker.configuration.maximumConnections)
        if saysWhatWasSeen { trackingStatistics.sayWhatWasSeen(packets: packets) }
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
