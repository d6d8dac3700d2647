import Testing
@testable import Wire

/// IPv4 (RFC 791) and IPv6 (RFC 8200) header handling.
struct IPDecodingTests {
    @Test func ipv4Fields() throws {
        try Frames.ipv4SYN.withUnsafeBytes { bytes in
            let ip = try IPv4Header(validating: bytes)
            #expect(ip.headerLength == 20)
            #expect(ip.totalLength == 60)
            #expect(ip.identification == 0x1234)
            #expect(ip.dontFragment)
            #expect(!ip.moreFragments)
            #expect(ip.ttl == 64)
            #expect(ip.protocolNumber == 6)
            #expect(ip.source.description == "10.0.0.1")
            #expect(ip.destination.description == "10.0.0.2")
        }
    }

    @Test func ipv4OptionsAreSkipped() throws {
        var frame = Frames.ipv4SYN
        frame.insert(contentsOf: [0x01, 0x01, 0x01, 0x00], at: 20) // NOP NOP NOP EOL
        frame[0] = 0x46
        frame[3] = 64
        let segment = try decode(frame, .ipv4)
        #expect(segment.source.port == 51514)
        #expect(segment.options.maximumSegmentSize == 1460)
    }

    @Test func ipv4HeaderLengthBelowFiveWordsIsMalformed() {
        #expect(failure(Frames.ipv4SYN.setting(0, to: 0x44), .ipv4) == .malformed(.ipv4, .headerLengthTooSmall))
    }

    @Test func ipv4TotalLengthBelowHeaderIsMalformed() {
        #expect(failure(Frames.ipv4SYN.setting(3, to: 19), .ipv4) == .malformed(.ipv4, .totalLengthTooSmall))
    }

    @Test func ipv4TotalLengthCutsEthernetPadding() throws {
        let padded = Frames.ipv4SYN + [0, 0, 0, 0, 0, 0]
        #expect(try decode(padded, .ipv4).payloadLength == 0)
    }

    @Test func ipv4TotalLengthZeroFallsBackToCapturedLength() throws {
        // Linux captures of TSO super-packets can carry a zero total length.
        let frame = Frames.ipv4SYN.setting(2, to: 0).setting(3, to: 0) + Array(repeating: 0x41, count: 100)
        #expect(try decode(frame, .ipv4).payloadLength == 100)
    }

    @Test func payloadLengthComesFromTheHeaderNotTheSnaplen() throws {
        // A 200-byte payload captured with a short snaplen: the tracker needs 200.
        let frame = Frames.ipv4SYN.setting(2, to: 0x01).setting(3, to: 0x00)
        #expect(try decode(frame, .ipv4).payloadLength == 256 - 60)
    }

    @Test func ipv4LaterFragmentsCarryNoTCPHeader() {
        #expect(failure(Frames.ipv4SYN.setting(6, to: 0x20).setting(7, to: 0x10), .ipv4) == .laterFragment)
    }

    @Test func ipv4FirstFragmentIsDecodedAndMarked() throws {
        #expect(try decode(Frames.ipv4SYN.setting(6, to: 0x20), .ipv4).isFragment)
    }

    @Test func udpIsNotTCP() {
        #expect(failure(Frames.ipv4SYN.setting(9, to: 17), .ipv4) == .notTCP(ipProtocol: 17))
    }

    @Test func ipv6Fields() throws {
        let segment = try decode(Frames.ipv6Data, .ipv6)
        #expect(segment.source.description == "2001:db8::1.443")
        #expect(segment.destination.description == "2001:db8::2.50000")
        #expect(segment.payloadLength == 5)
        #expect(segment.flags == [.psh, .ack])
    }

    /// Inserts extension headers after the fixed header and fixes the
    /// next-header and payload-length fields.
    func ipv6(with extensions: [(type: UInt8, body: [UInt8])]) -> [UInt8] {
        var frame = Array(Frames.ipv6Data[..<40])
        var chain: [UInt8] = []
        var next = frame[6]
        for (type, body) in extensions.reversed() {
            chain = [next] + body + chain
            next = type
        }
        frame[6] = next
        let payload = chain + Frames.ipv6Data[40...]
        frame[4] = UInt8(payload.count >> 8)
        frame[5] = UInt8(payload.count & 0xFF)
        return frame + payload
    }

    static let eightBytes: [UInt8] = [0, 1, 4, 0, 0, 0, 0] // hdr-ext-len 0 then padding (PadN)

    @Test func ipv6ExtensionChainIsWalked() throws {
        let frame = ipv6(with: [(0, Self.eightBytes), (60, Self.eightBytes), (43, [0, 0, 0, 0, 0, 0, 0])])
        let segment = try decode(frame, .ipv6)
        #expect(segment.payloadLength == 5)
        #expect(segment.source.port == 443)
    }

    @Test func ipv6FirstFragmentIsDecoded() throws {
        let frame = ipv6(with: [(44, [0, 0x00, 0x01, 0, 0, 0, 1])]) // offset 0, M set
        let segment = try decode(frame, .ipv6)
        #expect(segment.isFragment)
        #expect(segment.payloadLength == 5)
    }

    @Test func ipv6LaterFragmentIsSkipped() {
        #expect(failure(ipv6(with: [(44, [0, 0x00, 0x08, 0, 0, 0, 1])]), .ipv6) == .laterFragment)
    }

    /// The decoder's limit is 16 extension headers: before, exactly 16 were refused.
    @Test func sixteenExtensionHeadersAreWalked() throws {
        let chain = Array(repeating: (type: UInt8(60), body: Self.eightBytes), count: 16)
        let segment = try decode(ipv6(with: chain), .ipv6)
        #expect(segment.source.port == 443)
        let tooMany = Array(repeating: (type: UInt8(60), body: Self.eightBytes), count: 17)
        #expect(failure(ipv6(with: tooMany), .ipv6) == .malformed(.ipv6Extension, .tooManyExtensionHeaders))
    }

    @Test func ipv6EndlessExtensionChainIsMalformed() {
        let chain = Array(repeating: (type: UInt8(60), body: Self.eightBytes), count: 20)
        #expect(failure(ipv6(with: chain), .ipv6) == .malformed(.ipv6Extension, .tooManyExtensionHeaders))
    }

    @Test func ipv6ExtensionRunningPastThePayloadLengthIsMalformed() {
        let frame = ipv6(with: [(0, [40, 0, 0, 0, 0, 0, 0])]) // claims 328 bytes of 33
        #expect(failure(frame, .ipv6) == .malformed(.ipv6Extension, .headerLengthBeyondPacket))
    }
}
