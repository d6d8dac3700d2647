/// An IPv4 header (RFC 791) with its options.
///
/// `init(validating:)` checks the version, the header length against both
/// the captured bytes and the total length, once; accessors then read at
/// fixed offsets.
public struct IPv4Header {
    enum Field {
        static let versionAndIHL = 0
        static let totalLength = 2
        static let identification = 4
        static let flagsAndFragmentOffset = 6
        static let ttl = 8
        static let protocolNumber = 9
        static let source = 12
        static let destination = 16
    }
    public static let minimumLength = 20

    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.minimumLength else { throw .truncated(.ipv4) }
        self.bytes = bytes
        guard bytes.u8(Field.versionAndIHL) >> 4 == 4 else { throw .malformed(.ipv4, .wrongVersion) }
        guard headerLength >= Self.minimumLength else { throw .malformed(.ipv4, .headerLengthTooSmall) }
        guard totalLength == 0 || totalLength >= headerLength else { throw .malformed(.ipv4, .totalLengthTooSmall) }
        guard bytes.count >= headerLength else { throw .truncated(.ipv4) }
    }

    /// IHL in bytes (20 to 60).
    public var headerLength: Int { Int(bytes.u8(Field.versionAndIHL) & 0x0F) * 4 }
    /// The total length field. Zero on some captures of TSO/GSO super-packets.
    public var totalLength: Int { Int(bytes.u16(Field.totalLength)) }
    public var identification: UInt16 { bytes.u16(Field.identification) }
    public var moreFragments: Bool { bytes.u16(Field.flagsAndFragmentOffset) & 0x2000 != 0 }
    public var dontFragment: Bool { bytes.u16(Field.flagsAndFragmentOffset) & 0x4000 != 0 }
    /// The fragment offset in bytes.
    public var fragmentOffset: Int { Int(bytes.u16(Field.flagsAndFragmentOffset) & 0x1FFF) * 8 }
    public var ttl: UInt8 { bytes.u8(Field.ttl) }
    public var protocolNumber: UInt8 { bytes.u8(Field.protocolNumber) }
    public var source: IPAddress { IPAddress(ipv4: bytes.u32(Field.source)) }
    public var destination: IPAddress { IPAddress(ipv4: bytes.u32(Field.destination)) }

    /// The length of the payload on the wire, from the total length; a zero
    /// total length (TSO) falls back to what was captured.
    public var payloadLengthOnWire: Int {
        totalLength == 0 ? bytes.count - headerLength : totalLength - headerLength
    }

    /// The captured payload, cut at the total length (Ethernet pads short frames).
    public var payload: UnsafeRawBufferPointer {
        bytes.tail(from: headerLength).head(payloadLengthOnWire)
    }
}
