import Testing
@testable import Tracker
import Wire

/// Refusals, silence and resets: what went wrong, and who did it.
struct FailureTests {
    /// §3.10.7.3, SYN_SENT: an RST whose ACK acks the SYN means refused; a
    /// refused connection's server is CLOSED (DESIGN.md).
    @Test func refused() {
        var c = Conversation()
        c.client(.syn, seq: 100, at: 0)
        c.server([.rst, .ack], seq: 0, ack: 101, at: 1)
        let outcome = c.run()
        let record = outcome.record
        #expect(record.handshake == .refused)
        #expect(record.close == .rst)
        #expect(record.clientTrace == "SYN_SENT@0 CLOSED@1")
        #expect(record.serverTrace == "CLOSED@1")
        #expect(record.finishReason == .closed)
        #expect(record.zeekConnState == "REJ")
        #expect(record.zeekHistory == "Sr")
    }

    /// Linux retransmits an unanswered SYN with the same ISN: counted, not new
    /// connections; the server's state stays unknown (nil, `null` in JSON).
    @Test func unansweredSYNWithRetransmissions() {
        var c = Conversation()
        c.client(.syn, seq: 100, at: 0)
        c.client(.syn, seq: 100, at: 1000)
        c.client(.syn, seq: 100, at: 3000)
        let outcome = c.run()
        let record = outcome.record
        #expect(outcome.statistics.connections == 1)
        #expect(record.synRetransmissions == 2)
        #expect(record.handshake == .unanswered)
        #expect(record.clientTrace == "SYN_SENT@0")
        #expect(record.serverState == nil)
        #expect(record.serverTransitions.isEmpty)
        #expect(record.zeekConnState == "S0")
        #expect(record.zeekHistory == "S")
        #expect(record.synToSynAck == nil)
    }

    /// An RST in each synchronized state closes both ends (§3.10.7.4).
    @Test(arguments: [
        ("ESTABLISHED", 0, "SYN_SENT@0 ESTABLISHED@1 CLOSED@30", "SYN_RECEIVED@1 ESTABLISHED@2 CLOSED@30"),
        ("FIN_WAIT_1", 1, "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 CLOSED@30",
         "SYN_RECEIVED@1 ESTABLISHED@2 CLOSED@30"),
        ("FIN_WAIT_2", 2, "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11 CLOSED@30",
         "SYN_RECEIVED@1 ESTABLISHED@2 CLOSE_WAIT@10 CLOSED@30"),
        // The client's final ACK is not sent: the RST (in order after the FIN)
        // proves the FIN arrived, and it arrived when it was captured, at 12.
        ("LAST_ACK", 3, "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11 TIME_WAIT@12 CLOSED@30",
         "SYN_RECEIVED@1 ESTABLISHED@2 CLOSE_WAIT@10 LAST_ACK@12 CLOSED@30"),
        // Linux's default (tcp_rfc1337=0) lets an RST end TIME_WAIT, as §3.10.7.4 says.
        ("TIME_WAIT", 4, "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11 TIME_WAIT@12 CLOSED@30",
         "SYN_RECEIVED@1 ESTABLISHED@2 CLOSE_WAIT@10 LAST_ACK@12 CLOSED@13"),
    ])
    func serverResetsIn(state: String, steps: Int, client: String, server: String) {
        var c = Conversation()
        c.handshake()
        var serverSequence: UInt32 = 301
        if steps >= 1 { c.client([.fin, .ack], seq: 101, ack: 301, at: 10) }
        if steps >= 2 { c.server(.ack, seq: 301, ack: 102, at: 11) }
        if steps >= 3 {
            c.server([.fin, .ack], seq: 301, ack: 102, at: 12)
            serverSequence = 302
        }
        if steps >= 4 { c.client(.ack, seq: 102, ack: 302, at: 13) }
        c.server(.rst, seq: serverSequence, at: 30)
        let record = c.run().record
        #expect(record.clientTrace == client, "\(state)")
        #expect(record.serverTrace == server, "\(state)")
        #expect(record.close == .rst)
    }

    /// An abort (SO_LINGER 0): the client sends RST from ESTABLISHED.
    @Test func clientAborts() {
        var c = Conversation()
        c.handshake()
        c.client([.rst, .ack], seq: 101, ack: 301, at: 5)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 CLOSED@5")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 CLOSED@5")
        #expect(record.zeekConnState == "RSTO")
        #expect(record.finishReason == .closed)
    }

    /// The client resets before its ACK of the SYN-ACK was sent (TCP Fast
    /// Open with that ACK held back, Fixtures/fast-open-reset): the RST's
    /// ACK field proves the SYN-ACK arrived, so the client was ESTABLISHED
    /// first, as Linux logs it; the server is reset in SYN_RECEIVED.
    @Test func resetAcknowledgingTheSYNACKProvesIt() {
        var c = Conversation()
        c.client(.syn, seq: 100, at: 0)
        c.server([.syn, .ack], seq: 300, ack: 101, at: 1)
        c.client([.rst, .ack], seq: 101, ack: 301, at: 5)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 CLOSED@5")
        #expect(record.serverTrace == "SYN_RECEIVED@1 CLOSED@5")
    }

    @Test func serverAborts() {
        var c = Conversation()
        c.handshake()
        c.server([.rst, .ack], seq: 301, ack: 101, at: 5)
        #expect(c.run().record.zeekConnState == "RSTR")
    }

    /// An RST from the middle of a handshake: the client resets after the SYN-ACK.
    @Test func resetDuringHandshake() {
        var c = Conversation()
        c.client(.syn, seq: 100, at: 0)
        c.server([.syn, .ack], seq: 300, ack: 101, at: 1)
        c.client(.rst, seq: 101, at: 2)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 CLOSED@2")
        #expect(record.serverTrace == "SYN_RECEIVED@1 CLOSED@2")
        #expect(record.handshake == .partial)
        #expect(record.close == .rst)
    }

    /// RFC 9293 §3.10.7.4 (and RFC 5961 §3): an RST outside the window is
    /// not acceptable: an anomaly, and nothing closes.
    @Test func resetOutsideTheWindowIsIgnored() {
        var c = Conversation()
        c.handshake()
        c.server(.rst, seq: 301 + 1_000_000, at: 5)
        let outcome = c.run()
        let record = outcome.record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2")
        #expect(record.close == .none)
        #expect(record.anomalies == [Anomaly(kind: .rstOutOfWindow, sender: .server,
                                             firstSeen: Conversation.time(5), count: 1)])
        #expect(outcome.anomalies.count == 1)
    }

    /// A SYN_SENT endpoint ignores an RST whose ACK does not ack its SYN (§3.10.7.3).
    @Test func resetNotAckingTheSYNIsIgnored() {
        var c = Conversation()
        c.client(.syn, seq: 100, at: 0)
        c.server([.rst, .ack], seq: 0, ack: 55, at: 1)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0")
        #expect(record.anomalies.map(\.kind) == [.rstOutOfWindow])
    }
}
