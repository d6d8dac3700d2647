import Wire

/// A segment from the peer whose SYN or FIN this endpoint has not yet been
/// seen to process. The capture point sees a segment before its receiver
/// does; the receiver's own ACK (or a later segment from the same sender,
/// which TCP delivers in order) proves it arrived.
struct PendingReceipt {
    var time: Timestamp
    var sequence: SequenceNumber
    var acknowledgment: SequenceNumber
    /// One past the last sequence number it occupies.
    var end: SequenceNumber
    /// SYN or FIN among them, always: only those wait to be proven.
    var flags: TCPFlags

    init(_ segment: TCPSegment) {
        time = segment.timestamp
        sequence = segment.sequence
        acknowledgment = segment.acknowledgment
        flags = segment.flags
        end = segment.sequenceEnd
    }

    /// No receipt: the empty flags of the storage `EndpointTracking` keeps when none is pending.
    private init() {
        time = Timestamp(nanosecondsSinceEpoch: 0)
        sequence = SequenceNumber(0)
        acknowledgment = SequenceNumber(0)
        end = SequenceNumber(0)
        flags = []
    }

    static let none = PendingReceipt()

    /// The sequence number of its FIN, if it carries one.
    var finSequence: SequenceNumber? { flags.contains(.fin) ? end + UInt32.max : nil }
}

/// One endpoint's half of a connection, as far as the capture shows it.
///
/// Laid out for a table of many open connections (every one holds two):
/// the optional sequence numbers share one presence byte, a pending receipt
/// is known by its flags, and the fields are ordered widest first, so the
/// whole takes 64 bytes where plain optionals took 88.
struct EndpointTracking {
    var packets = 0
    /// IP-level bytes sent, from the IP length fields (Zeek's orig_ip_bytes).
    var ipBytes = 0
    private var pendingReceipt = PendingReceipt.none
    /// Its last advertised window, unscaled, as the header carries it.
    var window: UInt16 = 0
    private var marks = CompactOptionals<5, Mark, SequenceNumber>(placeholder: SequenceNumber(0))
    var state: TCPState
    /// The window-scale shift it offered in its SYN (low four bits,
    /// `noWindowScale` if none) and whether the peer's FIN has been applied
    /// (`peerFINBit`): one byte, so that `laps` fits in the 64.
    private var scaleAndFIN = Self.noWindowScale
    /// How many times its sequence numbers went all the way round (2^32)
    /// from its first data byte, so that `bytes` counts past 4 GiB.
    private var laps: UInt8 = 0

    private static let noWindowScale: UInt8 = 0x0F
    private static let peerFINBit: UInt8 = 0x10

    /// Places in `marks`.
    enum Mark: Int {
        case initial, next, fin, highestAcknowledgment, firstData
    }

    init(state: TCPState) {
        self.state = state
    }

    /// Its initial sequence number, once its SYN (or SYN-ACK) is seen or inferred.
    var initialSequence: SequenceNumber? {
        get { marks[.initial] }
        set { marks[.initial] = newValue }
    }
    /// One past the highest sequence number it was seen to send.
    var nextSequence: SequenceNumber? {
        get { marks[.next] }
        set { marks[.next] = newValue }
    }
    /// The sequence number its FIN occupies, once sent (or inferred).
    var finSequence: SequenceNumber? {
        get { marks[.fin] }
        set { marks[.fin] = newValue }
    }
    /// The highest acknowledgment it sent: what it had received by then.
    var highestAcknowledgment: SequenceNumber? {
        get { marks[.highestAcknowledgment] }
        set { marks[.highestAcknowledgment] = newValue }
    }
    /// The sequence number of its first payload byte: after its SYN, or the
    /// first one seen when the connection was picked up mid-stream.
    var firstDataSequence: SequenceNumber? {
        get { marks[.firstData] }
        set { marks[.firstData] = newValue }
    }

    /// A segment from the peer carrying SYN or FIN that this endpoint has not yet been seen to process.
    var pending: PendingReceipt? {
        get { pendingReceipt.flags.isEmpty ? nil : pendingReceipt }
        set { pendingReceipt = newValue ?? .none }
    }

    /// The window-scale shift offered in its SYN, at most 14 (RFC 7323
    /// §2.3 treats a larger one as 14), if it offered one.
    var offeredWindowScale: UInt8? {
        get { scaleAndFIN & Self.noWindowScale == Self.noWindowScale ? nil : scaleAndFIN & Self.noWindowScale }
        set { scaleAndFIN = scaleAndFIN & ~Self.noWindowScale | (newValue.map { min($0, 14) } ?? Self.noWindowScale) }
    }

    /// Whether the peer's FIN has been applied to this endpoint.
    var processedPeerFIN: Bool {
        get { scaleAndFIN & Self.peerFINBit != 0 }
        set { scaleAndFIN = newValue ? scaleAndFIN | Self.peerFINBit : scaleAndFIN & ~Self.peerFINBit }
    }

    /// Whether the endpoint's ISN has been acknowledged by `acknowledgment`.
    func isSYNAcknowledged(by acknowledgment: SequenceNumber) -> Bool {
        guard let initialSequence else { return false }
        return initialSequence.isBefore(acknowledgment)
    }

    /// Whether `acknowledgment` covers this endpoint's FIN (ack ≥ FIN + 1).
    func isFINAcknowledged(by acknowledgment: SequenceNumber) -> Bool {
        guard let finSequence else { return false }
        return finSequence.isBefore(acknowledgment)
    }

    /// Payload bytes in sequence space, as Zeek counts orig_bytes: from the
    /// first data byte to the highest sent, so retransmissions count once
    /// and data that arrived out of order still counts.
    /// In 64 bits: the laps around the 32-bit space and the offset within
    /// one (a 3 GB transfer counted 0 when this was a 32-bit distance).
    var bytes: Int {
        guard let start = firstDataSequence, let next = nextSequence else { return 0 }
        let span = Int(laps) << 32 | Int(next.rawValue &- start.rawValue)
        return max(0, span - (finSequence.map { $0.isBefore(next) ? 1 : 0 } ?? 0))
    }

    /// Records what the endpoint sent; returns whether the segment reached
    /// past everything it had sent before (false for a retransmission).
    mutating func recordSent(_ segment: TCPSegment) -> Bool {
        packets += 1
        ipBytes += segment.ipLength
        window = segment.window
        guard !segment.flags.contains(.rst) else { return true }
        if firstDataSequence == nil {
            firstDataSequence = segment.flags.contains(.syn) ? segment.sequence + 1 : segment.sequence
        }
        let end = segment.sequenceEnd
        if let previous = nextSequence {
            guard previous.isBefore(end) else { return false }
            // Going forward, the offset from the first data byte wraps once per lap.
            if let start = firstDataSequence, end.rawValue &- start.rawValue < previous.rawValue &- start.rawValue,
               laps < .max {
                laps += 1
            }
        }
        nextSequence = end
        return true
    }

    mutating func recordAcknowledgment(_ acknowledgment: SequenceNumber) {
        if let highest = highestAcknowledgment, !highest.isBefore(acknowledgment) { return }
        highestAcknowledgment = acknowledgment
    }
}
