import Capture
import Foundation
import Pipeline
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
    @Test(arguments: try! FileManager.default.contentsOfDirectory(atPath: directory.path).sorted())
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
}
