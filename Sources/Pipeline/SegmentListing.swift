import Capture
import Report
import Wire

/// `--format segments`: decoded segments, no tracking.
struct SegmentListing {
    private let output: LineOutput
    private var undecodable = UndecodableCount()
    private var segment = TCPSegment.zero

    init(output: LineOutput) {
        self.output = output
    }

    mutating func consume(_ packet: CapturedPacket) {
        guard undecodable.decode(packet, into: &segment) else { return }
        output.write(SegmentLine.render(segment))
    }

    func finish() {
        output.flush()
        undecodable.report()
    }
}
