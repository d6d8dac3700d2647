import Wire

/// What tshark's TCP analysis (`tcp.analysis.*`) says of one segment:
/// retransmissions, duplicate ACKs, window trouble, keep-alives, segments
/// the capture missed. The rules are Wireshark's (`packet-tcp.c`,
/// `tcp_analyze_sequence_number`), in its order, so a reader of both tools
/// sees the same flags on the same frames.
public struct SegmentMarks: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let retransmission = SegmentMarks(rawValue: 1 << 0)
    public static let fastRetransmission = SegmentMarks(rawValue: 1 << 1)
    public static let spuriousRetransmission = SegmentMarks(rawValue: 1 << 2)
    public static let outOfOrder = SegmentMarks(rawValue: 1 << 3)
    public static let duplicateAck = SegmentMarks(rawValue: 1 << 4)
    public static let zeroWindow = SegmentMarks(rawValue: 1 << 5)
    public static let zeroWindowProbe = SegmentMarks(rawValue: 1 << 6)
    public static let zeroWindowProbeAck = SegmentMarks(rawValue: 1 << 7)
    public static let windowFull = SegmentMarks(rawValue: 1 << 8)
    public static let windowUpdate = SegmentMarks(rawValue: 1 << 9)
    public static let keepAlive = SegmentMarks(rawValue: 1 << 10)
    public static let keepAliveAck = SegmentMarks(rawValue: 1 << 11)
    public static let ackedUnseenSegment = SegmentMarks(rawValue: 1 << 12)
    public static let previousSegmentNotCaptured = SegmentMarks(rawValue: 1 << 13)

    /// Each mark with tshark's field name (`tcp.analysis.NAME`) and the words of its Info column.
    public static let all: [(mark: SegmentMarks, field: String, label: String)] = [
        (.previousSegmentNotCaptured, "lost_segment", "TCP Previous segment not captured"),
        (.ackedUnseenSegment, "ack_lost_segment", "TCP ACKed unseen segment"),
        (.keepAlive, "keep_alive", "TCP Keep-Alive"),
        (.keepAliveAck, "keep_alive_ack", "TCP Keep-Alive ACK"),
        (.zeroWindowProbe, "zero_window_probe", "TCP ZeroWindowProbe"),
        (.zeroWindowProbeAck, "zero_window_probe_ack", "TCP ZeroWindowProbeAck"),
        (.zeroWindow, "zero_window", "TCP ZeroWindow"),
        (.windowFull, "window_full", "TCP Window Full"),
        (.windowUpdate, "window_update", "TCP Window Update"),
        (.duplicateAck, "duplicate_ack", "TCP Dup ACK"),
        (.fastRetransmission, "fast_retransmission", "TCP Fast Retransmission"),
        (.spuriousRetransmission, "spurious_retransmission", "TCP Spurious Retransmission"),
        (.outOfOrder, "out_of_order", "TCP Out-Of-Order"),
        (.retransmission, "retransmission", "TCP Retransmission"),
    ]

    /// tshark's words for these marks, as its Info column brackets them.
    public var labels: [String] { Self.all.filter { contains($0.mark) }.map(\.label) }
}

/// What the analysis remembers of one direction besides what `EndpointTracking`
/// keeps (next sequence number, window): 20 bytes.
struct DirectionAnalysis {
    /// When its highest sequence number was sent, and when it last sent an
    /// ACK, in microseconds from the connection's first segment, wrapping:
    /// only spans of milliseconds are compared.
    var nextSequenceTime: UInt32 = 0
    var lastAckTime: UInt32 = 0
    /// The end of its data seen without a gap: an ACK past it acknowledges
    /// a segment the capture missed (Wireshark's `maxseqtobeacked`).
    private var storedMaxSequenceToBeAcked: UInt32 = 0
    /// The acknowledgment field of its last segment, ACK flag or not, as
    /// Wireshark's `lastack` (not the highest: `EndpointTracking` keeps that).
    private var storedLastAck: UInt32 = 0
    /// Duplicate ACKs in a row, saturating; -1 after an ACK of unseen data,
    /// so that one missed segment is reported once (Wireshark's `dupacknum`).
    var duplicateAcks: Int8 = 0
    /// Whether its last segment was a keep-alive, a zero-window probe, a SYN.
    var last: LastSegment = []

