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

    /// Every row of the state table (TCPState.next(on:)) happened in at
    /// least one recording, as the kernel logged it. SYN_RECEIVED →
    /// CLOSE_WAIT is the one Linux cannot produce: in SYN_RECV it discards
    /// a segment without ACK, and an acceptable ACK makes it ESTABLISHED
    /// before the FIN is looked at (RFC 9293 §3.10.7.4, step five before eight).
    @Test func everyEdgeOfTheStateTableIsRecorded() throws {
        var edges = Set<String>()
        for file in Self.timelineFiles {
            for socket in try KernelTimeline.load(FixtureFiles.directory.appendingPathComponent(file)).sockets {
                var states = socket.states.map(\.state)
                // A client starts CLOSED, a server in its implicit LISTEN.
                if let start = ["SYN_SENT": "CLOSED", "SYN_RECEIVED": "LISTEN"][states.first ?? ""] {
                    states.insert(start, at: 0)
                }
                edges.formUnion(zip(states, states.dropFirst()).map { "\($0) → \($1)" })
            }
        }
        #expect(edges == [
            "CLOSED → SYN_SENT", "LISTEN → SYN_RECEIVED", "SYN_SENT → ESTABLISHED", "SYN_SENT → SYN_RECEIVED",
            "SYN_SENT → CLOSED", "SYN_RECEIVED → ESTABLISHED", "SYN_RECEIVED → FIN_WAIT_1", "SYN_RECEIVED → CLOSED",
            "ESTABLISHED → FIN_WAIT_1", "ESTABLISHED → CLOSE_WAIT", "ESTABLISHED → CLOSED",
            "FIN_WAIT_1 → FIN_WAIT_2", "FIN_WAIT_1 → CLOSING", "FIN_WAIT_2 → TIME_WAIT",
            // The orphan's FIN_WAIT_2 timer (orphan-fin-wait-2), off the wire.
            "FIN_WAIT_2 → CLOSED",
            "CLOSE_WAIT → LAST_ACK", "CLOSING → TIME_WAIT", "LAST_ACK → CLOSED", "TIME_WAIT → CLOSED",
        ])
    }

    /// Each fixture's kernel timeline with the records handshake makes of its capture.
    static func timelinesAndRecords() throws -> [(name: String, timeline: KernelTimeline, records: [ConnectionRecord])] {
        try timelineFiles.map { file in
            let name = file.replacingOccurrences(of: ".kernel.json", with: "")
            let timeline = try KernelTimeline.load(FixtureFiles.directory.appendingPathComponent(file))
            let capture = ["pcap", "pcapng"].map { "\(name).\($0)" }
                .first { FileManager.default.fileExists(atPath: FixtureFiles.path($0)) } ?? "\(name).pcap"
            return (name, timeline, try FixtureTracking.records(FixtureFiles.path(capture)))
        }
    }

    @Test func everyTransitionMatchesTheKernel() throws {
        var comparison = TimelineComparison()
        for (name, timeline, records) in try Self.timelinesAndRecords() {
            comparison.compare(timeline, with: records.flatMap(Self.endpoints), context: name)
        }
        #expect(comparison.differences == [])
        #expect(comparison.endpoints == 458)
        #expect(comparison.transitions == 2_263)
        print("kernel timelines of the fixtures: \(comparison.summary)")
    }

    /// Connect time is what `connect()` waited: the kernel's own SYN_SENT to
    /// ESTABLISHED of every client socket, within the comparison's tolerance
    /// at each end. lost-first-syn.pcap's is a second long, its RTT 90 µs.
    @Test func connectTimesMatchTheKernel() throws {
        var compared: [String: (kernel: Double, reported: Double)] = [:]
        for (name, timeline, records) in try Self.timelinesAndRecords() {
            for socket in timeline.sockets where socket.states.first?.state == "SYN_SENT" {
                guard let sent = socket.states.first?.t,
                      let established = socket.states.first(where: { $0.state == "ESTABLISHED" })?.t,
                      let record = records.last(where: { $0.client.description == socket.local
                                                         && $0.server.description == socket.peer }),
                      let reported = record.clientConnectTime else { continue }
                compared["\(name) \(socket.local)"] = (established - sent, Double(reported) / 1e9)
            }
        }
        for (socket, times) in compared {
            #expect(abs(times.kernel - times.reported) <= 2 * TimelineComparison.tolerance, "\(socket): \(times)")
        }
        #expect(compared.count == 225)
        #expect(compared.values.filter { $0.kernel > 1 }.count == 1)
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
