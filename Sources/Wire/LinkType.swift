/// A capture's link-layer header type: the LINKTYPE_ values of pcap and
/// pcapng files, plus the DLT_ aliases libpcap reports for live captures
/// where the two differ (DLT_RAW is 12 or 14, LINKTYPE_RAW is 101).
public struct LinkType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// BSD loopback: a 4-byte address family in the *capturing host's* byte order.
    public static let null = LinkType(rawValue: 0)
    public static let ethernet = LinkType(rawValue: 1)
    /// Raw IP, version taken from the first nibble.
    public static let raw = LinkType(rawValue: 101)
    public static let rawDLT12 = LinkType(rawValue: 12)
    public static let rawDLT14 = LinkType(rawValue: 14)
    /// OpenBSD loopback: a 4-byte address family in network byte order.
    public static let loop = LinkType(rawValue: 108)
    public static let linuxSLL = LinkType(rawValue: 113)
    public static let ipv4 = LinkType(rawValue: 228)
    public static let ipv6 = LinkType(rawValue: 229)
    public static let linuxSLL2 = LinkType(rawValue: 276)

    /// Whether `SegmentDecoder` can decode frames of this type.
    public var isSupported: Bool {
        switch self {
        case .null, .ethernet, .raw, .rawDLT12, .rawDLT14, .loop, .linuxSLL, .ipv4, .ipv6, .linuxSLL2: true
        default: false
        }
    }
}
