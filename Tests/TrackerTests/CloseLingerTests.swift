import Testing
@testable import Tracker
import Wire

/// The close linger: a connection whose endpoints are both done is reported
/// `closeLinger` after its last segment (Zeek's `tcp_close_delay`, 5 s),
/// with its states then, so live consumers get a record within seconds of
/// the close, not after TIME_WAIT's 60 s. TIME_WAIT is still followed to its end.
struct CloseLingerTests {
    /// The client closes at 10 ms; the last ACK, and so the last segment, is at 12 ms.
    static let closing = TimerTests.closing(port: 51514, at: 10)

    static func records(_ events: [ConnectionEvent]) -> [ConnectionRecord] {
        events.compactMap { if case .finished(let record) = $0 { record } else { nil } }
    }

    static func transitions(_ events: [ConnectionEvent]) -> [TransitionEvent] {
        events.compactMap { if case .transition(let change) = $0 { change } else { nil } }
    }

    @Test func doneConnectionIsReportedInTimeWaitWhenTheLingerEnds() {
        let (_, early) = TimerTests.run([Self.closing], until: 5_011, configuration: TrackerConfiguration())
        #expect(Self.records(early).isEmpty, "4.999 s after the last segment")
        let (tracker, events) = TimerTests.run([Self.closing], until: 5_012, configuration: TrackerConfiguration())
        let records = Self.records(events)
        #expect(records.count == 1)
        #expect(records.first?.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11 TIME_WAIT@11")
        #expect(records.first?.serverState == .closed)
        #expect(records.first?.finishReason == .closed)
        #expect(tracker.openConnections == 1, "kept until TIME_WAIT ends, for port reuse")
    }

    /// TIME_WAIT's end, 60 s after it began, is a transition after the record, and the entry leaves.
    @Test func timeWaitEndsAfterTheRecord() {
        let (tracker, events) = TimerTests.run([Self.closing], until: 6_000, 60_010, 60_011,
                                               configuration: TrackerConfiguration())
        #expect(Self.records(events).count == 1)
        let last = Self.transitions(events).last
        #expect(last?.role == .client)
        #expect(last?.from == .timeWait)
        #expect(last?.transition.state == .closed)
        #expect(last?.transition.time == Conversation.time(60_011))
        #expect(last?.followsRecord == true)
        #expect(Self.transitions(events).filter(\.followsRecord).count == 1)
        #expect(tracker.openConnections == 0)
    }

    /// A retransmitted FIN inside the linger is still the connection's: it
    /// moves the linger on and is counted in the record.
    @Test func lateRetransmissionInsideTheLingerIsCounted() {
        var c = Self.closing
        c.server([.fin, .ack], seq: 301, ack: 102, at: 3_000)
        let (_, events) = TimerTests.run([c], until: 7_999, 8_000, configuration: TrackerConfiguration())
        let records = Self.records(events)
        #expect(records.count == 1)
        #expect(records.first?.serverPackets == 3)
        #expect(records.first?.lastSeen == Conversation.time(3_000))
    }

    /// A new SYN on the pair after the record ends the TIME_WAIT it was
    /// reported in, and starts the next connection; the first is not reported again.
    @Test func portReuseAfterTheRecordEndsItsTimeWait() {
        var c = Self.closing
        c.client(.syn, seq: 9_000, at: 10_000)
        let (tracker, events) = TimerTests.run([c], until: 0, configuration: TrackerConfiguration())
        // The linger ran out in the sweep the SYN's time set off, before the SYN.
        let first = FlowHash.connectionID(first: c.segments[0])
        #expect(Self.records(events).map(\.id) == [first])
        let reuse = Self.transitions(events).filter(\.followsRecord)
        #expect(reuse.map(\.connectionID) == [first])
        #expect(reuse.first?.transition.state == .closed)
        #expect(reuse.first?.transition.time == Conversation.time(10_000))
        #expect(tracker.openConnections == 1)
        var finishing = CollectingSink()
        var finished = tracker
        finished.finish(into: &finishing)
        #expect(finishing.records.map(\.id) == [FlowHash.connectionID(first: c.segments.last!)])
    }

    @Test func zeroLingerReportsAsSoonAsBothAreDone() {
        var configuration = TrackerConfiguration()
        configuration.closeLinger = 0
        let (_, events) = TimerTests.run([Self.closing], until: 0, configuration: configuration)
        #expect(Self.records(events).first?.clientState == .timeWait)
        #expect(Self.records(events).first?.lastSeen == Conversation.time(12))
    }

    /// The end of the input reports a done connection as closed, as the
    /// linger would have: a live run and a replay of its `-w` file agree.
    @Test func endOfInputCallsADoneConnectionClosed() {
        var tracker = ConnectionTracker()
        var sink = CollectingSink()
        for segment in Self.closing.segments { tracker.process(segment, into: &sink) }
        tracker.finish(into: &sink)
        #expect(sink.records.first?.clientState == .timeWait)
        #expect(sink.records.first?.finishReason == .closed)
    }

    /// Without the peer's last ACK the peer is in LAST_ACK, not done: no early record.
    @Test func lastACKUnseenIsNotDone() {
        var c = TimerTests.conversation(port: 51514)
        c.handshake()
        c.client([.fin, .ack], seq: 101, ack: 301, at: 10)
        c.server([.fin, .ack], seq: 301, ack: 102, at: 11)
        let (_, events) = TimerTests.run([c], until: 30_000, configuration: TrackerConfiguration())
        #expect(Self.records(events).isEmpty)
    }
}
