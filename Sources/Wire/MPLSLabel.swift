/// One MPLS label stack entry (RFC 3032): label, traffic class, bottom of
/// stack, TTL (4 bytes). A stack is entries until the one marked bottom.
public struct MPLSLabel {
    public static let length = 4

    let bytes: UnsafeRawBufferPointer

    public init(validating bytes: UnsafeRawBufferPointer) throws(DecodeFailure) {
        guard bytes.count >= Self.length else { throw .truncated(.mpls) }
        self.bytes = bytes
    }

    public var label: UInt32 { bytes.u32(0) >> 12 }
    public var trafficClass: UInt8 { UInt8(bytes.u32(0) >> 9 & 0x7) }
    public var isBottomOfStack: Bool { bytes.u32(0) & 0x100 != 0 }
    public var ttl: UInt8 { bytes.u8(3) }
    public var payload: UnsafeRawBufferPointer { bytes.tail(from: Self.length) }
}
