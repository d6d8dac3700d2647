import Wire

/// A segment from the peer whose SYN or FIN this endpoint has not yet been
/// seen to process. The capture point sees a segment before its receiver
/// does; the receiver's own ACK (or a later segment from the same sender,
/// which TCP delivers in order) proves it arrived.
struct PendingReceipt {
    // Flags last, so an optional receipt takes 24 bytes, not 32.
    var time: Timestamp
    var sequence: SequenceNumber
    var acknowledgment: SequenceNumber
    /// One past the last sequence number it occupies.
    var end: SequenceNumber
    var flags: TCPFlags

    init(_ segment: TCPSegment) {
        time = segment.timestamp
        sequence = segment.sequence
        acknowledgment = segment.acknowledgment
        flags = segment.flags
        end = segment.sequenceEnd
    }

    /// The sequence number of its FIN, if it carries one.
    var finSequence: SequenceNumber? { flags.contains(.fin) ? end + UInt32.max : nil }
}

/// One endpoint's half of a connection, as far as the capture shows it.
///
/// The small fields come first so they share eight bytes (every open
/// connection holds two of these), and the transitions, which only state
/// changes touch, come last, off the cache lines every segment reads.
struct EndpointTracking {
    var state: TCPState
    /// Whether the peer's FIN has been applied to this endpoint.
    var processedPeerFIN = false
    /// The window-scale shift it offered in its SYN, if any.
    var offeredWindowScale: UInt8?
    /// Its last advertised window, unscaled.
    var window: UInt32 = 0
    /// Its initial sequence number, once its SYN (or SYN-ACK) is seen or inferred.
    var initialSequence: SequenceNumber?
    /// One past the highest sequence number it was seen to send.
    var nextSequence: SequenceNumber?
    /// The sequence number its FIN occupies, once sent (or inferred).
    var finSequence: SequenceNumber?
    /// The highest acknowledgment it sent: what it had received by then.
    var highestAcknowledgment: SequenceNumber?
    /// The sequence number of its first payload byte: after its SYN, or the
    /// first one seen when the connection was picked up mid-stream.
    var firstDataSequence: SequenceNumber?
    var pending: PendingReceipt?
    var packets = 0
    /// IP-level bytes sent, from the IP length fields (Zeek's orig_ip_bytes).
    var ipBytes = 0
    var transitions = TransitionLog()

    init(state: TCPState) {
        self.state = state
    }

    /// Whether the endpoint's ISN has been acknowledged by `acknowledgment`.
    func isSYNAcknowledged(by acknowledgment: SequenceNumber) -> Bool {
        guard let initialSequence else { return false }
        return initialSequence < acknowledgment
    }

    /// Whether `acknowledgment` covers this endpoint's FIN (ack ≥ FIN + 1).
    func isFINAcknowledged(by acknowledgment: SequenceNumber) -> Bool {
        guard let finSequence else { return false }
        return finSequence < acknowledgment
    }

    /// Payload bytes in sequence space, as Zeek counts orig_bytes: from the
    /// first data byte to the highest sent, so retransmissions count once
    /// and data that arrived out of order still counts.
    var bytes: Int {
        guard let start = firstDataSequence, let next = nextSequence else { return 0 }
        let span = Int(next - start) - (finSequence.map { $0 < next ? 1 : 0 } ?? 0)
        return max(0, span)
    }

    /// Records what the endpoint sent; returns whether the segment reached
    /// past everything it had sent before (false for a retransmission).
    mutating func recordSent(_ segment: TCPSegment) -> Bool {
        packets += 1
        ipBytes += segment.ipLength
        window = UInt32(segment.window)
        guard !segment.flags.contains(.rst) else { return true }
        if firstDataSequence == nil {
            firstDataSequence = segment.flags.contains(.syn) ? segment.sequence + 1 : segment.sequence
        }
        let end = segment.sequenceEnd
        if let previous = nextSequence, !(previous < end) { return false }
        nextSequence = end
        return true
    }

    mutating func recordAcknowledgment(_ acknowledgment: SequenceNumber) {
        if let highest = highestAcknowledgment, !(highest < acknowledgment) { return }
        highestAcknowledgment = acknowledgment
    }
}
