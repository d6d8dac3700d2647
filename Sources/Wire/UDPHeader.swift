/// A UDP header (RFC 768, 8 bytes): what VXLAN, Geneve, GTP-U, Teredo,
/// AYIYA and GRE-in-UDP ride in.
public struct UDPHeader {
    enum Field {
        static let sourcePort = 0
        static let destinationPort = 2
        static let length = 4
    }
    public static let length = 8

    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.length else { throw .truncated(.udp) }
        self.bytes = bytes
        guard datagramLength == 0 || datagramLength >= Self.length else {
            throw .malformed(.udp, .totalLengthTooSmall)
        }
    }

    public var sourcePort: UInt16 { bytes.u16(Field.sourcePort) }
    public var destinationPort: UInt16 { bytes.u16(Field.destinationPort) }
    /// The length field, header included (0 for IPv6 jumbograms).
    public var datagramLength: Int { Int(bytes.u16(Field.length)) }
    /// The payload, cut at the length field.
    public var payload: UnsafeRawBufferPointer {
        let payload = bytes.tail(from: Self.length)
        return datagramLength == 0 ? payload : payload.head(datagramLength - Self.length)
    }
}
