/// Decodes a captured frame, link layer to TCP, into a `TCPSegment`.
///
/// Pure and allocation-free: header views read the caller's bytes in place,
/// and every length is checked before it is used, so no input traps.
public enum SegmentDecoder {
    enum IPProtocol {
        static let ipInIP: UInt8 = 4
        static let tcp: UInt8 = 6
        static let udp: UInt8 = 17
        static let ipv6InIP: UInt8 = 41
        static let gre: UInt8 = 47
    }

    /// The most encapsulation layers a segment may come through: deeper
    /// stacks are loops or forgeries, and each layer names a tunnel to remember.
    public static let maximumLayers = 8

    public static func decode(_ frame: UnsafeRawBufferPointer, linkType: LinkType, timestamp: Timestamp,
                              wireLength: Int? = nil, tunnelPorts: TunnelPorts = .standard) throws(DecodeFailure) -> TCPSegment {
        var segment = TCPSegment.zero
        try decode(frame, linkType: linkType, timestamp: timestamp, wireLength: wireLength, tunnelPorts: tunnelPorts,
                   into: &segment)
        return segment
    }

    /// Decodes into `segment`, overwriting every field, for the per-packet
    /// path (as gopacket's DecodingLayerParser decodes into preallocated
    /// layers): a returned segment was copied once per layer of calls, and
    /// those copies were the largest cost of reading a capture. On failure
    /// `segment` holds no meaningful value. `wireLength` is the frame's
    /// length on the wire (the capture record's original length), where the
    /// capture kept fewer bytes; without it, the bytes given.
    ///
    /// TCP inside MPLS, PPPoE, GRE (and ERSPAN), IP-in-IP, VXLAN, Geneve,
    /// GTP-U, Teredo, AYIYA and GRE-in-UDP is decoded by its inner headers;
    /// the layers are in `segment.encapsulation`. Plain frames take none
    /// of those paths: each starts where a plain decode would have failed.
    public static func decode(_ frame: UnsafeRawBufferPointer, linkType: LinkType, timestamp: Timestamp,
                              wireLength: Int? = nil, tunnelPorts: TunnelPorts = .standard,
                              into segment: inout TCPSegment) throws(DecodeFailure) {
        var layers: [EncapsulationLayer] = []
        var (version, network) = try networkLayer(of: frame, linkType: linkType, layers: &layers)
        while true {
            let contents = version == 4
                ? try decodeIPv4(network, timestamp: timestamp, tunnelPorts: tunnelPorts, layers: &layers, into: &segment)
                : try decodeIPv6(network, timestamp: timestamp, tunnelPorts: tunnelPorts, layers: &layers, into: &segment)
            switch contents {
            case .segment(let payload):
                segment.payloadOffset = frame.baseAddress.map { payload - $0 } ?? 0
            case .tunnel(let innerVersion, let packet):
                guard layers.count <= maximumLayers else { throw .malformed(.encapsulation, .tooManyLayers) }
                (version, network) = (innerVersion, packet)
                continue
            }
            break
        }
        guard layers.count <= maximumLayers else { throw .malformed(.encapsulation, .tooManyLayers) }
        segment.encapsulation = layers.isEmpty ? .none : Encapsulation.of(layers)
        segment.frameLength = max(wireLength ?? 0, frame.count)
    }

    /// Strips the link layer: the IP version and the bytes from the IP header on.
    static func networkLayer(of frame: UnsafeRawBufferPointer, linkType: LinkType,
                             layers: inout [EncapsulationLayer]) throws(DecodeFailure) -> (UInt8, UnsafeRawBufferPointer) {
        switch linkType {
        case .ethernet:
            return try ethernetContents(frame, layers: &layers)
        case .linuxSLL:
            let cooked = try LinuxSLLHeader(validating: frame)
            return try ipVersion(etherType: cooked.protocolType, payload: cooked.payload, layers: &layers)
        case .linuxSLL2:
            let cooked = try LinuxSLL2Header(validating: frame)
            return try ipVersion(etherType: cooked.protocolType, payload: cooked.payload, layers: &layers)
        case .null, .loop:
            let loopback = try LoopbackHeader(validating: frame, networkOrder: linkType == .loop)
            guard let version = loopback.ipVersion else { throw .notIP(etherType: 0) }
            return (version, loopback.payload)
        case .raw, .rawDLT12, .rawDLT14:
            return try ipVersion(guessedFrom: frame)
        case .ipv4:
            return (4, frame)
        case .ipv6:
            return (6, frame)
        case .fddi:
            let fddi = try FDDIHeader(validating: frame)
            guard fddi.hasSNAP else { throw .notIP(etherType: 0) }
            return try ipVersion(etherType: fddi.etherType, payload: fddi.payload, layers: &layers)
        default:
            throw .unsupportedLinkType(linkType.rawValue)
        }
    }

