import Wire

/// Flags as the study note writes them: `SYN`, `SYN+ACK`, `FIN+ACK`.
enum FlagWords {
    static let order: [(TCPFlags, String)] = [(.syn, "SYN"), (.fin, "FIN"), (.rst, "RST"), (.psh, "PSH"), (.urg, "URG"),
                                              (.ece, "ECE"), (.cwr, "CWR"), (.ns, "NS"), (.ack, "ACK")]

    static func words(_ flags: TCPFlags) -> String {
        let words = order.filter { flags.contains($0.0) }.map(\.1)
        return words.isEmpty ? "(no flags)" : words.joined(separator: "+")
    }
}

/// Sequence numbers relative to each side's first one, as Wireshark shows
/// them: a SYN is seq 0, the first data byte seq 1.
struct RelativeSequence {
    private var clientBase: SequenceNumber?
    private var serverBase: SequenceNumber?

    /// `seq=… ack=… len=…` for a segment, relative to the bases seen so far.
    mutating func describe(_ segment: TCPSegment, fromClient: Bool) -> String {
        if fromClient, clientBase == nil { clientBase = segment.sequence }
        if !fromClient, serverBase == nil { serverBase = segment.sequence }
        let ownBase = (fromClient ? clientBase : serverBase) ?? segment.sequence
        var parts = ["seq=\(segment.sequence - ownBase)"]
        if segment.flags.contains(.ack) {
            let peerBase = fromClient ? serverBase : clientBase
            parts.append(peerBase.map { "ack=\(segment.acknowledgment - $0)" } ?? "ack=\(segment.acknowledgment)")
        }
        if segment.payloadLength > 0 { parts.append("len=\(segment.payloadLength)") }
        return parts.joined(separator: " ")
    }
}
