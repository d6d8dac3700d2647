import Foundation

/// Byte-built captures for the hostile-input tests: synthetic bytes laid
/// out as RFC 793 and libpcap's file format say (pcap-savefile(5)), for
/// inputs no real socket would send. Each builder says what it makes.
enum HostileCaptures {
    /// A classic pcap file (microseconds, Ethernet) holding `frames`, one a millisecond.
    static func pcap(_ frames: [[UInt8]]) -> Data {
        var data = Data()
        data.append(littleEndian: UInt32(0xA1B2_C3D4))
        data.append(littleEndian: UInt16(2))
        data.append(littleEndian: UInt16(4))
        data.append(littleEndian: UInt32(0))
        data.append(littleEndian: UInt32(0))
        data.append(littleEndian: UInt32(65_535))
        data.append(littleEndian: UInt32(1))
        for (index, frame) in frames.enumerated() {
            data.append(littleEndian: UInt32(1_700_000_000 + index / 1000))
            data.append(littleEndian: UInt32(index % 1000 * 1000))
            data.append(littleEndian: UInt32(frame.count))
            data.append(littleEndian: UInt32(frame.count))
            data.append(contentsOf: frame)
        }
        return data
    }

    /// IPv4 and a 20-byte TCP header from 10.0.0.1:40000 to 10.0.0.2:80, or
    /// back where `fromServer`; checksums zero, as handshake does not check them.
    static func ipv4TCP(fromServer: Bool, sequence: UInt32, acknowledgment: UInt32, flags: UInt8) -> [UInt8] {
        let client: [UInt8] = [10, 0, 0, 1], server: [UInt8] = [10, 0, 0, 2]
        var bytes: [UInt8] = [0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0]
        bytes += fromServer ? server + client : client + server
        bytes += fromServer ? [0, 80, 0x9C, 0x40] : [0x9C, 0x40, 0, 80]
        bytes += bigEndian(sequence) + bigEndian(acknowledgment)
        bytes += [0x50, flags, 0xFF, 0xFF, 0, 0, 0, 0]
        return bytes
    }

    /// Ethernet carrying an MPLS label stack entry (RFC 3032 §2.1: label,
    /// traffic class, bottom-of-stack bit, TTL) and then `packet`.
    static func mpls(label: UInt32, _ packet: [UInt8]) -> [UInt8] {
        let entry = label << 12 | 1 << 8 | 64
        return [0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0x47] + bigEndian(entry) + packet
    }

    /// One connection of `count` packets, each under another MPLS label:
    /// the handshake, then the client's ACKs.
    static func connectionUnderChangingLabels(count: Int) -> Data {
        let syn: UInt8 = 0x02, ack: UInt8 = 0x10
        var frames: [[UInt8]] = [
            mpls(label: 16, ipv4TCP(fromServer: false, sequence: 1000, acknowledgment: 0, flags: syn)),
            mpls(label: 17, ipv4TCP(fromServer: true, sequence: 5000, acknowledgment: 1001, flags: syn | ack)),
        ]
        for index in 2..<count {
            frames.append(mpls(label: 16 + UInt32(index),
                               ipv4TCP(fromServer: false, sequence: 1001, acknowledgment: 5001, flags: ack)))
        }
        return pcap(frames)
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}

extension Data {
    mutating func append<Value: FixedWidthInteger>(littleEndian value: Value) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
