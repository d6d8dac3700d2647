/// Linux "cooked" capture, version 1 (LINKTYPE_LINUX_SLL, 16 bytes): what
/// `tcpdump -i any` wrote before libpcap 1.10.
public struct LinuxSLLHeader {
    enum Field {
        static let packetType = 0
        static let arphrdType = 2
        static let addressLength = 4
        static let address = 6..<14
        static let protocolType = 14
    }
    public static let length = 16

    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.length else { throw .truncated(.link) }
        self.bytes = bytes
    }

    /// 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us.
    public var packetType: UInt16 { bytes.u16(Field.packetType) }
    public var protocolType: UInt16 { bytes.u16(Field.protocolType) }
    public var payload: UnsafeRawBufferPointer { bytes.tail(from: Self.length) }
}

/// Linux "cooked" capture, version 2 (LINKTYPE_LINUX_SLL2, 20 bytes): what
/// `tcpdump -i any` writes with libpcap 1.10 and later. It adds the
/// interface index.
public struct LinuxSLL2Header {
    enum Field {
        static let protocolType = 0
        static let interfaceIndex = 4
        static let arphrdType = 8
        static let packetType = 10
        static let addressLength = 11
        static let address = 12..<20
    }
    public static let length = 20

    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.length else { throw .truncated(.link) }
        self.bytes = bytes
    }

    public var protocolType: UInt16 { bytes.u16(Field.protocolType) }
    public var interfaceIndex: UInt32 { bytes.u32(Field.interfaceIndex) }
    public var packetType: UInt8 { bytes.u8(Field.packetType) }
    public var payload: UnsafeRawBufferPointer { bytes.tail(from: Self.length) }
}
