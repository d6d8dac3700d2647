import Capture
import Report
import Tracker
import Wire

/// `--format segments`: decoded segments, no state tracking; each with
/// tshark's analysis marks (`[TCP Retransmission]`).
struct SegmentListing {
    private let output: LineOutput
    private var undecodable: UndecodableCount
    private var segment = TCPSegment.zero
    private var analyzer = SegmentAnalyzer()
    private let saysWhatWasSeen: Bool
    private var packets = 0
    private var segments = 0
    private var finished = false

    init(output: LineOutput, tunnelPorts: TunnelPorts, saysWhatWasSeen: Bool) {
        undecodable = UndecodableCount(tunnelPorts: tunnelPorts)
        self.output = output
        self.saysWhatWasSeen = saysWhatWasSeen
    }

    mutating func consume(_ packet: CapturedPacket) {
        packets += 1
        guard undecodable.decode(packet, into: &segment) else { return }
        segments += 1
        output.write(SegmentLine.render(segment, marks: analyzer.marks(for: segment)))
    }

    /// handshake's counts; the caller adds the capture's.
    var statistics: RunStatistics {
        RunStatistics(tcpSegments: segments, undecodable: undecodable, connections: nil)
    }

    /// Flushes the listing and says what was not decoded. Once.
    mutating func finish() {
        guard !finished else { return }
        finished = true
        output.flush()
        undecodable.report()
        if saysWhatWasSeen {
            Diagnostics.say(counted(packets, "packet") + " read, " + counted(segments, "TCP segment"))
        }
    }
}