    struct LastSegment: OptionSet {
        let rawValue: UInt8
        static let keepAlive = LastSegment(rawValue: 1 << 0)
        static let zeroWindowProbe = LastSegment(rawValue: 1 << 1)
        static let syn = LastSegment(rawValue: 1 << 2)
        /// Whether `maxSequenceToBeAcked` and `lastAck` hold values; kept here, where bits were free.
        static let hasMaxSequence = LastSegment(rawValue: 1 << 3)
        static let hasLastAck = LastSegment(rawValue: 1 << 4)
    }

    var lastAck: SequenceNumber? {
        get { last.contains(.hasLastAck) ? SequenceNumber(storedLastAck) : nil }
        set {
            storedLastAck = newValue?.rawValue ?? 0
            if newValue == nil { last.remove(.hasLastAck) } else { last.insert(.hasLastAck) }
        }
    }

    var maxSequenceToBeAcked: SequenceNumber? {
        get { last.contains(.hasMaxSequence) ? SequenceNumber(storedMaxSequenceToBeAcked) : nil }
        set {
            storedMaxSequenceToBeAcked = newValue?.rawValue ?? 0
            if newValue == nil { last.remove(.hasMaxSequence) } else { last.insert(.hasMaxSequence) }
        }
    }
}

extension DirectionAnalysis {
    /// The marks of `segment`, sent by the endpoint `sender` to `receiver`
    /// (both as they stood before it), with this direction's memory (`own`)
    /// and the other's (`reverse`) updated. `elapsed` is the segment's time
    /// in microseconds from the connection's first; `handshakeRTT`
    /// Wireshark's out-of-order threshold (3 ms when no handshake was seen).
    /// Step by step Wireshark's `tcp_analyze_sequence_number`, in its order.
    static func analyze(_ segment: TCPSegment, sender: EndpointTracking, receiver: EndpointTracking,
                        own: inout DirectionAnalysis, reverse: inout DirectionAnalysis, elapsed: UInt32,
                        handshakeRTT: Int64?) -> SegmentMarks {
        let flags = segment.flags
        let length = UInt32(truncatingIfNeeded: segment.payloadLength)
        let control = !flags.isDisjoint(with: [.syn, .fin, .rst])
        let sequence = segment.sequence
        let ack = segment.acknowledgment
        let next = sender.nextSequence
        let lastAck = own.lastAck
        let window = scaledWindow(segment.window, syn: flags.contains(.syn), sender: sender, receiver: receiver)
        let previousWindow = scaledWindow(sender.window, syn: own.last.contains(.syn), sender: sender, receiver: receiver)
        let repeatsItself = length == 0 && !control && next == sequence && lastAck == ack
        var marks: SegmentMarks = []

        analysis: do {
            if length == 1, next == sequence, receiver.packets > 0, receiver.window == 0 {
                marks.insert(.zeroWindowProbe)
                break analysis
            }
            if segment.window == 0, !control { marks.insert(.zeroWindow) }
            if let next, next.isBefore(sequence), !flags.contains(.rst) { marks.insert(.previousSegmentNotCaptured) }
            if length <= 1, !control, let next, sequence == next + UInt32.max { marks.insert(.keepAlive) }
            if repeatsItself, window != 0, window != previousWindow { marks.insert(.windowUpdate) }
            if length > 0, !control, receiver.packets > 0, let peerAck = reverse.lastAck,
               sequence + length == peerAck + UInt32(truncatingIfNeeded: scaledWindow(
                   receiver.window, syn: reverse.last.contains(.syn), sender: receiver, receiver: sender)) {
                marks.insert(.windowFull)
            }
            if repeatsItself, window != 0, window == previousWindow, reverse.last.contains(.keepAlive) {
                marks.insert(.keepAliveAck)
                break analysis
            }
            if repeatsItself, window == 0, previousWindow == 0, reverse.last.contains(.zeroWindowProbe) {
                marks.insert(.zeroWindowProbeAck)
                break analysis
            }
            if repeatsItself, window != 0, window == previousWindow {
                own.duplicateAcks = own.duplicateAcks == -1 ? 1 : own.duplicateAcks == .max ? .max : own.duplicateAcks + 1
                marks.insert(.duplicateAck)
            }
        }
        if ack != lastAck { own.duplicateAcks = 0 }

        // An ACK past what the other side was seen to send without a gap,
        // said once per gap: the boundary moves up to what it has sent, and
        // while its ACKs stand still, it is not said again.
        if flags.contains(.ack), let expected = reverse.maxSequenceToBeAcked, expected.isBefore(ack) {
            if let unacknowledged = receiver.nextSequence, unacknowledged.isBefore(expected) {
                marks.insert(.ackedUnseenSegment)
            } else {
                if reverse.duplicateAcks == 0 { marks.insert(.ackedUnseenSegment) }
                reverse.duplicateAcks = -1
            }
            reverse.maxSequenceToBeAcked = receiver.nextSequence
        }

        // Data, SYN or FIN that does not advance: one of the retransmissions
        // (tshark marks the fast and the spurious kinds as retransmissions too).
        if (length > 0 || flags.contains(.syn) || flags.contains(.fin)) && !marks.contains(.keepAlive) {
            var notAdvanced = next.map { sequence.isBefore($0) } ?? false
            if length > 1, let next, sequence == next + UInt32.max { notAdvanced = false }
            let sinceLastAck = Int64(elapsed &- reverse.lastAckTime) * 1000
            let sinceNext = Int64(elapsed &- own.nextSequenceTime) * 1000
            // A zero ACK field (a SYN's) counts as none, as in Wireshark.
            if length > 0, let peerAck = reverse.lastAck, peerAck.rawValue != 0, (sequence + length).isAtOrBefore(peerAck) {
                marks.formUnion([.spuriousRetransmission, .retransmission])
            } else if notAdvanced, reverse.duplicateAcks >= 2, reverse.lastAck == sequence,
                      sinceLastAck < 20_000_000 {
                marks.formUnion([.fastRetransmission, .retransmission])
            } else if notAdvanced, sinceNext < (handshakeRTT ?? 3_000_000), next != segment.sequenceEnd {
                marks.insert(.outOfOrder)
            } else if notAdvanced {
                marks.insert(.retransmission)
            }
        }

        // What the endpoint will record: its highest sequence number, and
        // the end of the data seen without a gap.
        let advances = !flags.contains(.rst) && !marks.contains(.zeroWindowProbe)
            && (next.map { $0.isBefore(segment.sequenceEnd) } ?? true)
        if advances { own.nextSequenceTime = elapsed }
        let nextAfter = advances ? segment.sequenceEnd : next
        if !marks.contains(.zeroWindowProbe), own.maxSequenceToBeAcked.map({ $0 == sequence }) ?? true {
            own.maxSequenceToBeAcked = nextAfter
        }
        own.lastAck = ack
        own.lastAckTime = elapsed
        own.last.subtract([.keepAlive, .zeroWindowProbe, .syn])
        if marks.contains(.keepAlive) { own.last.insert(.keepAlive) }
        if marks.contains(.zeroWindowProbe) { own.last.insert(.zeroWindowProbe) }
        if flags.contains(.syn) { own.last.insert(.syn) }
        return marks
    }

