/// BSD loopback encapsulation (LINKTYPE_NULL and LINKTYPE_LOOP): a 4-byte
/// address family. NULL stores it in the byte order of the host that
/// captured, so both orders are tried; LOOP stores it in network order.
public struct LoopbackHeader {
    public static let length = 4

    let bytes: UnsafeRawBufferPointer
    let networkOrder: Bool

    public init(validating bytes: UnsafeRawBufferPointer, networkOrder: Bool) throws(DecodeFailure) {
        guard bytes.count >= Self.length else { throw .truncated(.link) }
        self.bytes = bytes
        self.networkOrder = networkOrder
    }

    public var addressFamily: UInt32 {
        let bigEndian = bytes.u32(0)
        guard !networkOrder, bigEndian > 0xFFFF else { return bigEndian }
        return bigEndian.byteSwapped
    }

    /// The IP version the family names: AF_INET is 2 everywhere; AF_INET6
    /// is 10 (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD) or 30 (Darwin).
    public var ipVersion: UInt8? {
        switch addressFamily {
        case 2: 4
        case 10, 24, 28, 30: 6
        default: nil
        }
    }

    public var payload: UnsafeRawBufferPointer { bytes.tail(from: Self.length) }
}
