import Testing
@testable import Wire

/// TCP inside every encapsulation the decoder reads comes out as the same
/// segment, with its layers named. Frames are built from the RFC layouts:
/// MPLS RFC 3032 (and RFC 4385's control word), PPPoE RFC 2516, GRE RFC
/// 2784/2890 (PPTP RFC 2637), ERSPAN draft-foschiano-erspan, VXLAN RFC
/// 7348, Geneve RFC 8926, GTP-U 3GPP TS 29.281, Teredo RFC 4380, AYIYA
/// draft-massar-v6ops-ayiya, GRE-in-UDP RFC 8086, FDDI with 802.2 SNAP.
struct EncapsulationDecodingTests {
    /// The inner segment as a plain IPv4 packet gives it.
    let inner = try! WireTests.decode(Frames.ipv4SYN, .ipv4)

    static let outerSource: [UInt8] = [192, 0, 2, 1]
    static let outerDestination: [UInt8] = [192, 0, 2, 2]

    /// An outer IPv4 header (no options) around `payload` with `ipProtocol`.
    static func outerIPv4(_ ipProtocol: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let total = UInt16(20 + payload.count)
        return [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 0, 0x40, 0, 64, ipProtocol, 0, 0]
            + outerSource + outerDestination + payload
    }

    static func udp(from source: UInt16, to destination: UInt16, _ payload: [UInt8]) -> [UInt8] {
        Frames.bigEndian(source) + Frames.bigEndian(destination) + Frames.bigEndian(UInt16(8 + payload.count))
            + [0, 0] + payload
    }

    static let innerEthernet = Frames.ethernet(etherType: 0x0800, Frames.ipv4SYN)

    /// Decodes `frame` and checks that the TCP segment is the plain one and the layers are `layers`.
    func expect(_ frame: [UInt8], _ linkType: LinkType = .ethernet, layers: [String],
                sourceLocation: SourceLocation = #_sourceLocation) throws {
        var segment = try WireTests.decode(frame, linkType)
        #expect(segment.encapsulation.layers.map(\.description) == layers, sourceLocation: sourceLocation)
        #expect(segment.ipLength == inner.ipLength, "Zeek counts the inner IP bytes", sourceLocation: sourceLocation)
        segment.frameLength = inner.frameLength
        segment.payloadOffset = inner.payloadOffset
        segment.encapsulation = .none
        #expect(segment == inner, sourceLocation: sourceLocation)
    }

