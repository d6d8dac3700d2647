import Foundation
import TestSupport
import Testing
import Tracker
import Wire

/// For every recorded fixture, each endpoint's full sequence of states equals
/// the kernel's own log of that socket (`NAME.kernel.json`, from the
/// tracepoint sock:inet_sock_set_state while Fixtures/record ran the
/// scenario), and each transition's time is within 1 ms of the kernel's.
struct KernelTimelineTests {
    static let timelineFiles: [String] = (try? FileManager.default.contentsOfDirectory(atPath: FixtureFiles.directory.path))?
        .filter { $0.hasSuffix(".kernel.json") }.sorted() ?? []

    /// Every fixture recorded from real sockets has its kernel timeline.
    @Test func everyRecordedFixtureHasItsKernelTimeline() {
        let expectations = Set(KernelAgreementTests.expectationFiles.map { $0.replacingOccurrences(of: ".expected.json", with: "") })
        let timelines = Set(Self.timelineFiles.map { $0.replacingOccurrences(of: ".kernel.json", with: "") })
        #expect(timelines == expectations)
    }

    @Test func everyTransitionMatchesTheKernel() throws {
        var comparison = TimelineComparison()
        for file in Self.timelineFiles {
            let name = file.replacingOccurrences(of: ".kernel.json", with: "")
            let timeline = try KernelTimeline.load(FixtureFiles.directory.appendingPathComponent(file))
            let capture = ["pcap", "pcapng"].map { "\(name).\($0)" }
                .first { FileManager.default.fileExists(atPath: FixtureFiles.path($0)) } ?? "\(name).pcap"
            let records = try FixtureTracking.records(FixtureFiles.path(capture))
            comparison.compare(timeline, with: records.flatMap(Self.endpoints), context: name)
        }
        #expect(comparison.differences == [])
        #expect(comparison.endpoints == 248)
        #expect(comparison.transitions == 1_213)
        print("kernel timelines of the fixtures: \(comparison.summary)")
    }

    /// Both endpoints of a record, as the comparison takes them.
    static func endpoints(_ record: ConnectionRecord) -> [ReportedEndpoint] {
        let seconds = { (time: Timestamp) in Double(time.nanosecondsSinceEpoch) / 1e9 }
        let transitions = { (list: EndpointTransitions) in list.map { (state: $0.state.rawValue, time: seconds($0.time)) } }
        let first = seconds(record.firstSeen)
        return [
            ReportedEndpoint(local: record.client.description, peer: record.server.description, firstSeen: first,
                             transitions: transitions(record.clientTransitions)),
            ReportedEndpoint(local: record.server.description, peer: record.client.description, firstSeen: first,
                             transitions: transitions(record.serverTransitions)),
        ]
    }
}