    /// An Ethernet frame's IP packet: the whole frame of an Ethernet link, or
    /// one a tunnel carries (bridged GRE, ERSPAN, VXLAN, Geneve, a pseudowire).
    static func ethernetContents(_ bytes: UnsafeRawBufferPointer,
                                 layers: inout [EncapsulationLayer]) throws(DecodeFailure) -> (UInt8, UnsafeRawBufferPointer) {
        let ethernet = try EthernetHeader(validating: bytes)
        return try ipVersion(etherType: ethernet.etherType, payload: ethernet.payload, layers: &layers)
    }

    /// The IP version from the first nibble, for links (and labels) that do not name it.
    static func ipVersion(guessedFrom bytes: UnsafeRawBufferPointer) throws(DecodeFailure) -> (UInt8, UnsafeRawBufferPointer) {
        guard let first = bytes.first else { throw .truncated(.link) }
        switch first >> 4 {
        case 4: return (4, bytes)
        case 6: return (6, bytes)
        default: throw .notIP(etherType: 0)
        }
    }

    /// Follows an EtherType through any number of VLAN tags, MPLS labels
    /// and a PPPoE session to IPv4 or IPv6, as tshark does: each takes
    /// bytes of the frame, so the walk ends with it (a stack deeper than
    /// the frame is truncated).
    static func ipVersion(etherType: UInt16, payload: UnsafeRawBufferPointer,
                          layers: inout [EncapsulationLayer]) throws(DecodeFailure) -> (UInt8, UnsafeRawBufferPointer) {
        var etherType = etherType
        var payload = payload
        while true {
            switch etherType {
            case EtherType.ipv4: return (4, payload)
            case EtherType.ipv6: return (6, payload)
            case EtherType.vlan, EtherType.qinq, EtherType.qinqLegacy:
                let tag = try VLANTag(validating: payload)
                etherType = tag.etherType
                payload = tag.payload
            case EtherType.mplsUnicast, EtherType.mplsMulticast:
                return try afterLabels(payload, layers: &layers)
            case EtherType.pppoeSession:
                let session = try PPPoESessionHeader(validating: payload)
                guard let version = session.ipVersion else { throw .notIP(etherType: etherType) }
                layers.append(EncapsulationLayer(kind: .pppoe, identifier: UInt32(session.sessionID)))
                return (version, session.payload)
            default:
                throw .notIP(etherType: etherType)
            }
        }
    }

    /// Walks an MPLS label stack. What follows the bottom label is not
    /// named, so it is guessed as tshark and Zeek guess: IPv4 or IPv6 by
    /// the first nibble, or a pseudowire control word (nibble 0) and an
    /// Ethernet frame.
    static func afterLabels(_ bytes: UnsafeRawBufferPointer,
                            layers: inout [EncapsulationLayer]) throws(DecodeFailure) -> (UInt8, UnsafeRawBufferPointer) {
        var bytes = bytes
        while true {
            let label = try MPLSLabel(validating: bytes)
            guard layers.count < maximumLayers else { throw .malformed(.encapsulation, .tooManyLayers) }
            layers.append(EncapsulationLayer(kind: .mpls, identifier: label.label))
            bytes = label.payload
            if label.isBottomOfStack { break }
        }
        guard let first = bytes.first else { throw .truncated(.mpls) }
        if first >> 4 == 0 { return try ethernetContents(bytes.tail(from: 4), layers: &layers) }
        return try ipVersion(guessedFrom: bytes)
    }

