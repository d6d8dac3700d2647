import Capture
import Report
import Tracker
import Wire

/// What happens to each captured packet: decoded, then either printed as a
/// segment or fed to the tracker, whose events become output lines.
struct Analysis {
    private let format: OutputFormat
    private let output: LineOutput
    private var tracker: ConnectionTracker
    private var undecodable = UndecodableCount()

    init(format: OutputFormat, output: LineOutput, configuration: TrackerConfiguration) {
        self.format = format
        self.output = output
        tracker = ConnectionTracker(configuration: configuration)
    }

    mutating func consume(_ packet: CapturedPacket) {
        let timestamp = Timestamp(seconds: packet.seconds, nanoseconds: packet.nanoseconds)
        let segment: TCPSegment
        do throws(DecodeFailure) {
            segment = try SegmentDecoder.decode(packet.bytes, linkType: LinkType(rawValue: packet.linkType),
                                                timestamp: timestamp)
        } catch {
            undecodable.record(error)
            return
        }
        switch format {
        case .segments:
            output.writeLine(SegmentLine.render(segment))
        case .json:
            var printer = EventPrinter(format: format, output: output)
            tracker.process(segment, into: &printer)
        }
    }

    /// Reports what is still open and what could not be decoded.
    mutating func finish() {
        var printer = EventPrinter(format: format, output: output)
        tracker.finish(into: &printer)
        output.flush()
        undecodable.report()
        if tracker.statistics.evictions > 0 {
            Diagnostics.say("\(tracker.statistics.evictions) connections evicted from a full table "
                + "(--max-connections \(tracker.configuration.maximumConnections))")
        }
    }
}

/// Turns tracker events into output lines for the chosen format.
private struct EventPrinter: ConnectionEventSink {
    let format: OutputFormat
    let output: LineOutput

    mutating func receive(_ event: ConnectionEvent) {
        switch (format, event) {
        case (.json, .finished(let record)):
            output.writeLine(ConnectionJSON.render(record))
        case (.json, .transition), (.json, .anomaly), (.segments, _):
            break
        }
    }
}

/// Packets that looked like TCP/IP but whose headers were cut short or lied.
/// Other protocols are not counted: a capture is full of them.
struct UndecodableCount {
    private var counts: [String: Int] = [:]

    mutating func record(_ failure: DecodeFailure) {
        switch failure {
        case .truncated, .malformed, .unsupportedLinkType: counts[failure.description, default: 0] += 1
        case .notIP, .notTCP, .laterFragment: break
        }
    }

    func report() {
        for (reason, count) in counts.sorted(by: { $0.key < $1.key }) {
            Diagnostics.say("\(count) packet\(count == 1 ? "" : "s") not decoded: \(reason)")
        }
    }
}
