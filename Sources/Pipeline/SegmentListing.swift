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

    init(output: LineOutput) {
        self.output = output
    }

    mutating func consume(_ packet: CapturedPacket) {
        guard undecodable.decode(packet, into: &segment) else { return }
        output.write(SegmentLine.render(segment, marks: analyzer.marks(for: segment)))
    }

    func finish() {
        output.flush()
        undecodable.report()
    }
}
