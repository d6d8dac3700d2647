import Testing
@testable import Wire

/// Every link type reaches the same TCP segment. Layouts: Ethernet II and
/// 802.1Q/802.1ad (IEEE 802.3, 802.1Q), tcpdump.org's LINKTYPE_LINUX_SLL,
/// LINKTYPE_LINUX_SLL2, LINKTYPE_NULL/LOOP and LINKTYPE_RAW pages.
struct LinkLayerDecodingTests {
    let expected = try! WireTests.decode(Frames.ipv4SYN, .ipv4)

    /// The TCP segment of a frame, its frame length aside (that differs by link type by design).
    func decode(_ bytes: [UInt8], _ linkType: LinkType) throws(DecodeFailure) -> TCPSegment {
        var segment = try WireTests.decode(bytes, linkType)
        segment.frameLength = expected.frameLength
        segment.payloadOffset = expected.payloadOffset
        return segment
    }

    /// tshark's `frame.len`: the whole frame, link header included, or the
    /// length on the wire where the capture kept fewer bytes.
    @Test func frameLengthIsTheWholeFrame() throws {
        let frame = Frames.ethernet(etherType: 0x0800, Frames.ipv4SYN)
        #expect(try WireTests.decode(frame, .ethernet).frameLength == frame.count)
        #expect(expected.frameLength == Frames.ipv4SYN.count)
        let cut = try frame.withUnsafeBytes { buffer throws(DecodeFailure) in
            try SegmentDecoder.decode(buffer, linkType: .ethernet, timestamp: Timestamp(nanosecondsSinceEpoch: 0),
                                      wireLength: 1514)
        }
        #expect(cut.frameLength == 1514)
    }

    @Test func ethernet() throws {
        #expect(try decode(Frames.ethernet(etherType: 0x0800, Frames.ipv4SYN), .ethernet) == expected)
    }

    @Test func vlan8021Q() throws {
        let frame = Frames.ethernet(etherType: 0x8100, Frames.vlanTag(id: 100, etherType: 0x0800) + Frames.ipv4SYN)
        #expect(try decode(frame, .ethernet) == expected)
    }

    @Test func qinq() throws {
        let tags = Frames.vlanTag(id: 10, etherType: 0x8100) + Frames.vlanTag(id: 20, etherType: 0x0800)
        #expect(try decode(Frames.ethernet(etherType: 0x88A8, tags + Frames.ipv4SYN), .ethernet) == expected)
    }

    @Test func vlanTagFieldsAreRead() throws {
        let tag = Frames.vlanTag(id: 0x6064, etherType: 0x0800)
        try tag.withUnsafeBytes { bytes in
            let view = try VLANTag(validating: bytes)
            #expect(view.vlanID == 0x064)
            #expect(view.priority == 3)
            #expect(view.etherType == 0x0800)
        }
    }

    /// Before: five or more tags made the frame "not IP", dropped uncounted.
    /// tshark decodes any stack; so does the decoder now.
    @Test(arguments: [5, 8, 32])
    func deepVLANStacksAreDecoded(tags: Int) throws {
        var payload: [UInt8] = []
        for _ in 1..<tags { payload += Frames.vlanTag(id: 1, etherType: 0x8100) }
        payload += Frames.vlanTag(id: 1, etherType: 0x0800)
        let segment = try decode(Frames.ethernet(etherType: 0x8100, payload + Frames.ipv4SYN), .ethernet)
        #expect(segment.flags == [.syn])
    }

    /// A stack of tags that runs past the end of the frame is truncated, not a loop.
    @Test func aStackOfTagsToTheEndOfTheFrameIsTruncated() {
        let payload = Array(repeating: Frames.vlanTag(id: 1, etherType: 0x8100), count: 40).flatMap { $0 }
        #expect(failure(Frames.ethernet(etherType: 0x8100, payload), .ethernet) == .truncated(.vlan))
    }

    @Test func linuxSLL() throws {
        let header: [UInt8] = [0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00]
        #expect(try decode(header + Frames.ipv4SYN, .linuxSLL) == expected)
    }

    @Test func linuxSLL2() throws {
        let header: [UInt8] = [0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6, 2, 0, 0, 0, 0, 1, 0, 0]
        #expect(try decode(header + Frames.ipv4SYN, .linuxSLL2) == expected)
        try header.withUnsafeBytes { bytes in
            let view = try LinuxSLL2Header(validating: bytes)
            #expect(view.interfaceIndex == 3)
            #expect(view.packetType == 4)
        }
    }

    @Test func bsdNullInEitherByteOrder() throws {
        #expect(try decode([2, 0, 0, 0] + Frames.ipv4SYN, .null) == expected)
        #expect(try decode([0, 0, 0, 2] + Frames.ipv4SYN, .null) == expected)
        #expect(try decode([30, 0, 0, 0] + Frames.ipv6Data, .null).source.address.isIPv6)
    }

    @Test func bsdLoopIsNetworkOrder() throws {
        #expect(try decode([0, 0, 0, 2] + Frames.ipv4SYN, .loop) == expected)
        #expect(try decode([0, 0, 0, 24] + Frames.ipv6Data, .loop).source.address.isIPv6)
        #expect(failure([0, 0, 0, 7] + Frames.ipv4SYN, .loop) == .notIP(etherType: 0))
    }

    @Test(arguments: [LinkType.raw, .rawDLT12, .rawDLT14])
    func rawIPTakesTheVersionFromTheFirstNibble(linkType: LinkType) throws {
        #expect(try decode(Frames.ipv4SYN, linkType) == expected)
        #expect(try decode(Frames.ipv6Data, linkType).source.address.isIPv6)
        #expect(failure([0x50] + Frames.ipv4SYN.dropFirst(), linkType) == .notIP(etherType: 0))
    }

    @Test func ipv4AndIPv6LinkTypesAreFixed() throws {
        #expect(try decode(Frames.ipv6Data, .ipv6).destination.port == 50000)
        #expect(failure(Frames.ipv6Data, .ipv4) == .malformed(.ipv4, .wrongVersion))
    }

    @Test func otherLinkTypesAreNamedAsUnsupported() {
        #expect(failure(Frames.ipv4SYN, LinkType(rawValue: 127)) == .unsupportedLinkType(127))
        #expect(failure(Frames.ipv4SYN, LinkType(rawValue: 127))?.description == "unsupported link type 127")
    }

    @Test func arpIsNotIP() {
        #expect(failure(Frames.ethernet(etherType: 0x0806, Array(repeating: 0, count: 28)), .ethernet)
            == .notIP(etherType: 0x0806))
    }
}
