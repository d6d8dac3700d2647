/// A GRE header (RFC 2784 with RFC 2890's key and sequence number; version
/// 1 is PPTP's enhanced GRE, RFC 2637): flags and version, the protocol
/// type, then the optional fields the flags announce.
public struct GREHeader {
    enum Flag {
        static let checksum: UInt16 = 0x8000
        static let routing: UInt16 = 0x4000
        static let key: UInt16 = 0x2000
        static let sequence: UInt16 = 0x1000
        /// Version 1 only: an acknowledgment number follows.
        static let acknowledgment: UInt16 = 0x0080
    }
    public static let minimumLength = 4

    /// Protocol types GRE carries that are decoded here.
    public enum ProtocolType {
        public static let transparentEthernet: UInt16 = 0x6558
        /// ERSPAN type II (with a sequence number) or type I (without).
        public static let erspan: UInt16 = 0x88BE
        public static let erspanTypeIII: UInt16 = 0x22EB
        /// PPP, in version 1 (PPTP).
        public static let ppp: UInt16 = 0x880B
    }

    let bytes: UnsafeRawBufferPointer
    /// The header's length with its optional fields.
    public let length: Int

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.minimumLength else { throw .truncated(.gre) }
        self.bytes = bytes
        let flags = bytes.u16(0)
        let version = flags & 0x7
        guard version <= 1 else { throw .malformed(.gre, .unsupportedVersion) }
        // Source routing (RFC 1701) is deprecated and its length is
        // variable: nobody sends it, so it is refused rather than walked.
        guard flags & Flag.routing == 0 else { throw .malformed(.gre, .unsupportedVersion) }
        var length = Self.minimumLength
        if flags & Flag.checksum != 0 { length += 4 }
        if flags & Flag.key != 0 { length += 4 }
        if flags & Flag.sequence != 0 { length += 4 }
        if version == 1, flags & Flag.acknowledgment != 0 { length += 4 }
        guard bytes.count >= length else { throw .truncated(.gre) }
        self.length = length
    }

    public var version: UInt8 { UInt8(bytes.u16(0) & 0x7) }
    public var protocolType: UInt16 { bytes.u16(2) }
    public var hasSequenceNumber: Bool { bytes.u16(0) & Flag.sequence != 0 }

    /// The key (version 0), or nil when the flags announce none. Version
    /// 1's key field holds a payload length and a call id instead.
    public var key: UInt32? {
        let flags = bytes.u16(0)
        guard flags & Flag.key != 0, version == 0 else { return nil }
        return bytes.u32(flags & Flag.checksum != 0 ? 8 : 4)
    }

    public var payload: UnsafeRawBufferPointer { bytes.tail(from: length) }
}

/// An ERSPAN header (type II, 8 bytes, or type III, 12 bytes and an
/// optional 8-byte platform subheader): the mirrored session's id; a
/// mirrored Ethernet frame follows.
public struct ERSPANHeader {
    public let length: Int
    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer, typeIII: Bool) throws(DecodeFailure) {
        let base = typeIII ? 12 : 8
        guard bytes.count >= base else { throw .truncated(.erspan) }
        self.bytes = bytes
        let optionalSubheader = typeIII && bytes.u8(11) & 0x01 != 0
        length = base + (optionalSubheader ? 8 : 0)
        guard bytes.count >= length else { throw .truncated(.erspan) }
    }

    public var version: UInt8 { bytes.u8(0) >> 4 }
    public var sessionID: UInt16 { bytes.u16(2) & 0x03FF }
    public var payload: UnsafeRawBufferPointer { bytes.tail(from: length) }
}
