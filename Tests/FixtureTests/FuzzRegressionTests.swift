import Capture
import Foundation
import Pipeline
import Report
import TestSupport
import Testing
import Tracker
import Wire

/// Inputs a fuzzer once failed on (Fuzz/regressions), tracked and rendered
/// in every format as the formats fuzzer does (reading up to the damage
/// they carry): none may trap again.
struct FuzzRegressionTests {
    static let directory = FixtureFiles.directory.deletingLastPathComponent().appendingPathComponent("Fuzz/regressions")

    /// formats-occupancy-backwards-span.pcap: a record whose times ran
    /// backwards made the HTML report's state chart ask for terabytes of bins.
    static func inputs(_ suffix: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(suffix) }.sorted()) ?? []
    }

    @Test(arguments: inputs(".pcap"))
    func everyFormatRendersIt(input: String) throws {
        var configuration = TrackerConfiguration()
        configuration.reportedEvents = .all
        var tracker = ConnectionTracker(configuration: configuration)
        var sink = CollectingSink()
        let file = try CaptureFile(path: Self.directory.appendingPathComponent(input).path)
        while let packet = try? file.nextPacket() {
            let time = Timestamp(seconds: packet.seconds, nanoseconds: packet.nanoseconds)
            guard let segment = try? SegmentDecoder.decode(packet.bytes, linkType: LinkType(rawValue: packet.linkType),
                                                           timestamp: time) else { continue }
            tracker.process(segment, into: &sink)
        }
        tracker.finish(into: &sink)
        #expect(!sink.events.isEmpty)
        for format in OutputFormat.allCases where format.tracksConnections {
            #expect(format.render(sink.events) != nil, "\(format)")
        }
    }

    /// records-overflow.ndjson: records whose numbers overflowed sums and
    /// differences (issue 31), read as the records fuzzer reads them: each
    /// line is refused with a reason or reads back from its own JSON.
    @Test(arguments: inputs(".ndjson"))
    func everyLineIsReadOrRefused(input: String) throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent(input), encoding: .utf8)
        var read = 0
        for line in text.split(separator: "\n") {
            guard let record = try? ConnectionJSON.record(from: line) else { continue }
            let written = ConnectionJSON.render(record)
            #expect(try ConnectionJSON.render(ConnectionJSON.record(from: Substring(written))) == written)
            read += 1
        }
        // The unchanged record, the largest id and jq's exponent read; the rest are refused.
        #expect(read == 3)
    }
}
