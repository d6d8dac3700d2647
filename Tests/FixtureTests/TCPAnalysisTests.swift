import Foundation
import Pipeline
import TestSupport
import Testing
import Tracker
import Wire

/// Per-segment TCP analysis against tshark's own (`tcp.analysis.*`), on
/// every recorded fixture and on the public captures: the same marks on the
/// same segments, whether listed (`--format segments`) or tracked (the
/// marks on segment events, counted per connection as anomalies).
struct TCPAnalysisTests {
    static let captures = StepTableStateTests.fixtures + ["retransmit-timeout.pcapng", "ftp-cwd-navigation.pcap",
                                                          "http-connect-with-header.pcap", "mysql-tls-12-amazon-rds.pcap",
                                                          "pop3-starttls.pcap"].map { "public/" + $0 }

    /// tshark's marks for each TCP segment of `capture`, in order.
    static func tsharkMarks(_ capture: String) throws -> [SegmentMarks] {
        let fields = SegmentMarks.all.map { "tcp.analysis." + $0.field }
        return try Tshark.fields(FixtureFiles.path(capture), fields).map { row in
            var marks: SegmentMarks = []
            for (index, entry) in SegmentMarks.all.enumerated() where !row[index].isEmpty { marks.insert(entry.mark) }
            return marks
        }
    }

    static func describe(_ marks: SegmentMarks) -> String {
        SegmentMarks.all.filter { marks.contains($0.mark) }.map(\.field).joined(separator: ",")
    }

    @Test(arguments: captures)
    func listedSegmentsCarryTsharksMarks(capture: String) throws {
        let expected = try Self.tsharkMarks(capture)
        var analyzer = SegmentAnalyzer()
        let ours = try FixtureTracking.segments(FixtureFiles.path(capture)).map { analyzer.marks(for: $0) }
        #expect(ours.count == expected.count)
        for (index, (mine, theirs)) in zip(ours, expected).enumerated() where mine != theirs {
            Issue.record("\(capture) segment \(index + 1): ours [\(Self.describe(mine))], tshark [\(Self.describe(theirs))]")
        }
    }

    /// The tracker marks the segments it processes as the listing does
    /// (segments it absorbs after a connection was reported carry none),
    /// and each connection's anomalies count its marks.
    @Test(arguments: captures)
    func trackedSegmentsCarryTheSameMarks(capture: String) throws {
        let path = FixtureFiles.path(capture)
        let expected = try Self.tsharkMarks(capture)
        let segments = try FixtureTracking.segments(path)
        let events = try FixtureTracking.events(path)
        var next = 0
        var counted: [Anomaly.Kind: Int] = [:]
        for case .segment(let event) in events {
            while next < segments.count, segments[next] != event.segment { next += 1 }
            try #require(next < segments.count, "\(capture): a segment event matches no segment")
            if event.marks != expected[next] {
                let ours = Self.describe(event.marks), theirs = Self.describe(expected[next])
                Issue.record("\(capture) segment \(next + 1) tracked: ours [\(ours)], tshark [\(theirs)]")
            }
            for (mark, kind) in Anomaly.Kind.marked where event.marks.contains(mark) { counted[kind, default: 0] += 1 }
            next += 1
        }
        var recorded: [Anomaly.Kind: Int] = [:]
        for case .finished(let record) in events {
            for anomaly in record.anomalies where Anomaly.Kind.marked.contains(where: { $0.1 == anomaly.kind }) {
                recorded[anomaly.kind, default: 0] += anomaly.count
            }
        }
        #expect(recorded == counted, "\(capture)")
    }
}

extension TCPAnalysisTests {
    /// Before: a kind counted once per sender, so "(2 connections)" for one
    /// connection whose two sides both retransmitted (simultaneous-open.pcap:
    /// each side's SYN+ACK is sent again, tshark frames 3 and 4).
    @Test func theSummaryCountsAConnectionOnce() throws {
        let events = try FixtureTracking.events(FixtureFiles.path("simultaneous-open.pcap"))
        let summary = try #require(OutputFormat.summary.render(events))
        #expect(summary.contains("anomalies            retransmission 2 (1 connection)\n"))
    }
}
