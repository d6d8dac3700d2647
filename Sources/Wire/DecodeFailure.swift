/// Why a captured frame did not yield a `TCPSegment`.
///
/// Most of these are ordinary (a capture holds ARP, UDP, ICMP…); the
/// `truncated` and `malformed` cases mean the bytes lie about themselves.
public enum DecodeFailure: Error, Equatable, Sendable {
    /// The link type is not one `SegmentDecoder` understands.
    case unsupportedLinkType(UInt32)
    /// The link layer carries something other than IPv4 or IPv6 (ARP, LLDP…).
    case notIP(etherType: UInt16)
    /// The IP payload is another protocol (UDP, ICMP…).
    case notTCP(ipProtocol: UInt8)
    /// A non-first IPv4 or IPv6 fragment: only offset 0 carries the TCP header.
    case laterFragment
    /// Fewer bytes were captured than the named header needs.
    case truncated(Layer)
    /// A header field contradicts the bytes around it.
    case malformed(Layer, Malformation)

    /// The header a failure is about.
    public enum Layer: String, Sendable {
        case link, vlan, ipv4, ipv6, ipv6Extension = "ipv6-extension", tcp, tcpOptions = "tcp-options"
        case mpls, pppoe, gre, erspan, udp, vxlan, geneve, gtpU = "gtp-u", teredo, ayiya
        /// The stack of encapsulations as a whole.
        case encapsulation
    }

    /// What was wrong with a header.
    public enum Malformation: String, Sendable {
        /// IPv4 IHL below 5 words.
        case headerLengthTooSmall = "header length too small"
        /// IPv4 IHL or TCP data offset points past the captured packet.
        case headerLengthBeyondPacket = "header length beyond packet"
        /// The IP version nibble does not match the link layer's claim.
        case wrongVersion = "wrong IP version"
        /// IPv4 total length smaller than its own header.
        case totalLengthTooSmall = "total length too small"
        /// TCP data offset below 5 words.
        case dataOffsetTooSmall = "data offset too small"
        /// A TCP option's length byte runs past the header or is below 2.
        case badOptionLength = "bad option length"
        /// Too many chained IPv6 extension headers to be honest.
        case tooManyExtensionHeaders = "too many extension headers"
        /// A version or type field this decoder does not know.
        case unsupportedVersion = "unsupported version"
        /// More encapsulation layers than `SegmentDecoder.maximumLayers`: a loop, or a lie.
        case tooManyLayers = "too many layers"
    }
}

extension DecodeFailure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unsupportedLinkType(let type): "unsupported link type \(type)"
        case .notIP(let etherType): "not IP (ethertype 0x\(String(etherType, radix: 16)))"
        case .notTCP(let proto): "not TCP (IP protocol \(proto))"
        case .laterFragment: "IP fragment without TCP header"
        case .truncated(let layer): "truncated \(layer.rawValue) header"
        case .malformed(let layer, let what): "malformed \(layer.rawValue) header: \(what.rawValue)"
        }
    }
}