    @Test func plainFramesHaveNoLayers() throws {
        #expect(try WireTests.decode(Frames.ethernet(etherType: 0x0800, Frames.ipv4SYN), .ethernet).encapsulation
            == .none)
    }

    @Test func mplsLabelStackThenIPv4() throws {
        let labels: [UInt8] = [0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x11, 0x40] // 16, then 17 bottom of stack
        try expect(Frames.ethernet(etherType: 0x8847, labels + Frames.ipv4SYN),
                   layers: ["mpls label 16", "mpls label 17"])
    }

    @Test func mplsPseudowireWithControlWord() throws {
        let label: [UInt8] = [0x00, 0x06, 0x41, 0x40] // 100, bottom of stack
        try expect(Frames.ethernet(etherType: 0x8847, label + [0, 0, 0, 0] + Self.innerEthernet),
                   layers: ["mpls label 100"])
    }

    @Test func pppoeSessionOverQinQ() throws {
        let ppp: [UInt8] = [0x11, 0x00, 0x0F, 0x07] + Frames.bigEndian(UInt16(2 + Frames.ipv4SYN.count)) + [0x00, 0x21]
        let tags = Frames.vlanTag(id: 10, etherType: 0x8100) + Frames.vlanTag(id: 20, etherType: 0x8864)
        // Ethernet pads short frames: the PPPoE length cuts them.
        try expect(Frames.ethernet(etherType: 0x88A8, tags + ppp + Frames.ipv4SYN + [0, 0, 0, 0]),
                   layers: ["pppoe session 3847"])
    }

    @Test func greWithKeyAndSequenceNumber() throws {
        let gre: [UInt8] = [0x30, 0x00, 0x08, 0x00, 0, 0, 0, 42, 0, 0, 0, 7] // K and S, IPv4, key 42, seq 7
        try expect(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(47, gre + Frames.ipv4SYN)),
                   layers: ["gre key 42 192.0.2.1 <-> 192.0.2.2"])
    }

    @Test func greWithChecksumBridgingEthernet() throws {
        let gre: [UInt8] = [0x80, 0x00, 0x65, 0x58, 0, 0, 0, 0] // C, transparent Ethernet bridging
        try expect(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(47, gre + Self.innerEthernet)),
                   layers: ["gre 192.0.2.1 <-> 192.0.2.2"])
    }

    @Test func pptpEnhancedGREWithPPP() throws {
        let gre: [UInt8] = [0x30, 0x81, 0x88, 0x0B, 0x00, 0x3E, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 0] // K S A, v1
        try expect(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(47, gre + [0xFF, 0x03, 0x00, 0x21] + Frames.ipv4SYN)),
                   layers: ["gre 192.0.2.1 <-> 192.0.2.2"])
    }

    @Test func erspanTypesOneTwoAndThree() throws {
        let typeI: [UInt8] = [0x00, 0x00, 0x88, 0xBE]
        try expect(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(47, typeI + Self.innerEthernet)),
                   layers: ["erspan 192.0.2.1 <-> 192.0.2.2"])
        let typeII: [UInt8] = [0x10, 0x00, 0x88, 0xBE, 0, 0, 0, 1] + [0x10, 0x64, 0x00, 0x05, 0, 0, 0, 0]
        try expect(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(47, typeII + Self.innerEthernet)),
                   layers: ["erspan session 5 192.0.2.1 <-> 192.0.2.2"])
        let typeIII: [UInt8] = [0x10, 0x00, 0x22, 0xEB, 0, 0, 0, 1]
            + [0x20, 0x00, 0x00, 0x09, 0, 0, 0, 0, 0, 0, 0, 0x01] + [UInt8](repeating: 0, count: 8) // O: subheader
        try expect(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(47, typeIII + Self.innerEthernet)),
                   layers: ["erspan session 9 192.0.2.1 <-> 192.0.2.2"])
    }

    @Test func ipInIPAndIPv6InIP() throws {
        try expect(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(4, Frames.ipv4SYN)),
                   layers: ["ip-in-ip 192.0.2.1 <-> 192.0.2.2"])
        let six = try WireTests.decode(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(41, Frames.ipv6Data)), .ethernet)
        #expect(six.encapsulation.layers.map(\.description) == ["ipv6-in-ip 192.0.2.1 <-> 192.0.2.2"])
        #expect(six.source.description == "2001:db8::1.443")
    }

    @Test func vxlanNamesItsNetworkAndNotTheSourcePort() throws {
        let vxlan: [UInt8] = [0x08, 0, 0, 0, 0x00, 0x00, 0x2A, 0x00] // VNI 42
        try expect(Frames.ethernet(etherType: 0x0800,
                                   Self.outerIPv4(17, Self.udp(from: 51234, to: 4789, vxlan + Self.innerEthernet))),
                   layers: ["vxlan vni 42 192.0.2.1.4789 <-> 192.0.2.2.4789"])
    }

    @Test func geneveWithOptionsOnAPortGivenByTheUser() throws {
        let geneve: [UInt8] = [0x02, 0x00, 0x65, 0x58, 0x00, 0x10, 0x92, 0x00] + [0x01, 0x02, 0x03, 0x01, 0, 0, 0, 0]
        let frame = Frames.ethernet(etherType: 0x0800,
                                    Self.outerIPv4(17, Self.udp(from: 40000, to: 47101, geneve + Self.innerEthernet)))
        #expect(failure(frame, .ethernet) == .notTCP(ipProtocol: 17), "47101 is no Geneve port by default")
        let ports = TunnelPorts.standard.adding(47101, as: .geneve)
        let segment = try frame.withUnsafeBytes { buffer throws(DecodeFailure) in
            try SegmentDecoder.decode(buffer, linkType: .ethernet, timestamp: Timestamp(nanosecondsSinceEpoch: 0),
                                      tunnelPorts: ports)
        }
        #expect(segment.encapsulation.layers.map(\.description) == ["geneve vni 4242 192.0.2.1.47101 <-> 192.0.2.2.47101"])
        #expect(segment.destination.port == 80)
    }

    @Test func gtpUWithExtensionHeaders() throws {
        // E flag: sequence, N-PDU, next type 0x85 (PDU session container, 1 unit), then none.
        let gtp: [UInt8] = [0x34, 0xFF] + Frames.bigEndian(UInt16(8 + Frames.ipv4SYN.count)) + [0, 0, 0x12, 0x34]
            + [0, 0, 0, 0x85] + [0x01, 0x00, 0x01, 0x00]
        try expect(Frames.ethernet(etherType: 0x0800,
                                   Self.outerIPv4(17, Self.udp(from: 2152, to: 2152, gtp + Frames.ipv4SYN))),
                   layers: ["gtp-u teid 4660 192.0.2.1.2152 <-> 192.0.2.2.2152"])
        let signalling: [UInt8] = [0x32, 0x01, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0] // echo request
        #expect(failure(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(17, Self.udp(from: 2152, to: 2152, signalling))),
                        .ethernet) == .notTCP(ipProtocol: 17))
    }

    @Test func gtpUExtensionOfZeroLengthIsMalformedNotALoop() {
        let gtp: [UInt8] = [0x34, 0xFF, 0, 20, 0, 0, 0, 1, 0, 0, 0, 0x85, 0x00, 0, 0, 0]
        #expect(failure(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(17, Self.udp(from: 2152, to: 2152, gtp))),
                        .ethernet) == .malformed(.gtpU, .headerLengthTooSmall))
    }

    /// A Teredo packet from a relay's own port is recognised by its IPv6
    /// addresses (2001::/32); one with an origin indication too.
    @Test func teredoByPortAndByPrefix() throws {
        var teredoIPv6 = Frames.ipv6Data
        teredoIPv6.replaceSubrange(8..<12, with: [0x20, 0x01, 0x00, 0x00])
        let expected = try WireTests.decode(teredoIPv6, .ipv6)
        let origin: [UInt8] = [0x00, 0x00, 0x0D, 0x4C, 0x3F, 0xFF, 0xFD, 0xFE]
        for (port, payload) in [(UInt16(3544), Frames.ipv6Data), (32900, teredoIPv6), (32900, origin + teredoIPv6)] {
            let segment = try WireTests.decode(
                Frames.ethernet(etherType: 0x0800, Self.outerIPv4(17, Self.udp(from: 3797, to: port, payload))), .ethernet)
            #expect(segment.encapsulation.layers.map(\.description) == ["teredo 192.0.2.1.3797 <-> 192.0.2.2.\(port)"])
            #expect(segment.source.port == expected.source.port && segment.payloadLength == 5)
        }
        #expect(failure(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(17, Self.udp(from: 3797, to: 32900,
                                                                                            Frames.ipv6Data))),
                        .ethernet) == .notTCP(ipProtocol: 17), "not Teredo's prefix, not its port")
    }

    @Test func ayiyaForwardingIPv4() throws {
        let ayiya: [UInt8] = [0x41, 0x52, 0x11, 0x04, 0, 0, 0, 0] + [UInt8](repeating: 0xAB, count: 16 + 20)
        try expect(Frames.ethernet(etherType: 0x0800,
                                   Self.outerIPv4(17, Self.udp(from: 5072, to: 5072, ayiya + Frames.ipv4SYN))),
                   layers: ["ayiya 192.0.2.1.5072 <-> 192.0.2.2.5072"])
    }

    @Test func greInUDP() throws {
        try expect(Frames.ethernet(etherType: 0x0800,
                                   Self.outerIPv4(17, Self.udp(from: 40987, to: 4754, [0, 0, 0x08, 0x00] + Frames.ipv4SYN))),
                   layers: ["gre-in-udp 192.0.2.1.4754 <-> 192.0.2.2.4754"])
    }

    @Test func tunnelInsideATunnel() throws {
        let vxlan: [UInt8] = [0x08, 0, 0, 0, 0, 0, 7, 0]
        let gre = Frames.ethernet(etherType: 0x0800, Self.outerIPv4(47, [0x00, 0x00, 0x08, 0x00] + Frames.ipv4SYN))
        try expect(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(17, Self.udp(from: 1, to: 4789, vxlan + gre))),
                   layers: ["vxlan vni 7 192.0.2.1.4789 <-> 192.0.2.2.4789", "gre 192.0.2.1 <-> 192.0.2.2"])
    }

    /// IP-in-IP nested past the limit is refused, not followed forever.
    @Test func nestingHasALimit() {
        var packet = Frames.ipv4SYN
        for _ in 0..<SegmentDecoder.maximumLayers { packet = Self.outerIPv4(4, packet) }
        #expect(failure(Frames.ethernet(etherType: 0x0800, packet), .ethernet) == nil)
        #expect(failure(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(4, packet)), .ethernet)
            == .malformed(.encapsulation, .tooManyLayers))
    }

    @Test func malformedTunnelHeadersAreFailuresNotTraps() {
        let outer = { (payload: [UInt8]) in Frames.ethernet(etherType: 0x0800, Self.outerIPv4(17, payload)) }
        #expect(failure(outer(Self.udp(from: 1, to: 4789, [0x08, 0, 0])), .ethernet) == .truncated(.vxlan))
        #expect(failure(outer(Self.udp(from: 1, to: 4789, [0x00, 0, 0, 0, 0, 0, 0, 0])), .ethernet)
            == .malformed(.vxlan, .unsupportedVersion))
        #expect(failure(outer(Self.udp(from: 1, to: 6081, [0x3F, 0, 0x65, 0x58, 0, 0, 0, 0])), .ethernet)
            == .truncated(.geneve))
        #expect(failure(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(47, [0x00, 0x02, 0x08, 0x00])), .ethernet)
            == .malformed(.gre, .unsupportedVersion))
        #expect(failure(Frames.ethernet(etherType: 0x8847, [0x00, 0x01, 0x00, 0x40]), .ethernet) == .truncated(.mpls))
        #expect(failure(Frames.ethernet(etherType: 0x8864, [0x11, 0, 0, 1, 0, 2, 0xC0, 0x21]), .ethernet)
            == .notIP(etherType: 0x8864), "LCP, not IP")
        #expect(failure(Frames.ethernet(etherType: 0x0800, Self.outerIPv4(17, [0, 1, 0x12, 0xB5, 0, 4, 0, 0])), .ethernet)
            == .malformed(.udp, .totalLengthTooSmall))
    }

    @Test func fddiWithSNAP() throws {
        let header: [UInt8] = [0x50] + [UInt8](repeating: 0x11, count: 12) + [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00]
        var segment = try WireTests.decode(header + Frames.ipv4SYN, .fddi)
        #expect(segment.payloadOffset == header.count + inner.payloadOffset)
        segment.frameLength = inner.frameLength
        segment.payloadOffset = inner.payloadOffset
        #expect(segment == inner)
        #expect(failure([0x50] + [UInt8](repeating: 0x11, count: 12) + [0x42, 0x42, 0x03, 0, 0, 0, 0x08, 0x00],
                        .fddi) == .notIP(etherType: 0))
    }

    @Test func layersReadBackFromTheirText() {
        for text in ["vxlan vni 42 192.0.2.1 <-> 192.0.2.2.4789", "mpls label 16", "pppoe session 1",
                     "gre 2001:db8::1 <-> 2001:db8::2", "teredo 192.0.2.1.3797 <-> 192.0.2.2.3544",
                     "gtp-u teid 7 192.0.2.1.2152 <-> 192.0.2.2.2152"] {
            #expect(EncapsulationLayer(parsing: text)?.description == text)
        }
        for text in ["vxlan", "gre key x 1.2.3.4 <-> 1.2.3.5", "mpls label 16 extra", "tunnel 1.2.3.4 <-> 1.2.3.5"] {
            #expect(EncapsulationLayer(parsing: text) == nil, "\(text)")
        }
    }
}
