/// Decodes a captured frame, link layer to TCP, into a `TCPSegment`.
///
/// Pure and allocation-free: header views read the caller's bytes in place,
/// and every length is checked before it is used, so no input traps.
public enum SegmentDecoder {
    enum IPProtocol {
        static let tcp: UInt8 = 6
    }


    public static func decode(_ frame: UnsafeRawBufferPointer, linkType: LinkType, timestamp: Timestamp,
                              wireLength: Int? = nil) throws(DecodeFailure) -> TCPSegment {
        var segment = TCPSegment.zero
        try decode(frame, linkType: linkType, timestamp: timestamp, wireLength: wireLength, into: &segment)
        return segment
    }

    /// Decodes into `segment`, overwriting every field, for the per-packet
    /// path (as gopacket's DecodingLayerParser decodes into preallocated
    /// layers): a returned segment was copied once per layer of calls, and
    /// those copies were the largest cost of reading a capture. On failure
    /// `segment` holds no meaningful value. `wireLength` is the frame's
    /// length on the wire (the capture record's original length), where the
    /// capture kept fewer bytes; without it, the bytes given.
    public static func decode(_ frame: UnsafeRawBufferPointer, linkType: LinkType, timestamp: Timestamp,
                              wireLength: Int? = nil, into segment: inout TCPSegment) throws(DecodeFailure) {
        let (version, network) = try networkLayer(of: frame, linkType: linkType)
        if version == 4 {
            try decodeIPv4(network, timestamp: timestamp, into: &segment)
        } else {
            try decodeIPv6(network, timestamp: timestamp, into: &segment)
        }
        segment.frameLength = max(wireLength ?? 0, frame.count)
    }

    /// Strips the link layer: the IP version and the bytes from the IP header on.
    static func networkLayer(of frame: UnsafeRawBufferPointer,
                             linkType: LinkType) throws(DecodeFailure) -> (UInt8, UnsafeRawBufferPointer) {
        switch linkType {
        case .ethernet:
            let ethernet = try EthernetHeader(validating: frame)
            return try ipVersion(etherType: ethernet.etherType, payload: ethernet.payload)
        case .linuxSLL:
            let cooked = try LinuxSLLHeader(validating: frame)
            return try ipVersion(etherType: cooked.protocolType, payload: cooked.payload)
        case .linuxSLL2:
            let cooked = try LinuxSLL2Header(validating: frame)
            return try ipVersion(etherType: cooked.protocolType, payload: cooked.payload)
        case .null, .loop:
            let loopback = try LoopbackHeader(validating: frame, networkOrder: linkType == .loop)
            guard let version = loopback.ipVersion else { throw .notIP(etherType: 0) }
            return (version, loopback.payload)
        case .raw, .rawDLT12, .rawDLT14:
            guard let first = frame.first else { throw .truncated(.link) }
            switch first >> 4 {
            case 4: return (4, frame)
            case 6: return (6, frame)
            default: throw .notIP(etherType: 0)
            }
        case .ipv4:
            return (4, frame)
        case .ipv6:
            return (6, frame)
        default:
            throw .unsupportedLinkType(linkType.rawValue)
        }
    }

    /// Follows an EtherType through any number of VLAN tags to IPv4 or
    /// IPv6, as tshark does: each tag takes 4 bytes of the frame, so the
    /// walk ends with it (a stack deeper than the frame is truncated).
    static func ipVersion(etherType: UInt16,
                          payload: UnsafeRawBufferPointer) throws(DecodeFailure) -> (UInt8, UnsafeRawBufferPointer) {
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
            default:
                throw .notIP(etherType: etherType)
            }
        }
    }

    static func decodeIPv4(_ bytes: UnsafeRawBufferPointer, timestamp: Timestamp,
                           into segment: inout TCPSegment) throws(DecodeFailure) {
        let ip = try IPv4Header(validating: bytes)
        guard ip.protocolNumber == IPProtocol.tcp else { throw .notTCP(ipProtocol: ip.protocolNumber) }
        guard ip.fragmentOffset == 0 else { throw .laterFragment }
        try decodeTCP(ip.payload, segmentLength: ip.payloadLengthOnWire, source: ip.source,
                      destination: ip.destination, isFragment: ip.moreFragments,
                      ipLength: ip.headerLength + ip.payloadLengthOnWire, timestamp: timestamp, into: &segment)
    }

    static func decodeIPv6(_ bytes: UnsafeRawBufferPointer, timestamp: Timestamp,
                           into segment: inout TCPSegment) throws(DecodeFailure) {
        let ip = try IPv6Header(validating: bytes)
        let payload = ip.payload
        let chain = try IPv6ExtensionChain(walking: payload, firstHeader: ip.nextHeader)
        guard chain.upperProtocol == IPProtocol.tcp else { throw .notTCP(ipProtocol: chain.upperProtocol) }
        guard chain.length <= ip.payloadLengthOnWire else { throw .malformed(.ipv6Extension, .headerLengthBeyondPacket) }
        try decodeTCP(payload.tail(from: chain.length), segmentLength: ip.payloadLengthOnWire - chain.length,
                      source: ip.source, destination: ip.destination, isFragment: chain.isFirstFragment,
                      ipLength: IPv6Header.length + ip.payloadLengthOnWire, timestamp: timestamp, into: &segment)
    }

    static func decodeTCP(_ bytes: UnsafeRawBufferPointer, segmentLength: Int, source: IPAddress,
                          destination: IPAddress, isFragment: Bool, ipLength: Int, timestamp: Timestamp,
                          into segment: inout TCPSegment) throws(DecodeFailure) {
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
    }
}
