import Capture
import Report
import Tracker
import Wire

/// `--format segments`: decoded segments, no state tracking; each with
/// tshark's analysis marks (`[TCP Retransmission]`).
struct SegmentListing {
    private let output: LineOutput
    private var undecodable = UndecodableCount()
    private var segment = TCPSegment.zero
    private var analyzer = SegmentAnalyzer()
    private let saysWhatWasSeen: Bool
    private var packets = 0
    private var segments = 0

    init(output: LineOutput, saysWhatWasSeen: Bool) {
        self.output = output
        self.saysWhatWasSeen = saysWhatWasSeen
    }

    mutating func consume(_ packet: CapturedPacket) {
        packets += 1
        guard undecodable.decode(packet, into: &segment) else { return }
        segments += 1
        output.write(SegmentLine.render(segment, marks: analyzer.marks(for: segment)))
    }

    func finish() {
        output.flush()
        undecodable.report()
        if saysWhatWasSeen {
            Diagnostics.say(counted(packets, "packet") + " read, " + counted(segments, "TCP segment"))
        }
    }
}
