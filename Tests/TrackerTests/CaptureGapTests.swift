import Testing
@testable import Tracker
import Wire

/// What the capture did not show: a start mid-stream, missing segments,
/// repeats and reordering, and the 2^32 wrap.
struct CaptureGapTests {
    /// DESIGN.md "Who is the client": no SYN seen, the lower port is the
    /// server's, and both endpoints start ESTABLISHED by assumption.
    @Test func pickedUpMidStream() {
        var c = Conversation()
        c.server([.psh, .ack], seq: 5000, ack: 9000, len: 100, at: 0)
        c.client(.ack, seq: 9000, ack: 5100, at: 1)
        let record = c.run().record
        #expect(!record.initiatorKnown)
        #expect(record.handshake == .midStream)
        #expect(record.client.port == 51514)
        #expect(record.server.port == 80)
        #expect(record.clientTrace == "ESTABLISHED@0~")
        #expect(record.serverTrace == "ESTABLISHED@0~")
        #expect(record.zeekConnState == "OTH")
        #expect(record.zeekHistory == "^dA")
    }

    /// A RST alone on a pair (backscatter, or the reset of a connection the
    /// capture missed) is a record of its own, `stray`, as Zeek logs such a
    /// row (OTH, history R); data before the RST makes it mid-stream.
    @Test func aLoneResetIsStray() {
        var c = Conversation()
        c.client(.rst, seq: 9000, at: 0)
        let record = c.run().record
        #expect(record.handshake == .stray)
        #expect(record.close == .rst)
        #expect(record.zeekConnState == "OTH")
        #expect(record.zeekHistory == "R")
        var d = Conversation()
        d.client([.psh, .ack], seq: 9000, ack: 5000, len: 10, at: 0)
        d.client(.rst, seq: 9010, at: 1)
        #expect(d.run().record.handshake == .midStream)
    }

    @Test func pickedUpThenClosed() {
        var c = Conversation()
        c.client([.psh, .ack], seq: 9000, ack: 5000, len: 10, at: 0)
        c.client([.fin, .ack], seq: 9010, ack: 5000, at: 1)
        c.server([.fin, .ack], seq: 5000, ack: 9011, at: 2)
        c.client(.ack, seq: 9011, ack: 5001, at: 3)
        let record = c.run().record
        #expect(record.clientTrace == "ESTABLISHED@0~ FIN_WAIT_1@1 FIN_WAIT_2@2 TIME_WAIT@2")
        #expect(record.serverTrace == "ESTABLISHED@0~ CLOSE_WAIT@1 LAST_ACK@2 CLOSED@3")
    }

    /// The capture starts with the SYN-ACK: its receiver is the client, whose
    /// SYN_SENT is implied (inferred).
    @Test func captureStartsWithTheSYNACK() {
        var c = Conversation()
        c.server([.syn, .ack], seq: 300, ack: 101, at: 1)
        c.client(.ack, seq: 101, ack: 301, at: 2)
        let record = c.run().record
        #expect(record.initiatorKnown)
        #expect(record.handshake == .partial)
        #expect(record.clientTrace == "SYN_SENT@1* ESTABLISHED@1")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2")
        #expect(record.zeekHistory == "^hA")
        #expect(record.zeekConnState == "S1")
    }

    /// A later ACK that covers a FIN proves the FIN (DESIGN.md): the
    /// server's FIN is missing from the capture.
    @Test func missingFINIsInferred() {
        var c = Conversation()
        c.handshake()
        c.client([.fin, .ack], seq: 101, ack: 301, at: 10)
        c.server(.ack, seq: 301, ack: 102, at: 11)
        c.client(.ack, seq: 102, ack: 302, at: 21) // acks a FIN at 301 that the capture lacks
        let record = c.run().record
        // The same ACK then closes the server: it acks the (inferred) FIN.
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 CLOSE_WAIT@10 LAST_ACK@21* CLOSED@21")
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@11 TIME_WAIT@21*")
        #expect(record.close == .fin)
    }

    @Test func missingSYNACKIsInferred() {
        var c = Conversation()
        c.client(.syn, seq: 100, at: 0)
        c.client(.ack, seq: 101, ack: 301, at: 2)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@2*")
        #expect(record.serverTrace == "SYN_RECEIVED@2* ESTABLISHED@2")
        #expect(record.handshake == .partial)
    }

    /// Retransmitted data and FINs count as retransmissions and move no state twice.
    @Test func duplicateSegments() {
        var c = Conversation()
        c.handshake()
        c.client([.psh, .ack], seq: 101, ack: 301, len: 10, at: 5)
        c.client([.psh, .ack], seq: 101, ack: 301, len: 10, at: 6)
        c.client([.fin, .ack], seq: 111, ack: 301, at: 10)
        c.client([.fin, .ack], seq: 111, ack: 301, at: 12)
        c.server(.ack, seq: 301, ack: 112, at: 13)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10 FIN_WAIT_2@13")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 CLOSE_WAIT@12")
        #expect(record.clientBytes == 10)
        #expect(record.anomalies.map(\.kind) == [.retransmission])
        #expect(record.anomalies.first?.count == 2)
        #expect(record.zeekHistory == "ShADTFa")
    }

    /// An ACK captured before the data it acknowledges (reordering at the
    /// capture point) and an old segment arriving late change nothing.
    @Test func outOfOrderSegments() {
        var c = Conversation()
        c.handshake()
        c.client([.psh, .ack], seq: 111, ack: 301, len: 10, at: 5)
        c.client([.psh, .ack], seq: 101, ack: 301, len: 10, at: 6)
        c.server(.ack, seq: 301, ack: 121, at: 7)
        c.client([.fin, .ack], seq: 121, ack: 301, at: 8)
        c.server([.fin, .ack], seq: 301, ack: 122, at: 9)
        c.client(.ack, seq: 122, ack: 302, at: 10)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@8 FIN_WAIT_2@9 TIME_WAIT@9")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 CLOSE_WAIT@8 LAST_ACK@9 CLOSED@10")
        #expect(record.clientBytes == 20)
    }

    /// RFC 9293 §3.4: sequence numbers wrap at 2^32; the wrap is not an error.
    @Test func sequenceWraparound() {
        let isn: UInt32 = 0xFFFF_FFF0
        var c = Conversation()
        c.client(.syn, seq: isn, at: 0)
        c.server([.syn, .ack], seq: 0xFFFF_FFFE, ack: isn &+ 1, at: 1)
        c.client(.ack, seq: isn &+ 1, ack: 0xFFFF_FFFF, at: 2)
        c.client([.psh, .ack], seq: isn &+ 1, ack: 0xFFFF_FFFF, len: 100, at: 3) // crosses 2^32
        c.server(.ack, seq: 0xFFFF_FFFF, ack: isn &+ 101, at: 4)
        c.client([.fin, .ack], seq: isn &+ 101, ack: 0xFFFF_FFFF, at: 5)
        c.server([.fin, .ack], seq: 0xFFFF_FFFF, ack: isn &+ 102, at: 6) // the server's FIN is at 2^32 - 1
        c.client(.ack, seq: isn &+ 102, ack: 0, at: 7)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@5 FIN_WAIT_2@6 TIME_WAIT@6")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 CLOSE_WAIT@5 LAST_ACK@6 CLOSED@7")
        #expect(record.clientBytes == 100)
        #expect(record.anomalies.isEmpty)
    }
}
