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
/// them: a SYN is seq 0, the first data byte seq 1. Without the SYN
/// (mid-stream) a side's first seen byte is 1, and a side not heard from
/// yet is known from the first ACK sent to it: tshark's numbers, on every
/// row from the first (`mid-stream.pcap` reads as tshark reads it).
struct RelativeSequence {
    private var clientBase: SequenceNumber?
    private var serverBase: SequenceNumber?

    /// `seq=… ack=… len=…` for a segment, relative to the bases seen so far.
    mutating func describe(_ segment: TCPSegment, fromClient: Bool) -> String {
        let own = segment.flags.contains(.syn) ? segment.sequence : segment.sequence + UInt32.max
        let ownBase = fromClient ? Self.settle(&clientBase, own) : Self.settle(&serverBase, own)
        var parts = ["seq=\(segment.sequence - ownBase)"]
        if segment.flags.contains(.ack) {
            let peer = segment.acknowledgment + UInt32.max
            let peerBase = fromClient ? Self.settle(&serverBase, peer) : Self.settle(&clientBase, peer)
            parts.append("ack=\(segment.acknowledgment - peerBase)")
        }
        if segment.payloadLength > 0 { parts.append("len=\(segment.payloadLength)") }
        return parts.joined(separator: " ")
    }

    /// The base, set to `candidate` if it is the first.
    private static func settle(_ base: inout SequenceNumber?, _ candidate: SequenceNumber) -> SequenceNumber {
        if let base { return base }
        base = candidate
        return candidate
    }
}
