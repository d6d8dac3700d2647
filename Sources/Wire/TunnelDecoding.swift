/// The tunnels `SegmentDecoder` looks inside: what an IP packet that is not
/// TCP may carry, layer by layer, until an IP packet comes out.
extension SegmentDecoder {
    /// The inner packet of a tunnel riding in IP protocol `ipProtocol`,
    /// with its layer appended to `layers`; `notTCP` when it is no tunnel.
    static func tunnelPayload(ipProtocol: UInt8, _ payload: UnsafeRawBufferPointer, from source: IPAddress,
                              to destination: IPAddress, tunnelPorts: TunnelPorts,
                              layers: inout [EncapsulationLayer]) throws(DecodeFailure) -> (UInt8, UnsafeRawBufferPointer) {
        let outer = (Endpoint(address: source, port: 0), Endpoint(address: destination, port: 0))
        switch ipProtocol {
        case IPProtocol.ipInIP:
            layers.append(EncapsulationLayer(kind: .ipInIP, outer: outer))
            return (4, payload)
        case IPProtocol.ipv6InIP:
            layers.append(EncapsulationLayer(kind: .ipv6InIP, outer: outer))
            return (6, payload)
        case IPProtocol.gre:
            return try greContents(payload, kind: .gre, outer: outer, layers: &layers)
        case IPProtocol.udp:
            return try udpTunnelPayload(payload, from: source, to: destination, tunnelPorts: tunnelPorts,
                                        layers: &layers)
        default:
            throw .notTCP(ipProtocol: ipProtocol)
        }
    }

    /// GRE's payload by its protocol type: IP, an Ethernet frame (bridged,
    /// or mirrored by ERSPAN), MPLS, or PPP (PPTP).
    static func greContents(_ bytes: UnsafeRawBufferPointer, kind: EncapsulationLayer.Kind,
                            outer: (Endpoint, Endpoint),
                            layers: inout [EncapsulationLayer]) throws(DecodeFailure) -> (UInt8, UnsafeRawBufferPointer) {
        let gre = try GREHeader(validating: bytes)
        let type = gre.protocolType
        switch type {
        case GREHeader.ProtocolType.erspan, GREHeader.ProtocolType.erspanTypeIII:
            // Type I has no header of its own and no sequence number in GRE.
            var frame = gre.payload
            var session: UInt32?
            if type == GREHeader.ProtocolType.erspanTypeIII || gre.hasSequenceNumber {
                let erspan = try ERSPANHeader(validating: frame, typeIII: type == GREHeader.ProtocolType.erspanTypeIII)
                session = UInt32(erspan.sessionID)
                frame = erspan.payload
            }
            layers.append(EncapsulationLayer(kind: .erspan, identifier: session, outer: outer))
            return try ethernetContents(frame, layers: &layers)
        case GREHeader.ProtocolType.ppp where gre.version == 1:
            layers.append(EncapsulationLayer(kind: kind, outer: outer))
            return try pppContents(gre.payload)
        default:
            guard gre.version == 0 else { throw .malformed(.gre, .unsupportedVersion) }
            layers.append(EncapsulationLayer(kind: kind, identifier: gre.key, outer: outer))
            if type == GREHeader.ProtocolType.transparentEthernet {
                return try ethernetContents(gre.payload, layers: &layers)
            }
            return try ipVersion(etherType: type, payload: gre.payload, layers: &layers)
        }
    }

    /// A PPP frame in PPTP's GRE: address and control bytes (0xFF 0x03)
    /// are optional, and the protocol field may be compressed to one byte.
    static func pppContents(_ bytes: UnsafeRawBufferPointer) throws(DecodeFailure) -> (UInt8, UnsafeRawBufferPointer) {
        var bytes = bytes
        if bytes.count >= 2, bytes.u16(0) == 0xFF03 { bytes = bytes.tail(from: 2) }
        guard let first = bytes.first else { throw .truncated(.gre) }
        let (pppProtocol, length) = first & 1 == 1 ? (UInt16(first), 1) : (bytes.count >= 2 ? bytes.u16(0) : 0, 2)
        guard let version = PPPoESessionHeader.PPPProtocol.ipVersion(pppProtocol) else {
            throw .notIP(etherType: pppProtocol)
        }
        return (version, bytes.tail(from: length))
    }

