import Testing
@testable import Tracker
import Wire

/// TIME_WAIT, idle timeouts, the end of input and port reuse, all in capture time.
struct TimeAndReuseTests {
    func closedByClient(_ c: inout Conversation) {
        c.handshake()
        c.client([.fin, .ack], seq: 101, ack: 301, at: 10)
        c.server([.fin, .ack], seq: 301, ack: 102, at: 11)
        c.client(.ack, seq: 102, ack: 302, at: 12)
    }

    /// §3.6.1 and Linux: TIME_WAIT lasts 2×MSL (default MSL 30 s); the
    /// transition to CLOSED is stamped at the expiry, not when it was noticed.
    @Test func timeWaitExpiresAfterTwoMSL() {
        var c = Conversation()
        closedByClient(&c)
        c.clientEndpoint.port = 40000 // another connection, only to move capture time on
        c.client(.syn, seq: 7, at: 61_000)
        let outcome = c.run()
        let first = outcome.records[0]
        #expect(first.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11 TIME_WAIT@11 CLOSED@60011")
        #expect(first.finishReason == .closed)
    }

    @Test func mslIsConfigurable() {
        var configuration = TrackerConfiguration()
        configuration.maximumSegmentLifetime = TrackerConfiguration.second / 2
        var c = Conversation()
        closedByClient(&c)
        c.clientEndpoint.port = 40000
        c.client(.syn, seq: 7, at: 2_000)
        #expect(c.run(configuration).records[0].clientTrace.hasSuffix("FIN_WAIT_2@11 TIME_WAIT@11 CLOSED@1011"))
    }

    @Test func idleConnectionIsReportedWithItsLastStates() {
        var configuration = TrackerConfiguration()
        configuration.establishedIdleTimeout = 10 * TrackerConfiguration.second
        var c = Conversation()
        c.handshake()
        c.clientEndpoint.port = 40000
        c.client(.syn, seq: 7, at: 12_000)
        let records = c.run(configuration).records
        #expect(records[0].finishReason == .idle)
        #expect(records[0].clientState == .established)
        #expect(records[1].finishReason == .endOfInput)
    }

    @Test func endOfInputReportsOpenConnectionsInTheOrderSeen() {
        var c = Conversation()
        c.handshake()
        c.clientEndpoint.port = 40000
        c.client(.syn, seq: 7, at: 3)
        c.clientEndpoint.port = 30000
        c.client(.syn, seq: 9, at: 4)
        let records = c.run().records
        #expect(records.map(\.client.port) == [51514, 40000, 30000])
        #expect(Set(records.map(\.id)).count == 3)
        #expect(records.allSatisfy { $0.finishReason == .endOfInput })
    }

    /// DESIGN.md: a SYN with a new ISN on a tuple in TIME_WAIT closes it
    /// (port reuse) and starts a new connection.
    @Test func portReuseFromTimeWait() {
        var c = Conversation()
        closedByClient(&c)
        c.client(.syn, seq: 5000, at: 1_000)
        c.server([.syn, .ack], seq: 9000, ack: 5001, at: 1_001)
        c.client(.ack, seq: 5001, ack: 9001, at: 1_002)
        let records = c.run().records
        #expect(records.count == 2)
        #expect(records[0].clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11 TIME_WAIT@11 CLOSED@1000")
        #expect(records[0].finishReason == .portReused)
        #expect(records[1].id != records[0].id, "a new connection, a new id")
        #expect(records[1].clientTrace == "SYN_SENT@1000 ESTABLISHED@1001")
        #expect(records[1].handshake == .complete)
    }

    /// After a refusal the client tries again from the same port with a new ISN.
    @Test func portReuseAfterRefusal() {
        var c = Conversation()
        c.client(.syn, seq: 100, at: 0)
        c.server([.rst, .ack], seq: 0, ack: 101, at: 1)
        c.client(.syn, seq: 777, at: 500)
        let outcome = c.run()
        #expect(outcome.records.map(\.handshake) == [.refused, .unanswered])
        #expect(outcome.statistics.connections == 2)
    }

    /// A retransmission crossing the RST reaches a connection already
    /// reported: it is absorbed, not a new "picked-up" connection.
    @Test func straySegmentsAfterAResetAreAbsorbed() {
        var c = Conversation()
        c.handshake()
        c.server([.rst, .ack], seq: 301, ack: 101, at: 5)
        c.client([.psh, .ack], seq: 101, ack: 301, len: 10, at: 6)
        let outcome = c.run()
        #expect(outcome.records.count == 1)
        #expect(outcome.statistics.straySegments == 1)
    }

    @Test func timeGoingBackwardsIsAnAnomalyNotAnError() {
        var c = Conversation()
        c.handshake()
        c.client([.psh, .ack], seq: 101, ack: 301, len: 5, at: 1)
        let record = c.run().record
        #expect(record.anomalies.map(\.kind) == [.timeWentBackwards])
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1")
    }

    /// Before: one segment dated ten years ahead became the capture clock,
    /// so every timer ended at once and every later segment ran backwards
    /// (each one an anomaly). It is an anomaly itself now, and the clock
    /// stays: the TIME_WAIT still ends 2×MSL after it began, at 60 s.
    @Test func aSegmentFarAheadDoesNotMoveTheClock() {
        var c = Conversation()
        closedByClient(&c)
        let tenYears = 10 * 365 * 86_400_000.0
        c.clientEndpoint.port = 40000
        c.client(.syn, seq: 7, at: 30)
        c.server([.syn, .ack], seq: 900, ack: 8, at: 31)
        c.client(.ack, seq: 8, ack: 901, at: tenYears)
        c.client([.psh, .ack], seq: 8, ack: 901, len: 5, at: 40)
        c.clientEndpoint.port = 40001
        c.client(.syn, seq: 9, at: 61_000)
        let outcome = c.run()
        #expect(outcome.records[0].clientTrace
            == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11 TIME_WAIT@11 CLOSED@60011")
        let misdated = outcome.records.first { $0.client.port == 40000 }
        #expect(misdated?.anomalies.map(\.kind) == [.timeJumpedAhead])
        #expect(misdated?.anomalies.first?.count == 1)
    }

    /// A gap the next segment agrees with is real (files read one after
    /// another, a quiet link): the clock moves on, and timers end as due.
    @Test func aJumpTheNextSegmentConfirmsMovesTheClock() {
        var c = Conversation()
        closedByClient(&c)
        let twoHours = 2 * 3_600_000.0
        c.clientEndpoint.port = 40000
        c.client(.syn, seq: 7, at: twoHours)
        c.client(.syn, seq: 7, at: twoHours + 1)
        let outcome = c.run()
        #expect(outcome.records[0].clientTrace
            == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11 TIME_WAIT@11 CLOSED@60011")
        #expect(outcome.records[0].finishReason == .closed)
        let later = outcome.records.first { $0.client.port == 40000 }
        // No clock anomaly; the second SYN is a retransmission, as tshark marks it.
        #expect(later?.anomalies.map(\.kind) == [.retransmission])
    }
}
