import Wire

/// tshark's per-segment marks where no states are tracked (`--format
/// segments`): for each address pair, the analysis the tracker runs for
/// each connection, over the little it needs of each side.
public struct SegmentAnalyzer {
    private struct FlowKey: Hashable {
        var lower: Endpoint
        var upper: Endpoint
    }

    private struct Side {
        var tracking = EndpointTracking(state: .closed)
        var analysis = DirectionAnalysis()
    }

    private struct Flow {
        var lower = Side()
        var upper = Side()
        let firstSeen: Timestamp
        var synTime: Timestamp?
        /// SYN to the ACK of the SYN-ACK: the out-of-order threshold, as for the tracker.
        var handshakeRTT: Int64?
    }

    private var flows: [FlowKey: Flow] = [:]
    /// Address pairs remembered at once; beyond it the memory starts afresh.
    public let limit: Int

    public init(limit: Int = 500_000) {
        self.limit = limit
    }

    public mutating func marks(for segment: TCPSegment) -> SegmentMarks {
        let fromLower = segment.source < segment.destination
        let key = fromLower ? FlowKey(lower: segment.source, upper: segment.destination)
            : FlowKey(lower: segment.destination, upper: segment.source)
        var flow = flows[key] ?? Flow(firstSeen: segment.timestamp)
        // A bare SYN with a new ISN on a known pair starts a new connection (port reuse).
        if segment.flags == .syn, let isn = (fromLower ? flow.lower : flow.upper).tracking.initialSequence,
           isn != segment.sequence {
            flow = Flow(firstSeen: segment.timestamp)
        }
        if flows[key] == nil, flows.count >= limit { flows.removeAll(keepingCapacity: true) }
        let elapsed = UInt32(truncatingIfNeeded: (segment.timestamp - flow.firstSeen) / 1000)
        let marks: SegmentMarks
        if fromLower {
            marks = DirectionAnalysis.analyze(segment, sender: flow.lower.tracking, receiver: flow.upper.tracking,
                                              own: &flow.lower.analysis, reverse: &flow.upper.analysis,
                                              elapsed: elapsed, handshakeRTT: flow.handshakeRTT)
            Self.record(segment, by: &flow.lower.tracking, peer: flow.upper.tracking, synTime: &flow.synTime,
                        handshakeRTT: &flow.handshakeRTT)
        } else {
            marks = DirectionAnalysis.analyze(segment, sender: flow.upper.tracking, receiver: flow.lower.tracking,
                                              own: &flow.upper.analysis, reverse: &flow.lower.analysis,
                                              elapsed: elapsed, handshakeRTT: flow.handshakeRTT)
            Self.record(segment, by: &flow.upper.tracking, peer: flow.lower.tracking, synTime: &flow.synTime,
                        handshakeRTT: &flow.handshakeRTT)
        }
        flows[key] = flow
        return marks
    }

    /// What the analysis reads of a side, updated as the tracker updates it.
    private static func record(_ segment: TCPSegment, by sender: inout EndpointTracking, peer: EndpointTracking,
                               synTime: inout Timestamp?, handshakeRTT: inout Int64?) {
        if segment.flags.contains(.syn) {
            sender.initialSequence = segment.sequence
            if let scale = segment.options.windowScale { sender.offeredWindowScale = scale }
            if !segment.flags.contains(.ack), synTime == nil { synTime = segment.timestamp }
        } else if handshakeRTT == nil, let start = synTime, let isn = peer.initialSequence,
                  segment.flags.contains(.ack), segment.acknowledgment == isn + 1 {
            handshakeRTT = segment.timestamp - start
        }
        _ = sender.recordSent(segment)
        if segment.flags.contains(.ack) { sender.recordAcknowledgment(segment.acknowledgment) }
    }
}
