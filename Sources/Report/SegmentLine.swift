import Tracker
import Wire

/// One line per TCP segment in the shape of `tcpdump -nn -tt -S`, so the
/// two can be read side by side:
///
///     1700000000.123456 IP 10.0.0.1.51514 > 10.0.0.2.80: Flags [S], seq 1, win 64240, options [mss 1460], length 0
///
/// followed by tshark's analysis marks, as its Info column writes them:
/// `[TCP Retransmission]`, `[TCP Dup ACK]`.
public enum SegmentLine {
    public static func render(_ segment: TCPSegment, marks: SegmentMarks = [], fractionDigits: Int = 6) -> String {
        var line = segment.timestamp.formatted(fractionDigits: fractionDigits)
        line += segment.source.address.isIPv6 ? " IP6 " : " IP "
        line += "\(segment.source) > \(segment.destination): Flags [\(segment.flags.tcpdumpNotation)]"
        if segment.payloadLength > 0 || segment.flags.contains(.syn) || segment.flags.contains(.fin)
            || segment.flags.contains(.rst) {
            line += ", seq \(segment.sequence)"
            if segment.payloadLength > 0 {
                line += ":\(segment.sequence + UInt32(truncatingIfNeeded: segment.payloadLength))"
            }
        }
        if segment.flags.contains(.ack) { line += ", ack \(segment.acknowledgment)" }
        line += ", win \(segment.window)"
        if segment.flags.contains(.urg) { line += ", urg \(segment.urgentPointer)" }
        let options = render(segment.options)
        if !options.isEmpty { line += ", options [\(options)]" }
        line += ", length \(segment.payloadLength)"
        for label in marks.labels { line += " [\(label)]" }
        return line
    }

    /// tcpdump's option words, in a fixed order (the header's order is not kept).
    static func render(_ options: TCPOptions) -> String {
        let options = options.parsed
        var words: [String] = []
        if let mss = options.maximumSegmentSize { words.append("mss \(mss)") }
        if options.sackPermitted { words.append("sackOK") }
        if let timestamps = options.timestamps { words.append("TS val \(timestamps.value) ecr \(timestamps.echoReply)") }
        if let scale = options.windowScale { words.append("wscale \(scale)") }
        let blocks = options.sackBlocks
        if !blocks.isEmpty {
            words.append("sack \(blocks.count) " + blocks.map { "{\($0.left):\($0.right)}" }.joined())
        }
        switch options.status {
        case .complete: break
        case .truncated: words.append("[|tcp]")
        case .malformed: words.append("[bad opt]")
        }
        return words.joined(separator: ",")
    }
}
