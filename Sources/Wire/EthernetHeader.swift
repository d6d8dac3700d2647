/// An Ethernet II header: destination, source, EtherType (14 bytes).
public struct EthernetHeader {
    enum Field {
        static let destination = 0..<6
        static let source = 6..<12
        static let etherType = 12
    }
    public static let length = 14

    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.length else { throw .truncated(.link) }
        self.bytes = bytes
    }

    public var etherType: UInt16 { bytes.u16(Field.etherType) }
    public var payload: UnsafeRawBufferPointer { bytes.tail(from: Self.length) }
}

/// An 802.1Q or 802.1ad tag: priority, DEI and VLAN id, then the inner
/// EtherType (4 bytes). QinQ is two of these in a row.
public struct VLANTag {
    enum Field {
        static let tagControl = 0
        static let etherType = 2
    }
    public static let length = 4

    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.length else { throw .truncated(.vlan) }
        self.bytes = bytes
    }

    public var vlanID: UInt16 { bytes.u16(Field.tagControl) & 0x0FFF }
    public var priority: UInt8 { UInt8(bytes.u16(Field.tagControl) >> 13) }
    public var etherType: UInt16 { bytes.u16(Field.etherType) }
    public var payload: UnsafeRawBufferPointer { bytes.tail(from: Self.length) }
}
