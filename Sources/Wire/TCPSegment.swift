/// One decoded TCP segment: the value `Tracker` consumes. Plain data, no
/// references into the capture buffer, so it outlives the packet.
public struct TCPSegment: Equatable, Sendable {
    public var timestamp: Timestamp
    public var source: Endpoint
    public var destination: Endpoint
    public var sequence: SequenceNumber
    public var acknowledgment: SequenceNumber
    public var flags: TCPFlags
    public var window: UInt16
    public var urgentPointer: UInt16
    /// Payload bytes on the wire (from the IP length), even where the
    /// capture's snaplen kept fewer.
    public var payloadLength: Int
    public var options: TCPOptions
    /// Set when the IP header said more fragments follow: the payload
    /// length then covers only this fragment.
    public var isFragment: Bool
    /// The IP packet's length on the wire (IPv4 total length; IPv6 header
    /// plus payload length), what Zeek counts as orig_ip_bytes.
    public var ipLength: Int

    public init(timestamp: Timestamp, source: Endpoint, destination: Endpoint,
                sequence: SequenceNumber, acknowledgment: SequenceNumber, flags: TCPFlags,
                window: UInt16 = 65535, urgentPointer: UInt16 = 0, payloadLength: Int = 0,
                options: TCPOptions = TCPOptions(), isFragment: Bool = false, ipLength: Int? = nil) {
        self.timestamp = timestamp
        self.source = source
        self.destination = destination
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.flags = flags
        self.window = window
        self.urgentPointer = urgentPointer
        self.payloadLength = payloadLength
        self.options = options
        self.isFragment = isFragment
        self.ipLength = ipLength ?? (source.address.isIPv6 ? 60 : 40) + payloadLength
    }

    /// Sequence space the segment occupies: payload, plus one each for SYN and FIN.
    public var sequenceLength: UInt32 {
        UInt32(truncatingIfNeeded: payloadLength) &+ (flags.contains(.syn) ? 1 : 0) &+ (flags.contains(.fin) ? 1 : 0)
    }

    /// The first sequence number after this segment.
    public var sequenceEnd: SequenceNumber { sequence + sequenceLength }

    /// The sequence number the FIN occupies (the segment's last), if it carries one.
    public var finSequence: SequenceNumber? { flags.contains(.fin) ? sequenceEnd + UInt32.max : nil }
}
