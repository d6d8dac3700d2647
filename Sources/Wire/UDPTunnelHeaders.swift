/// A VXLAN header (RFC 7348, 8 bytes): the I flag and a 24-bit network
/// identifier; an Ethernet frame follows.
public struct VXLANHeader {
    public static let length = 8
    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.length else { throw .truncated(.vxlan) }
        self.bytes = bytes
        guard bytes.u8(0) & 0x08 != 0 else { throw .malformed(.vxlan, .unsupportedVersion) }
    }

    public var networkIdentifier: UInt32 { bytes.u32(4) >> 8 }
    public var payload: UnsafeRawBufferPointer { bytes.tail(from: Self.length) }
}

/// A Geneve header (RFC 8926): version, options length, protocol type,
/// 24-bit network identifier, then the options (8 bytes and up).
public struct GeneveHeader {
    public static let minimumLength = 8
    let bytes: UnsafeRawBufferPointer
    public let length: Int

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.minimumLength else { throw .truncated(.geneve) }
        self.bytes = bytes
        guard bytes.u8(0) >> 6 == 0 else { throw .malformed(.geneve, .unsupportedVersion) }
        length = Self.minimumLength + Int(bytes.u8(0) & 0x3F) * 4
        guard bytes.count >= length else { throw .truncated(.geneve) }
    }

    /// An EtherType: 0x6558 for Ethernet, or IPv4/IPv6 directly.
    public var protocolType: UInt16 { bytes.u16(2) }
    public var networkIdentifier: UInt32 { bytes.u32(4) >> 8 }
    public var payload: UnsafeRawBufferPointer { bytes.tail(from: length) }
}

/// A GTP-U header (3GPP TS 29.281): version 1, message type, length,
/// tunnel endpoint id, and, when any of E, S, PN is set, a sequence
/// number, N-PDU number and a chain of extension headers.
public struct GTPUHeader {
    /// The message type of user data (G-PDU); others are signalling.
    public static let gPDU: UInt8 = 0xFF
    public static let minimumLength = 8
    let bytes: UnsafeRawBufferPointer
    public let length: Int

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.minimumLength else { throw .truncated(.gtpU) }
        self.bytes = bytes
        let flags = bytes.u8(0)
        guard flags >> 5 == 1, flags & 0x10 != 0 else { throw .malformed(.gtpU, .unsupportedVersion) }
        var length = Self.minimumLength
        if flags & 0x07 != 0 {
            length += 4
            guard bytes.count >= length else { throw .truncated(.gtpU) }
            var next = flags & 0x04 != 0 ? bytes.u8(length - 1) : 0
            // Each extension header gives its length in 4-byte units and
            // names the next in its last byte; a zero length would loop.
            while next != 0 {
                guard bytes.count > length else { throw .truncated(.gtpU) }
                let units = Int(bytes.u8(length))
                guard units > 0 else { throw .malformed(.gtpU, .headerLengthTooSmall) }
                length += units * 4
                guard bytes.count >= length else { throw .truncated(.gtpU) }
                next = bytes.u8(length - 1)
            }
        }
        self.length = length
    }

    public var messageType: UInt8 { bytes.u8(1) }
    public var tunnelEndpointID: UInt32 { bytes.u32(4) }
    public var payload: UnsafeRawBufferPointer { bytes.tail(from: length) }
}

/// Teredo's optional headers before the IPv6 packet (RFC 4380 §5.1.1):
/// authentication (type 0x0001) and origin indication (type 0x0000).
public struct TeredoHeaders {
    public let length: Int
    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        self.bytes = bytes
        var length = 0
        if bytes.count >= 2, bytes.u16(0) == 0x0001 {
            guard bytes.count >= 4 else { throw .truncated(.teredo) }
            // Client id and authentication value, then an 8-byte nonce and a confirmation byte.
            length = 4 + Int(bytes.u8(2)) + Int(bytes.u8(3)) + 9
        }
        if bytes.count >= length + 2, bytes.u16(length) == 0x0000 { length += 8 }
        guard bytes.count >= length else { throw .truncated(.teredo) }
        self.length = length
    }

    public var payload: UnsafeRawBufferPointer { bytes.tail(from: length) }
}

/// An AYIYA header (Anything In Anything, SixXS): identity and signature
/// lengths, the next header, then identity and signature; opcode 1
/// forwards the packet that follows.
public struct AYIYAHeader {
    public let length: Int
    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= 8 else { throw .truncated(.ayiya) }
        self.bytes = bytes
        let identityLength = 1 << Int(bytes.u8(0) >> 4)
        let signatureLength = Int(bytes.u8(1) >> 4) * 4
        length = 8 + identityLength + signatureLength
        guard bytes.count >= length else { throw .truncated(.ayiya) }
    }

    public var opcode: UInt8 { bytes.u8(2) & 0x0F }
    /// The IP protocol number of the payload: 4 or 41 for IPv4 or IPv6.
    public var nextHeader: UInt8 { bytes.u8(3) }
    public var payload: UnsafeRawBufferPointer { bytes.tail(from: length) }
}
