import ArgumentParser
import Wire

/// tshark's `-d udp.port==N,KIND`: a UDP port to read as a tunnel.
struct DecodeAs {
    let port: UInt16
    let kind: EncapsulationLayer.Kind

    init(_ text: String) throws {
        let usage = "-d takes udp.port==N,KIND with KIND one of "
            + TunnelPorts.decodable.map(\.rawValue).joined(separator: ", ") + ", not \(text)"
        guard text.hasPrefix("udp.port=="), let comma = text.firstIndex(of: ","),
              let port = UInt16(text[text.index(text.startIndex, offsetBy: 10)..<comma]), port > 0,
              let kind = EncapsulationLayer.Kind(rawValue: String(text[text.index(after: comma)...])),
              TunnelPorts.decodable.contains(kind)
        else { throw ValidationError(usage) }
        self.port = port
        self.kind = kind
    }
}
