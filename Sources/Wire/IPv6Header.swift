/// An IPv6 fixed header (RFC 8200), 40 bytes. The extension-header chain
/// after it is walked by `IPv6ExtensionChain`.
public struct IPv6Header {
    enum Field {
        static let versionClassFlow = 0
        static let payloadLength = 4
        static let nextHeader = 6
        static let hopLimit = 7
        static let source = 8
        static let destination = 24
    }
    public static let length = 40

    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.length else { throw .truncated(.ipv6) }
        self.bytes = bytes
        guard bytes.u8(Field.versionClassFlow) >> 4 == 6 else { throw .malformed(.ipv6, .wrongVersion) }
    }

    /// Zero for jumbograms and some offloaded captures.
    public var payloadLength: Int { Int(bytes.u16(Field.payloadLength)) }
    public var nextHeader: UInt8 { bytes.u8(Field.nextHeader) }
    public var hopLimit: UInt8 { bytes.u8(Field.hopLimit) }
    public var source: IPAddress { IPAddress(ipv6High: bytes.u64(Field.source), low: bytes.u64(Field.source + 8)) }
    public var destination: IPAddress {
        IPAddress(ipv6High: bytes.u64(Field.destination), low: bytes.u64(Field.destination + 8))
    }

    /// The payload on the wire (extension headers included); a zero payload
    /// length falls back to what was captured.
    public var payloadLengthOnWire: Int { payloadLength == 0 ? bytes.count - Self.length : payloadLength }

    /// The captured payload, cut at the payload length.
    public var payload: UnsafeRawBufferPointer { bytes.tail(from: Self.length).head(payloadLengthOnWire) }
}

/// The walk along IPv6 extension headers to the upper-layer protocol.
///
/// Hop-by-hop (0), routing (43), destination options (60) and the
/// authentication header (51) are skipped by their length fields; a
/// fragment header (44) with a non-zero offset ends the walk, since only the
/// first fragment carries the TCP header.
public struct IPv6ExtensionChain {
    enum HeaderType {
        static let hopByHop: UInt8 = 0
        static let routing: UInt8 = 43
        static let fragment: UInt8 = 44
        static let authentication: UInt8 = 51
        static let destinationOptions: UInt8 = 60
    }
    /// More than this many headers is an attack or garbage, not a packet.
    static let maximumHeaders = 16

    /// The protocol after the last extension header.
    public let upperProtocol: UInt8
    /// Bytes of extension headers before the upper-layer header.
    public let length: Int
    /// Whether a fragment header (with offset 0) was crossed.
    public let isFirstFragment: Bool

    public init(walking payload: UnsafeRawBufferPointer, firstHeader: UInt8) throws(DecodeFailure) {
        var next = firstHeader
        var offset = 0
        var fragment = false
        // One more turn than headers: the last finds the upper-layer protocol.
        for _ in 0...Self.maximumHeaders {
            let headerLength: Int
            switch next {
            case HeaderType.hopByHop, HeaderType.routing, HeaderType.destinationOptions:
                guard payload.count >= offset + 2 else { throw .truncated(.ipv6Extension) }
                headerLength = (Int(payload.u8(offset + 1)) + 1) * 8
            case HeaderType.authentication:
                guard payload.count >= offset + 2 else { throw .truncated(.ipv6Extension) }
                headerLength = (Int(payload.u8(offset + 1)) + 2) * 4
            case HeaderType.fragment:
                guard payload.count >= offset + 8 else { throw .truncated(.ipv6Extension) }
                guard payload.u16(offset + 2) & 0xFFF8 == 0 else { throw .laterFragment }
                fragment = payload.u16(offset + 2) & 1 != 0 || fragment
                headerLength = 8
            default:
                upperProtocol = next
                length = offset
                isFirstFragment = fragment
                return
            }
            next = payload.u8(offset)
            offset += headerLength
        }
        throw .malformed(.ipv6Extension, .tooManyExtensionHeaders)
    }
}