    /// The inner packet of a UDP tunnel: by port (either side), or, for
    /// Teredo, by what the payload is (an IPv6 packet to or from
    /// 2001::/32, Teredo's prefix), as Teredo relays answer from any port.
    static func udpTunnelPayload(_ bytes: UnsafeRawBufferPointer, from source: IPAddress, to destination: IPAddress,
                                 tunnelPorts: TunnelPorts,
                                 layers: inout [EncapsulationLayer]) throws(DecodeFailure) -> (UInt8, UnsafeRawBufferPointer) {
        let udp = try UDPHeader(validating: bytes)
        let sourcePort = udp.sourcePort, destinationPort = udp.destinationPort
        let kind = tunnelPorts.kind(onPort: destinationPort) ?? tunnelPorts.kind(onPort: sourcePort)
            ?? (isTeredo(udp.payload) ? .teredo : nil)
        guard let kind else { throw .notTCP(ipProtocol: IPProtocol.udp) }
        // A VXLAN, Geneve or GRE-in-UDP sender picks its source port per
        // inner flow, for load balancing, and each end receives on the
        // service port: the tunnel is between the two ends' service ports,
        // the same both ways. Teredo, AYIYA and GTP-U keep both ports.
        let keepsBothPorts = kind == .teredo || kind == .ayiya || kind == .gtpU
        let servicePort = tunnelPorts.kind(onPort: destinationPort) == kind ? destinationPort : sourcePort
        let outer = (Endpoint(address: source, port: keepsBothPorts ? sourcePort : servicePort),
                     Endpoint(address: destination, port: keepsBothPorts ? destinationPort : servicePort))
        let payload = udp.payload
        switch kind {
        case .vxlan:
            let vxlan = try VXLANHeader(validating: payload)
            layers.append(EncapsulationLayer(kind: .vxlan, identifier: vxlan.networkIdentifier, outer: outer))
            return try ethernetContents(vxlan.payload, layers: &layers)
        case .geneve:
            let geneve = try GeneveHeader(validating: payload)
            layers.append(EncapsulationLayer(kind: .geneve, identifier: geneve.networkIdentifier, outer: outer))
            if geneve.protocolType == GREHeader.ProtocolType.transparentEthernet {
                return try ethernetContents(geneve.payload, layers: &layers)
            }
            return try ipVersion(etherType: geneve.protocolType, payload: geneve.payload, layers: &layers)
        case .gtpU:
            let gtp = try GTPUHeader(validating: payload)
            guard gtp.messageType == GTPUHeader.gPDU else { throw .notTCP(ipProtocol: IPProtocol.udp) }
            layers.append(EncapsulationLayer(kind: .gtpU, identifier: gtp.tunnelEndpointID, outer: outer))
            return try ipVersion(guessedFrom: gtp.payload)
        case .teredo:
            let teredo = try TeredoHeaders(validating: payload)
            layers.append(EncapsulationLayer(kind: .teredo, outer: outer))
            return (6, teredo.payload)
        case .ayiya:
            let ayiya = try AYIYAHeader(validating: payload)
            guard ayiya.opcode == 1 else { throw .notTCP(ipProtocol: IPProtocol.udp) }
            layers.append(EncapsulationLayer(kind: .ayiya, outer: outer))
            switch ayiya.nextHeader {
            case IPProtocol.ipInIP: return (4, ayiya.payload)
            case IPProtocol.ipv6InIP: return (6, ayiya.payload)
            default: throw .notTCP(ipProtocol: ayiya.nextHeader)
            }
        case .greInUDP:
            return try greContents(payload, kind: .greInUDP, outer: outer, layers: &layers)
        default:
            throw .notTCP(ipProtocol: IPProtocol.udp)
        }
    }

    /// Whether a UDP payload is an IPv6 packet to or from Teredo's prefix
    /// whose length field matches the datagram (after Teredo's optional headers).
    static func isTeredo(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let headers = try? TeredoHeaders(validating: bytes) else { return false }
        let packet = headers.payload
        guard packet.count >= IPv6Header.length, packet.u8(0) >> 4 == 6,
              Int(packet.u16(4)) + IPv6Header.length == packet.count else { return false }
        return packet.u32(8) == 0x2001_0000 || packet.u32(24) == 0x2001_0000
    }
}
