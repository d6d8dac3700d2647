import Testing
@testable import Tracker
import Wire

/// What capture time does without segments: TIME_WAIT running out, idle
/// connections reported, reported ones leaving the table. Deadlines are
/// kept in a queue, so these also pin that a connection is looked at when
/// its deadline comes, even after the deadline moved earlier.
struct TimerTests {
    /// A connection on its own client port.
    static func conversation(port: UInt16) -> Conversation {
        var c = Conversation()
        c.clientEndpoint = Endpoint(address: c.clientEndpoint.address, port: port)
        return c
    }

    /// Handshake at `start` ms, the client closes at `close` ms, and the
    /// server's FIN follows 1 ms later: the client enters TIME_WAIT at `close` + 2.
    static func closing(port: UInt16, start: Double = 0, at close: Double) -> Conversation {
        var c = conversation(port: port)
        c.client(.syn, seq: 100, at: start)
        c.server([.syn, .ack], seq: 300, ack: 101, at: start + 1)
        c.client(.ack, seq: 101, ack: 301, at: start + 2)
        c.client([.fin, .ack], seq: 101, ack: 301, at: close)
        c.server([.fin, .ack], seq: 301, ack: 102, at: close + 1)
        c.client(.ack, seq: 102, ack: 302, at: close + 2)
        return c
    }

    /// Runs segments in time order, then lets capture time reach each of `until` (ms) in turn.
    static func run(_ conversations: [Conversation], until: Double...,
                    configuration: TrackerConfiguration) -> (ConnectionTracker, [ConnectionEvent]) {
        var tracker = ConnectionTracker(configuration: configuration)
        var sink = CollectingSink()
        let segments = conversations.flatMap(\.segments).sorted { $0.timestamp < $1.timestamp }
        for segment in segments { tracker.process(segment, into: &sink) }
        for time in until { tracker.advance(to: Conversation.time(time), into: &sink) }
        return (tracker, sink.events)
    }

    static func oneSecondMSL() -> TrackerConfiguration {
        var configuration = TrackerConfiguration()
        configuration.maximumSegmentLifetime = TrackerConfiguration.second
        return configuration
    }

    /// The deadline of an ESTABLISHED connection is an hour away; entering
    /// TIME_WAIT brings it to 2×MSL, and the connection closes then.
    @Test func timeWaitEndsTwoMSLAfterItBegan() {
        let (tracker, events) = Self.run([Self.closing(port: 51514, at: 10)], until: 5_000,
                                         configuration: Self.oneSecondMSL())
        let records = events.compactMap { if case .finished(let record) = $0 { record } else { nil } }
        #expect(records.count == 1)
        #expect(records.first?.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11 TIME_WAIT@11 CLOSED@2011")
        #expect(records.first?.finishReason == .closed)
        #expect(tracker.openConnections == 1, "reported, lingering")
    }

    @Test func nothingExpiresBeforeItsTime() {
        let (tracker, events) = Self.run([Self.closing(port: 51514, at: 10)], until: 1_500,
                                         configuration: Self.oneSecondMSL())
        #expect(!events.contains { if case .finished = $0 { true } else { false } })
        #expect(tracker.openConnections == 1)
    }

    /// Connections whose deadlines pass in one sweep are reported earliest
    /// first, whatever order they were opened in.
    @Test func expiriesComeOutInTimeOrder() {
        let later = Self.closing(port: 51514, at: 50)
        let earlier = Self.closing(port: 51515, at: 20)
        let (_, events) = Self.run([later, earlier], until: 10_000, configuration: Self.oneSecondMSL())
        let finished = events.compactMap { if case .finished(let record) = $0 { record.client.port } else { nil } }
        #expect(finished == [51515, 51514])
    }

