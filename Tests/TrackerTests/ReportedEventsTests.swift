import Testing
@testable import Tracker
import Wire

/// A renderer asks only for the events it draws; the record of a finished
/// connection must not depend on what was asked.
struct ReportedEventsTests {
    static func conversation() -> Conversation {
        var c = Conversation()
        c.handshake()
        c.client([.psh, .ack], seq: 101, ack: 301, len: 10, window: 0, at: 3)
        c.client([.fin, .ack], seq: 111, ack: 301, at: 4)
        c.server([.fin, .ack], seq: 301, ack: 112, at: 5)
        c.client(.ack, seq: 112, ack: 302, at: 6)
        return c
    }

    static func kinds(_ events: [ConnectionEvent]) -> [String] {
        events.map { event in
            switch event {
            case .segment: "segment"
            case .transition: "transition"
            case .anomaly: "anomaly"
            case .finished: "finished"
            case .zeekRow: "zeekRow"
            }
        }
    }

    @Test(arguments: [
        (ReportedEvents(), 0, 0, 0),
        (.segments, 7, 0, 0),
        (.transitions, 0, 10, 0),
        (.anomalies, 0, 0, 1),
        (.all, 7, 10, 1),
    ])
    func reportsOnlyWhatWasAsked(_ asked: ReportedEvents, segments: Int, transitions: Int, anomalies: Int) {
        var configuration = TrackerConfiguration()
        configuration.reportedEvents = asked
        let outcome = Self.conversation().run(configuration)
        let kinds = Self.kinds(outcome.events)
        #expect(kinds.filter { $0 == "segment" }.count == segments)
        #expect(kinds.filter { $0 == "transition" }.count == transitions)
        #expect(kinds.filter { $0 == "anomaly" }.count == anomalies)
        #expect(kinds.last == "finished")
        #expect(outcome.record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@4 FIN_WAIT_2@5 TIME_WAIT@5")
        #expect(outcome.record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 CLOSE_WAIT@4 LAST_ACK@5 CLOSED@6")
        #expect(outcome.record.anomalies.map(\.kind) == [.zeroWindow])
    }
}