    /// What an IP packet held: a TCP segment, whose payload starts at the
    /// pointer, or the IP packet of the given version that a tunnel carried.
    enum IPContents {
        case segment(payload: UnsafeRawPointer)
        case tunnel(version: UInt8, packet: UnsafeRawBufferPointer)
    }

    /// Decodes the TCP segment in an IPv4 packet, or returns the packet a
    /// tunnel in it carries.
    static func decodeIPv4(_ bytes: UnsafeRawBufferPointer, timestamp: Timestamp, tunnelPorts: TunnelPorts,
                           layers: inout [EncapsulationLayer],
                           into segment: inout TCPSegment) throws(DecodeFailure) -> IPContents {
        let ip = try IPv4Header(validating: bytes)
        guard ip.protocolNumber == IPProtocol.tcp else {
            guard ip.fragmentOffset == 0 else { throw .notTCP(ipProtocol: ip.protocolNumber) }
            let (version, packet) = try tunnelPayload(ipProtocol: ip.protocolNumber, ip.payload, from: ip.source,
                                                      to: ip.destination, tunnelPorts: tunnelPorts, layers: &layers)
            return .tunnel(version: version, packet: packet)
        }
        guard ip.fragmentOffset == 0 else { throw .laterFragment }
        return .segment(payload: try decodeTCP(ip.payload, segmentLength: ip.payloadLengthOnWire, source: ip.source,
                                               destination: ip.destination, isFragment: ip.moreFragments,
                                               ipLength: ip.headerLength + ip.payloadLengthOnWire, timestamp: timestamp,
                                               into: &segment))
    }

    /// Decodes the TCP segment in an IPv6 packet, or returns the packet a
    /// tunnel in it carries.
    static func decodeIPv6(_ bytes: UnsafeRawBufferPointer, timestamp: Timestamp, tunnelPorts: TunnelPorts,
                           layers: inout [EncapsulationLayer],
                           into segment: inout TCPSegment) throws(DecodeFailure) -> IPContents {
        let ip = try IPv6Header(validating: bytes)
        let payload = ip.payload
        let chain = try IPv6ExtensionChain(walking: payload, firstHeader: ip.nextHeader)
        guard chain.length <= ip.payloadLengthOnWire else { throw .malformed(.ipv6Extension, .headerLengthBeyondPacket) }
        guard chain.upperProtocol == IPProtocol.tcp else {
            let (version, packet) = try tunnelPayload(
                ipProtocol: chain.upperProtocol, payload.tail(from: chain.length).head(ip.payloadLengthOnWire - chain.length),
                from: ip.source, to: ip.destination, tunnelPorts: tunnelPorts, layers: &layers)
            return .tunnel(version: version, packet: packet)
        }
        return .segment(payload: try decodeTCP(
            payload.tail(from: chain.length), segmentLength: ip.payloadLengthOnWire - chain.length,
            source: ip.source, destination: ip.destination, isFragment: chain.isFirstFragment,
            ipLength: IPv6Header.length + ip.payloadLengthOnWire, timestamp: timestamp, into: &segment))
    }

    /// Returns where the payload starts (or would, when none was captured).
    static func decodeTCP(_ bytes: UnsafeRawBufferPointer, segmentLength: Int, source: IPAddress,
                          destination: IPAddress, isFragment: Bool, ipLength: Int, timestamp: Timestamp,
                          into segment: inout TCPSegment) throws(DecodeFailure) -> UnsafeRawPointer {
        let tcp = try TCPHeader(validating: bytes, segmentLength: segmentLength)
        segment.timestamp = timestamp
        segment.source = Endpoint(address: source, port: tcp.sourcePort)
        segment.destination = Endpoint(address: destination, port: tcp.destinationPort)
        segment.sequence = tcp.sequence
        segment.acknowledgment = tcp.acknowledgment
        segment.flags = tcp.flags
        segment.window = tcp.window
        segment.urgentPointer = tcp.urgentPointer
        segment.payloadLength = segmentLength - tcp.headerLength
        tcp.loadOptions(into: &segment.options)
        segment.isFragment = isFragment
        segment.ipLength = ipLength
        // Validated: at least a TCP header's bytes are there.
        return bytes.baseAddress.unsafelyUnwrapped + tcp.headerLength
    }
}
