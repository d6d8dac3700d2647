/// A capture's link-layer header type: the LINKTYPE_ values of pcap and
/// pcapng files, plus the DLT_ aliases libpcap reports for live captures
/// where the two differ (DLT_RAW is 12 or 14, LINKTYPE_RAW is 101).
public struct LinkType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32
    @inlinable
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    // Computed constants, as TCPFlags' are: checked for every packet.
    /// BSD loopback: a 4-byte address family in the *capturing host's* byte order.
    @inlinable public static var null: LinkType { LinkType(rawValue: 0) }
    @inlinable public static var ethernet: LinkType { LinkType(rawValue: 1) }
    /// Raw IP, version taken from the first nibble.
    @inlinable public static var raw: LinkType { LinkType(rawValue: 101) }
    /// FDDI, with 802.2 LLC/SNAP naming the EtherType.
    @inlinable public static var fddi: LinkType { LinkType(rawValue: 10) }
    @inlinable public static var rawDLT12: LinkType { LinkType(rawValue: 12) }
    @inlinable public static var rawDLT14: LinkType { LinkType(rawValue: 14) }
    /// OpenBSD loopback: a 4-byte address family in network byte order.
    @inlinable public static var loop: LinkType { LinkType(rawValue: 108) }
    @inlinable public static var linuxSLL: LinkType { LinkType(rawValue: 113) }
    @inlinable public static var ipv4: LinkType { LinkType(rawValue: 228) }
    @inlinable public static var ipv6: LinkType { LinkType(rawValue: 229) }
    @inlinable public static var linuxSLL2: LinkType { LinkType(rawValue: 276) }

    /// Whether `SegmentDecoder` can decode frames of this type.
    @inlinable
    public var isSupported: Bool {
        switch self {
        case .null, .ethernet, .fddi, .raw, .rawDLT12, .rawDLT14, .loop, .linuxSLL, .ipv4, .ipv6, .linuxSLL2: true
        default: false
        }
    }
}
