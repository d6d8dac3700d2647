/// A TCP header (RFC 9293 §3.1) and its options.
public struct TCPHeader {
    enum Field {
        static let sourcePort = 0
        static let destinationPort = 2
        static let sequence = 4
        static let acknowledgment = 8
        static let dataOffsetAndNS = 12
        static let flags = 13
        static let window = 14
        static let checksum = 16
        static let urgentPointer = 18
    }
    public static let minimumLength = 20

    let bytes: UnsafeRawBufferPointer

    /// Validates the fixed header and the data offset against the segment's
    /// length on the wire (`segmentLength`, from the IP header). Options cut
    /// off by a short snaplen are not an error: `options` says so instead.
    public init(validating bytes: UnsafeRawBufferPointer, segmentLength: Int) throws(DecodeFailure) {
        guard bytes.count >= Self.minimumLength else { throw .truncated(.tcp) }
        self.bytes = bytes
        guard headerLength >= Self.minimumLength else { throw .malformed(.tcp, .dataOffsetTooSmall) }
        guard headerLength <= segmentLength else { throw .malformed(.tcp, .headerLengthBeyondPacket) }
    }

    public var sourcePort: UInt16 { bytes.u16(Field.sourcePort) }
    public var destinationPort: UInt16 { bytes.u16(Field.destinationPort) }
    public var sequence: SequenceNumber { SequenceNumber(bytes.u32(Field.sequence)) }
    public var acknowledgment: SequenceNumber { SequenceNumber(bytes.u32(Field.acknowledgment)) }
    /// Data offset in bytes (20 to 60).
    public var headerLength: Int { Int(bytes.u8(Field.dataOffsetAndNS) >> 4) * 4 }
    public var flags: TCPFlags {
        TCPFlags(rawValue: UInt16(bytes.u8(Field.dataOffsetAndNS) & 1) << 8 | UInt16(bytes.u8(Field.flags)))
    }
    public var window: UInt16 { bytes.u16(Field.window) }
    public var checksum: UInt16 { bytes.u16(Field.checksum) }
    public var urgentPointer: UInt16 { bytes.u16(Field.urgentPointer) }

    /// The options as far as they were captured.
    public var options: TCPOptions {
        var options = TCPOptions()
        loadOptions(into: &options)
        return options
    }

    /// Stores the options into `options`, in place (`SegmentDecoder`'s per-packet path).
    func loadOptions(into options: inout TCPOptions) {
        let end = min(headerLength, bytes.count)
        options.load(bytes.tail(from: Self.minimumLength), count: end - Self.minimumLength, cutShort: end < headerLength)
    }
}