    /// The window in bytes, as Wireshark compares them: a SYN's as written,
    /// later ones shifted by the sender's scale once both sides offered one.
    private static func scaledWindow(_ raw: UInt16, syn: Bool, sender: EndpointTracking,
                                     receiver: EndpointTracking) -> Int {
        guard !syn, let shift = sender.offeredWindowScale, receiver.offeredWindowScale != nil else { return Int(raw) }
        return Int(raw) << shift
    }
}

extension Anomaly.Kind {
    /// The marks that are ordinary conversation, not trouble: counted in no anomaly.
    public static let chatter: SegmentMarks = [.windowUpdate, .keepAliveAck, .zeroWindowProbeAck]

    /// The anomaly each other mark counts as.
    public static let marked: [(SegmentMarks, Anomaly.Kind)] = [
        (.retransmission, .retransmission), (.fastRetransmission, .fastRetransmission),
        (.spuriousRetransmission, .spuriousRetransmission), (.outOfOrder, .outOfOrder),
        (.duplicateAck, .duplicateAck), (.zeroWindow, .zeroWindow), (.zeroWindowProbe, .zeroWindowProbe),
        (.windowFull, .windowFull), (.keepAlive, .keepAlive), (.ackedUnseenSegment, .ackedUnseenSegment),
        (.previousSegmentNotCaptured, .previousSegmentNotCaptured),
    ]
}
