import Testing
@testable import Tracker
import Wire

/// Opening and closing as RFC 9293 §3.5 and §3.6 draw them, for both
/// endpoints, with the time of every transition.
struct OpenAndCloseTests {
    /// §3.5 figure 6, "Basic Three-Way Handshake", then §3.6 figure 12,
    /// "Normal Close Sequence", client first. Receive-side transitions are
    /// stamped when the receiver's own ACK proves the SYN or FIN arrived,
    /// as the study note's step table has them.
    @Test func clientClosesFirst() {
        var c = Conversation()
        c.handshake()
        c.client([.fin, .ack], seq: 101, ack: 301, at: 10)
        c.server(.ack, seq: 301, ack: 102, at: 11)
        c.server([.fin, .ack], seq: 301, ack: 102, at: 20)
        c.client(.ack, seq: 102, ack: 302, at: 21)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11 TIME_WAIT@20")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 CLOSE_WAIT@10 LAST_ACK@20 CLOSED@21")
        #expect(record.handshake == .complete)
        #expect(record.close == .fin)
        #expect(record.clientState == .timeWait)
        #expect(record.serverState == .closed)
        // Both done (the close linger's rule), though the input ended first.
        #expect(record.finishReason == .closed)
    }

    @Test func serverClosesFirst() {
        var c = Conversation()
        c.handshake()
        c.server([.fin, .ack], seq: 301, ack: 101, at: 10)
        c.client(.ack, seq: 101, ack: 302, at: 11)
        c.client([.fin, .ack], seq: 101, ack: 302, at: 20)
        c.server(.ack, seq: 302, ack: 102, at: 21)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 CLOSE_WAIT@10 LAST_ACK@20 CLOSED@21")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 FIN_WAIT_1@10 FIN_WAIT_2@11 TIME_WAIT@20")
        #expect(record.zeekHistory == "ShAfFa") // A and a once per direction (main.zeek)
    }

    /// §3.10.7.4, FIN_WAIT_1: "if our FIN has been ACKed … enter TIME-WAIT":
    /// the peer's FIN acks ours in the same segment.
    @Test func finWait1ToTimeWaitWhenThePeersFINAcksOurs() {
        var c = Conversation()
        c.handshake()
        c.client([.fin, .ack], seq: 101, ack: 301, at: 10)
        c.server([.fin, .ack], seq: 301, ack: 102, at: 11)
        c.client(.ack, seq: 102, ack: 302, at: 12)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11 TIME_WAIT@11")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 CLOSE_WAIT@10 LAST_ACK@11 CLOSED@12")
    }

    /// §3.6: a FIN may carry data; it occupies the sequence number after it.
    @Test func finCarryingData() {
        var c = Conversation()
        c.handshake()
        c.client([.fin, .psh, .ack], seq: 101, ack: 301, len: 50, at: 10)
        c.server(.ack, seq: 301, ack: 152, at: 11)
        c.server([.fin, .ack], seq: 301, ack: 152, at: 12)
        c.client(.ack, seq: 152, ack: 302, at: 13)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11 TIME_WAIT@12")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 CLOSE_WAIT@10 LAST_ACK@12 CLOSED@13")
        #expect(record.clientBytes == 50)
    }

    /// §3.6: "a half-closed connection": CLOSE_WAIT keeps sending.
    @Test func dataAfterHalfClose() {
        var c = Conversation()
        c.handshake()
        c.client([.fin, .ack], seq: 101, ack: 301, at: 10)
        c.server(.ack, seq: 301, ack: 102, at: 11)
        c.server([.psh, .ack], seq: 301, ack: 102, len: 1000, at: 12)
        c.client(.ack, seq: 102, ack: 1301, at: 13)
        c.server([.psh, .ack], seq: 1301, ack: 102, len: 500, at: 14)
        c.client(.ack, seq: 102, ack: 1801, at: 15)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 CLOSE_WAIT@10")
        #expect(record.serverBytes == 1500)
        #expect(record.zeekConnState == "S2")
    }

    /// §3.5 figure 7, "Simultaneous Connection Synchronization": both send a
    /// bare SYN, both pass SYN_RECEIVED.
    @Test func simultaneousOpen() {
        var c = Conversation()
        c.client(.syn, seq: 100, at: 0)
        c.server(.syn, seq: 300, at: 1)
        c.client([.syn, .ack], seq: 100, ack: 301, at: 2)
        c.server([.syn, .ack], seq: 300, ack: 101, at: 3)
        c.client(.ack, seq: 101, ack: 301, at: 4)
        let record = c.run().record
        #expect(record.handshake == .simultaneous)
        #expect(record.clientTrace == "SYN_SENT@0 SYN_RECEIVED@1 ESTABLISHED@3")
        #expect(record.serverTrace == "SYN_SENT@1 SYN_RECEIVED@1 ESTABLISHED@2")
    }

    /// §3.6 figure 13, "Simultaneous Close Sequence": the FINs cross, and
    /// both go FIN_WAIT_1 → CLOSING → TIME_WAIT.
    @Test func simultaneousClose() {
        var c = Conversation()
        c.handshake()
        c.client([.fin, .ack], seq: 101, ack: 301, at: 10)
        c.server([.fin, .ack], seq: 301, ack: 101, at: 11) // does not ack the client's FIN: sent before it arrived
        c.client(.ack, seq: 102, ack: 302, at: 12)
        c.server(.ack, seq: 302, ack: 102, at: 13)
        let record = c.run().record
        #expect(record.close == .simultaneous)
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 CLOSING@11 TIME_WAIT@13")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 FIN_WAIT_1@11 CLOSING@11 TIME_WAIT@12")
    }

    /// The same crossing, with the server's FIN captured first: the rule
    /// holds "whichever FIN the capture shows first".
    @Test func simultaneousCloseServerFINFirst() {
        var c = Conversation()
        c.handshake()
        c.server([.fin, .ack], seq: 301, ack: 101, at: 10)
        c.client([.fin, .ack], seq: 101, ack: 301, at: 11)
        c.server(.ack, seq: 302, ack: 102, at: 12)
        c.client(.ack, seq: 102, ack: 302, at: 13)
        let record = c.run().record
        #expect(record.close == .simultaneous)
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@11 CLOSING@11 TIME_WAIT@12")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 FIN_WAIT_1@10 CLOSING@11 TIME_WAIT@13")
    }

    @Test func handshakeRTTsAndCounts() {
        var c = Conversation()
        c.handshake()
        c.client([.psh, .ack], seq: 101, ack: 301, len: 10, at: 5)
        c.server(.ack, seq: 301, ack: 111, at: 6)
        let record = c.run().record
        #expect(record.synToSynAck == 1_000_000)
        #expect(record.synAckToAck == 1_000_000)
        #expect(record.clientPackets == 3)
        #expect(record.serverPackets == 2)
        #expect(record.clientBytes == 10)
        #expect(record.serverBytes == 0)
        #expect(record.zeekConnState == "S1")
        #expect(record.zeekHistory == "ShADa")
    }

    /// RFC 3168 §6.1.1: an ECN-setup SYN carries ECE and CWR, the SYN-ACK ECE.
    @Test func ecnFlagsAreHandled() {
        var c = Conversation()
        c.client([.syn, .ece, .cwr], seq: 100, at: 0)
        c.server([.syn, .ack, .ece], seq: 300, ack: 101, at: 1)
        c.client(.ack, seq: 101, ack: 301, at: 2)
        let record = c.run().record
        #expect(record.handshake == .complete)
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1")
    }

    /// RFC 7413 (TCP Fast Open): a SYN with data; the SYN-ACK acks SYN and data.
    @Test func synWithData() {
        var c = Conversation()
        c.client(.syn, seq: 100, len: 20, at: 0)
        c.server([.syn, .ack], seq: 300, ack: 121, at: 1)
        c.client(.ack, seq: 121, ack: 301, at: 2)
        let record = c.run().record
        #expect(record.handshake == .complete)
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2")
        #expect(record.clientBytes == 20)
    }

    /// The client's ACK of the SYN-ACK may come with data.
    @Test func dataWithTheHandshakeACK() {
        var c = Conversation()
        c.client(.syn, seq: 100, at: 0)
        c.server([.syn, .ack], seq: 300, ack: 101, at: 1)
        c.client([.psh, .ack], seq: 101, ack: 301, len: 100, at: 2)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2")
        #expect(record.handshake == .complete)
    }

    /// Before: payload bytes were a 32-bit sequence distance, so past 2 GiB
    /// they went negative and read 0 (Zeek's orig_bytes too). 5 GB in 1 GB
    /// strides laps the sequence space once; the count follows it.
    @Test func bytesAreCountedPastFourGiB() {
        var c = Conversation()
        c.handshake()
        var sequence: UInt32 = 101
        for step in 0..<5 {
            c.client([.ack], seq: sequence, ack: 301, len: 1_000_000_000, at: Double(10 + step))
            sequence = sequence &+ 1_000_000_000
        }
        c.client([.fin, .ack], seq: sequence, ack: 301, at: 20)
        c.server([.fin, .ack], seq: 301, ack: sequence &+ 1, at: 21)
        c.client(.ack, seq: sequence &+ 1, ack: 302, at: 22)
        let record = c.run().record
        #expect(record.clientBytes == 5_000_000_000)
        #expect(record.serverBytes == 0)
        #expect(record.zeekConnState == "SF")
    }
}
