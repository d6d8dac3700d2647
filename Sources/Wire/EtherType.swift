/// The EtherType values the link layers here can carry.
enum EtherType {
    static let ipv4: UInt16 = 0x0800
    static let ipv6: UInt16 = 0x86DD
    /// 802.1Q customer tag.
    static let vlan: UInt16 = 0x8100
    /// 802.1ad service tag (QinQ outer tag).
    static let qinq: UInt16 = 0x88A8
    /// Pre-standard QinQ outer tag still seen on some switches.
    static let qinqLegacy: UInt16 = 0x9100
    static let mplsUnicast: UInt16 = 0x8847
    static let mplsMulticast: UInt16 = 0x8848
    static let pppoeSession: UInt16 = 0x8864
}