    /// A SYN never answered is reported idle once the handshake timeout
    /// passes; an ESTABLISHED connection as quiet is not.
    @Test func idleConnectionsAreReportedByTheirStatesTimeout() {
        var unanswered = Self.conversation(port: 51514)
        unanswered.client(.syn, seq: 100, at: 0)
        var established = Self.conversation(port: 51515)
        established.handshake()
        let (tracker, events) = Self.run([unanswered, established], until: 80_000,
                                         configuration: TrackerConfiguration())
        let finished = events.compactMap { if case .finished(let record) = $0 { record } else { nil } }
        #expect(finished.map(\.client.port) == [51514])
        #expect(finished.first?.finishReason == .idle)
        #expect(tracker.openConnections == 1)
    }

    /// Activity moves a deadline later: a handshake finished just before
    /// the handshake timeout keeps the connection.
    @Test func activityPostponesTheIdleDeadline() {
        var c = Self.conversation(port: 51514)
        c.client(.syn, seq: 100, at: 0)
        c.server([.syn, .ack], seq: 300, ack: 101, at: 70_000)
        c.client(.ack, seq: 101, ack: 301, at: 70_001)
        let (tracker, events) = Self.run([c], until: 150_000, configuration: TrackerConfiguration())
        #expect(!events.contains { if case .finished = $0 { true } else { false } })
        #expect(tracker.openConnections == 1)
    }

    /// A reported connection lingers one second to absorb stray segments, then leaves.
    @Test func reportedConnectionsLeaveAfterLingering() {
        var c = Self.conversation(port: 51514)
        c.handshake()
        c.client(.rst, seq: 101, at: 5)
        c.client(.rst, seq: 101, at: 500)
        let (lingering, _) = Self.run([c], until: 900, configuration: TrackerConfiguration())
        #expect(lingering.openConnections == 1)
        #expect(lingering.statistics.straySegments == 1)
        let (gone, _) = Self.run([c], until: 2_100, configuration: TrackerConfiguration())
        #expect(gone.openConnections == 0)
    }

    /// Thousands of connections opening and closing over minutes: the table
    /// holds only those not yet expired, and every one is reported once.
    @Test func manyConnectionsExpireAndLeave() {
        let conversations = (0..<3_000).map { index in
            Self.closing(port: UInt16(10_000 + index), start: Double(index) * 100, at: Double(index) * 100 + 10)
        }
        // The last ones expire at the first step and linger past the second.
        let (tracker, events) = Self.run(conversations, until: 400_000, 402_000, configuration: Self.oneSecondMSL())
        let finished = events.compactMap { if case .finished(let record) = $0 { record } else { nil } }
        #expect(finished.count == 3_000)
        #expect(Set(finished.map(\.client.port)).count == 3_000)
        #expect(finished.allSatisfy { $0.clientTransitions.last?.state == .closed })
        #expect(tracker.openConnections == 0)
        #expect(tracker.statistics.peakOpen < 60)
    }

    /// A live capture lets time pass while it is quiet, by the wall clock;
    /// the kernel stamped the next packet a little before that moment. That
    /// is not time running backwards (it was, in about half of live runs).
    @Test func quietTimeDoesNotMakeTheNextSegmentLate() {
        var c = Self.conversation(port: 51514)
        c.handshake()
        var tracker = ConnectionTracker()
        var sink = CollectingSink()
        tracker.process(c.segments[0], into: &sink)
        tracker.process(c.segments[1], into: &sink)
        tracker.advance(to: Conversation.time(1_000), into: &sink)
        tracker.process(c.segments[2], into: &sink)
        tracker.finish(into: &sink)
        #expect(sink.records.first?.anomalies == [])
        #expect(sink.records.first?.clientTrace == "SYN_SENT@0 ESTABLISHED@1")
    }

    /// What a live capture waits for: the earliest deadline filed.
    @Test func nextDeadlineIsTheEarliestTimer() {
        let (tracker, _) = Self.run([Self.closing(port: 51514, at: 10)], configuration: Self.oneSecondMSL())
        // TIME_WAIT from 11 ms, 2×MSL = 2 s.
        #expect(tracker.nextDeadline == Conversation.time(2_011))
        #expect(ConnectionTracker().nextDeadline == nil)
    }
}
