/// A PPPoE session-stage header (RFC 2516) and the PPP protocol field
/// after it (8 bytes): what DSL and carrier links carry IP in.
public struct PPPoESessionHeader {
    enum Field {
        static let versionAndType = 0
        static let code = 1
        static let sessionID = 2
        static let length = 4
        static let pppProtocol = 6
    }
    public static let length = 8

    /// PPP protocol numbers of the network layers decoded here.
    enum PPPProtocol {
        static let ipv4: UInt16 = 0x0021
        static let ipv6: UInt16 = 0x0057

        /// The IP version a PPP protocol number names, or nil for anything else (LCP, IPCP…).
        static func ipVersion(_ number: UInt16) -> UInt8? {
            switch number {
            case ipv4: 4
            case ipv6: 6
            default: nil
            }
        }
    }

    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.length else { throw .truncated(.pppoe) }
        self.bytes = bytes
        guard bytes.u8(Field.versionAndType) == 0x11 else { throw .malformed(.pppoe, .unsupportedVersion) }
    }

    public var sessionID: UInt16 { bytes.u16(Field.sessionID) }
    /// The PPPoE payload length: the PPP protocol field and what follows.
    public var payloadLength: Int { Int(bytes.u16(Field.length)) }
    public var pppProtocol: UInt16 { bytes.u16(Field.pppProtocol) }

    /// The IP version the PPP protocol names, or nil for anything else (LCP, IPCP…).
    public var ipVersion: UInt8? { PPPProtocol.ipVersion(pppProtocol) }

    /// The PPP payload, cut at the PPPoE length (links pad short frames).
    public var payload: UnsafeRawBufferPointer { bytes.tail(from: Self.length).head(payloadLength - 2) }
}
