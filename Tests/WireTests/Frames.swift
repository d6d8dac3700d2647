/// Literal frames for the decoder tests, built by hand from the RFC layouts
/// (synthetic bytes are fine for decoder unit tests). Each constant says
/// what it holds; tests derive variants by editing named offsets.
enum Frames {
    /// IPv4 + TCP SYN from 10.0.0.1:51514 to 10.0.0.2:80, seq 1000, window
    /// 64240, options MSS 1460, SACK-permitted, timestamps 7/0, NOP, WS 7.
    static let ipv4SYN: [UInt8] = [
        0x45, 0x00, 0x00, 0x3C, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, // ver/IHL … TTL 64, proto 6
        0x0A, 0x00, 0x00, 0x01, 0x0A, 0x00, 0x00, 0x02,                         // 10.0.0.1 → 10.0.0.2
        0xC9, 0x3A, 0x00, 0x50,                                                 // 51514 → 80
        0x00, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x00, 0x00,                         // seq 1000, ack 0
        0xA0, 0x02, 0xFA, 0xF0, 0x00, 0x00, 0x00, 0x00,                         // offset 10, SYN, win 64240
        0x02, 0x04, 0x05, 0xB4, 0x04, 0x02,                                     // MSS 1460, SACK-permitted
        0x08, 0x0A, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,             // TS 7 / 0
        0x01, 0x03, 0x03, 0x07,                                                 // NOP, WS 7
    ]
    static let ipv4HeaderLength = 20
    static let tcpHeaderLength = 40

    /// IPv6 + TCP ACK with 5 bytes of data from 2001:db8::1:443 to 2001:db8::2:50000.
    static let ipv6Data: [UInt8] = [
        0x60, 0x00, 0x00, 0x00, 0x00, 0x19, 0x06, 0x40,                         // payload 25, next TCP, hops 64
        0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,          // 2001:db8::1
        0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,          // 2001:db8::2
        0x01, 0xBB, 0xC3, 0x50,                                                 // 443 → 50000
        0xFF, 0xFF, 0xFF, 0xFE, 0x00, 0x00, 0x00, 0x10,                         // seq 2^32-2, ack 16
        0x50, 0x18, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,                         // offset 5, PSH ACK, win 256
        0x68, 0x65, 0x6C, 0x6C, 0x6F,                                           // "hello"
    ]

    static let ethernetAddresses: [UInt8] = [0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01]

    static func ethernet(etherType: UInt16, _ payload: [UInt8]) -> [UInt8] {
        ethernetAddresses + bigEndian(etherType) + payload
    }

    static func vlanTag(id: UInt16, etherType: UInt16) -> [UInt8] {
        bigEndian(id) + bigEndian(etherType)
    }

    static func bigEndian(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
}
