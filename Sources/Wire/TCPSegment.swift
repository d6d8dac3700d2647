/// One decoded TCP segment: the value `Tracker` consumes. Plain data, no
/// references into the capture buffer, so it outlives the packet.
public struct TCPSegment: Equatable, Sendable {
    // Fields are ordered so the 4-byte ones fill the padding after each
    // 20-byte endpoint, and lengths are stored in 32 bits: at 128 bytes a
    // segment is copied with inline moves, where 160 bytes took a memmove
    // call, several times per segment.
    public var timestamp: Timestamp
    public var source: Endpoint
    public var sequence: SequenceNumber
    public var destination: Endpoint
    public var acknowledgment: SequenceNumber
    @usableFromInline
    var storedPayloadLength: UInt32
    @usableFromInline
    var storedIPLength: UInt32
    public var options: TCPOptions
    public var flags: TCPFlags
    public var window: UInt16
    public var urgentPointer: UInt16
    /// Set when the IP header said more fragments follow: the payload
    /// length then covers only this fragment.
    public var isFragment: Bool
    @usableFromInline
    var storedFrameLength: UInt32
    /// The layers it came through (MPLS, tunnels…); `.none` for most.
    public var encapsulation: Encapsulation
    @usableFromInline
    var storedPayloadOffset: UInt16

    /// Payload bytes on the wire (from the IP length), even where the
    /// capture's snaplen kept fewer.
    @inlinable
    public var payloadLength: Int {
        get { Int(storedPayloadLength) }
        set { storedPayloadLength = UInt32(clamping: newValue) }
    }

    /// The whole frame's length on the wire, link header included: what
    /// tshark's `frame.len` and `-z conv` count. The IP length where no
    /// frame was decoded (segments made in code).
    @inlinable
    public var frameLength: Int {
        get { Int(storedFrameLength) }
        set { storedFrameLength = UInt32(clamping: newValue) }
    }

    /// Where the payload starts in the decoded frame (0 for segments made
    /// in code): what content inspection (`service`) reads.
    @inlinable
    public var payloadOffset: Int {
        get { Int(storedPayloadOffset) }
        set { storedPayloadOffset = UInt16(clamping: newValue) }
    }

    /// The IP packet's length on the wire (IPv4 total length; IPv6 header
    /// plus payload length), what Zeek counts as orig_ip_bytes.
    @inlinable
    public var ipLength: Int {
        get { Int(storedIPLength) }
        set { storedIPLength = UInt32(clamping: newValue) }
    }

    @inlinable
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
        storedPayloadLength = UInt32(clamping: payloadLength)
        self.options = options
        self.isFragment = isFragment
        storedIPLength = UInt32(clamping: ipLength ?? (source.address.isIPv6 ? 60 : 40) + payloadLength)
        storedFrameLength = storedIPLength
        encapsulation = .none
        storedPayloadOffset = 0
    }

    /// A placeholder to decode into (`SegmentDecoder.decode(_:linkType:timestamp:into:)`).
    public static let zero = TCPSegment(
        timestamp: Timestamp(nanosecondsSinceEpoch: 0), source: Endpoint(address: IPAddress(ipv4: 0), port: 0),
        destination: Endpoint(address: IPAddress(ipv4: 0), port: 0), sequence: SequenceNumber(0),
        acknowledgment: SequenceNumber(0), flags: [], window: 0, ipLength: 0)

    /// Sequence space the segment occupies: payload, plus one each for SYN and FIN.
    @inlinable
    public var sequenceLength: UInt32 {
        UInt32(truncatingIfNeeded: payloadLength) &+ (flags.contains(.syn) ? 1 : 0) &+ (flags.contains(.fin) ? 1 : 0)
    }

    /// The first sequence number after this segment.
    @inlinable
    public var sequenceEnd: SequenceNumber { sequence + sequenceLength }

    /// The sequence number the FIN occupies (the segment's last), if it carries one.
    @inlinable
    public var finSequence: SequenceNumber? { flags.contains(.fin) ? sequenceEnd + UInt32.max : nil }
}
