/// An FDDI frame's header (LINKTYPE_FDDI): frame control, destination and
/// source (13 bytes), then 802.2 LLC with a SNAP header naming the
/// EtherType (8 bytes), the only way FDDI carries IP.
public struct FDDIHeader {
    enum Field {
        static let frameControl = 0
        static let llc = 13
        static let etherType = 19
    }
    public static let length = 21
    /// DSAP and SSAP 0xAA, control 0x03 (unnumbered information): SNAP follows.
    static let snapLLC: [UInt8] = [0xAA, 0xAA, 0x03]

    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.length else { throw .truncated(.link) }
        self.bytes = bytes
    }

    /// Whether the LLC header announces SNAP (else there is no EtherType).
    public var hasSNAP: Bool {
        (0..<3).allSatisfy { bytes.u8(Field.llc + $0) == Self.snapLLC[$0] }
    }
    public var etherType: UInt16 { bytes.u16(Field.etherType) }
    public var payload: UnsafeRawBufferPointer { bytes.tail(from: Self.length) }
}
