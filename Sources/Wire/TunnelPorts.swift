/// Which UDP ports carry which tunnel: the IANA assignments by default,
/// and more where a capture uses others (tshark's `-d udp.port==N,geneve`,
/// Zeek's `Tunnel::geneve_ports`). A datagram is a tunnel's when either
/// port is one of these.
public struct TunnelPorts: Sendable, Equatable {
    private var kinds: [UInt16: EncapsulationLayer.Kind]

    /// The UDP tunnels this decoder reads.
    public static let decodable: [EncapsulationLayer.Kind] = [.vxlan, .geneve, .gtpU, .teredo, .ayiya, .greInUDP]

    public static let standard = TunnelPorts(kinds: [
        4789: .vxlan, 6081: .geneve, 2152: .gtpU, 3544: .teredo, 5072: .ayiya, 4754: .greInUDP,
    ])

    private init(kinds: [UInt16: EncapsulationLayer.Kind]) { self.kinds = kinds }

    /// These ports with `port` carrying `kind` too.
    public func adding(_ port: UInt16, as kind: EncapsulationLayer.Kind) -> TunnelPorts {
        var ports = self
        ports.kinds[port] = kind
        return ports
    }

    /// The tunnel on `port`, if any.
    @inline(__always)
    func kind(onPort port: UInt16) -> EncapsulationLayer.Kind? { kinds[port] }
}
