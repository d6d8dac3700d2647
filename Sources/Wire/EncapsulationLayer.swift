/// One layer a segment was carried in, outside its own IP header: a label
/// (MPLS, PPPoE) or a tunnel (GRE, VXLAN, Geneve, GTP-U, Teredo…).
///
/// A tunnel is named by its outer endpoints in canonical order (lower
/// first), so both directions of one tunnel are one layer. A UDP tunnel
/// whose sender picks its source port per flow (VXLAN, Geneve, GRE-in-UDP)
/// is named by the service port at both ends, where each end receives, as
/// Zeek leaves the source port out of such a tunnel's identity.
public struct EncapsulationLayer: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case mpls
        case pppoe
        case gre
        case erspan
        /// IP protocol 4: IPv4 inside IPv4 or IPv6 (`ip link` types ipip, ip6tnl).
        case ipInIP = "ip-in-ip"
        /// IP protocol 41: IPv6 inside IPv4 or IPv6 (`ip link` types sit, ip6tnl).
        case ipv6InIP = "ipv6-in-ip"
        case vxlan
        case geneve
        case gtpU = "gtp-u"
        case teredo
        case ayiya
        /// GRE inside UDP (RFC 8086, port 4754).
        case greInUDP = "gre-in-udp"

        /// Whether Zeek calls it a tunnel (with a uid in `tunnel_parents`):
        /// MPLS and PPPoE are link layers to it.
        public var isTunnel: Bool { self != .mpls && self != .pppoe }

        /// What the identifier is called in the layer's text.
        var identifierName: String {
            switch self {
            case .mpls: "label"
            case .pppoe, .erspan: "session"
            case .gre, .greInUDP: "key"
            case .vxlan, .geneve: "vni"
            case .gtpU: "teid"
            case .ipInIP, .ipv6InIP, .teredo, .ayiya: ""
            }
        }
    }

    public var kind: Kind
    /// The label, session, key, VNI or TEID; nil where the layer has none.
    public var identifier: UInt32?
    /// The tunnel's outer endpoints, lower first; port 0 where none is named.
    public var outer: (Endpoint, Endpoint)? {
        guard let first = outerFirst, let second = outerSecond else { return nil }
        return (first, second)
    }
    private var outerFirst: Endpoint?
    private var outerSecond: Endpoint?

    public init(kind: Kind, identifier: UInt32? = nil, outer: (Endpoint, Endpoint)? = nil) {
        self.kind = kind
        self.identifier = identifier
        if let (a, b) = outer {
            outerFirst = min(a, b)
            outerSecond = max(a, b)
        }
    }
}

extension EncapsulationLayer: CustomStringConvertible {
    /// `vxlan vni 42 10.0.0.1 <-> 10.0.0.2.4789`: kind, identifier, and
    /// the outer endpoints in tcpdump's `address.port` form (address alone
    /// where the port is not part of the tunnel's identity).
    public var description: String {
        var text = kind.rawValue
        if let identifier { text += " \(kind.identifierName) \(identifier)" }
        if let (a, b) = outer { text += " \(Self.text(a)) <-> \(Self.text(b))" }
        return text
    }

    private static func text(_ endpoint: Endpoint) -> String {
        endpoint.port == 0 ? endpoint.address.description : endpoint.description
    }

    /// Reads `description`'s text back (records read from JSON); nil if it is not one.
    public init?(parsing text: String) {
        var words = text.split(separator: " ")[...]
        guard let first = words.popFirst(), let kind = Kind(rawValue: String(first)) else { return nil }
        var identifier: UInt32?
        if !kind.identifierName.isEmpty, words.first.map(String.init) == kind.identifierName {
            words.removeFirst()
            guard let word = words.popFirst(), let value = UInt32(word) else { return nil }
            identifier = value
        }
        var outer: (Endpoint, Endpoint)?
        if !words.isEmpty {
            guard words.count == 3, words[words.startIndex + 1] == "<->",
                  let a = Self.endpoint(words[words.startIndex]), let b = Self.endpoint(words[words.startIndex + 2])
            else { return nil }
            outer = (a, b)
        } else if kind.isTunnel {
            return nil
        }
        self.init(kind: kind, identifier: identifier, outer: outer)
        guard description == text else { return nil }
    }

    /// `address` or `address.port`: an IPv4 address's last dot-part is a port only when there are five.
    private static func endpoint(_ text: Substring) -> Endpoint? {
        if let address = IPAddress(text) { return Endpoint(address: address, port: 0) }
        guard let dot = text.lastIndex(of: "."), let port = UInt16(text[text.index(after: dot)...]),
              let address = IPAddress(text[..<dot]) else { return nil }
        return Endpoint(address: address, port: port)
    }
}
