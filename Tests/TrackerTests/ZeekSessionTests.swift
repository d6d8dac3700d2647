import Testing
@testable import Tracker
import Wire

/// Zeek's table: rows end where Zeek's timers end them (TCPSessionAdapter.cc,
/// init-bare.zeek's defaults), whatever handshake's own records do.
struct ZeekSessionTests {
    /// Zeek's rows for a conversation, in the order Zeek writes them.
    static func rows(_ conversation: Conversation, payload: [UInt8] = []) -> [ZeekRow] {
        var table = ZeekSessionTracker()
        var rows: [ZeekRow] = []
        for segment in conversation.segments {
            payload.withUnsafeBytes { bytes in
                let captured = UnsafeRawBufferPointer(rebasing: bytes.prefix(segment.payloadLength))
                table.process(segment, payload: captured, into: &rows)
            }
        }
        table.finish(into: &rows)
        return rows
    }

    static func summary(_ rows: [ZeekRow]) -> [String] {
        rows.map { "\($0.connState) \($0.history) \($0.originatorPackets)/\($0.responderPackets)" }
    }

    /// The example: a capture of one direction only. The attempt
    /// timer ends the first row 5 s after the SYN (S0, `SAD`); the next
    /// packet starts a partial connection that its FIN closes (SH, `DAF`).
    @Test func halfDuplexCaptureIsTwoRows() {
        var c = Conversation()
        c.client(.syn, seq: 100, at: 0)
        c.client(.ack, seq: 101, ack: 301, at: 100)
        c.client([.psh, .ack], seq: 101, ack: 301, len: 10, at: 1_000)
        c.client([.psh, .ack], seq: 111, ack: 301, len: 10, at: 6_000)
        c.client(.ack, seq: 121, ack: 301, at: 6_500)
        c.client([.fin, .ack], seq: 121, ack: 301, at: 7_000)
        #expect(Self.summary(Self.rows(c)) == ["S0 SAD 3/0", "SH DAF 3/0"])
    }

    /// tcp_close_delay: a FIN sent again 5 s after the close completed opens a new row.
    @Test func aLateFINAfterTheCloseDelayIsANewRow() {
        var c = Conversation()
        c.handshake()
        c.client([.fin, .ack], seq: 101, ack: 301, at: 10)
        c.server([.fin, .ack], seq: 301, ack: 102, at: 11)
        c.client(.ack, seq: 102, ack: 302, at: 12)
        c.client([.fin, .ack], seq: 101, ack: 302, at: 4_999)
        c.server([.fin, .ack], seq: 301, ack: 102, at: 5_100)
        let rows = Self.rows(c)
        // The client's FIN again comes before the delay (5 s after the last
        // packet before both had closed, the server's FIN at 11 ms): the same
        // row. The server's, after it, is a row of its own (Zeek's teredo
        // baseline has two such rows).
        #expect(Self.summary(rows) == ["SF ShAFf 5/2", "SHR ^f 0/1"])
        #expect(rows[1].originator.port == 51514, "a FIN from port 80 is flipped: 80 is a likely server port")
    }

    /// Inactivity: exactly 300 s after the last packet the connection is gone.
    @Test func fiveMinutesOfSilenceEndsARow() {
        var c = Conversation()
        c.client([.psh, .ack], seq: 100, ack: 300, len: 8, at: 0)
        c.server(.ack, seq: 300, ack: 108, at: 1)
        c.client([.psh, .ack], seq: 108, ack: 300, len: 8, at: 301_000)
        #expect(Self.summary(Self.rows(c)) == ["OTH Da 1/1", "OTH D 1/0"])
        var d = Conversation()
        d.client([.psh, .ack], seq: 100, ack: 300, len: 8, at: 0)
        d.client([.psh, .ack], seq: 108, ack: 300, len: 8, at: 299_999)
        #expect(Self.summary(Self.rows(d)) == ["OTH D 2/0"], "one millisecond before: the same row")
    }

    /// After a RST the connection is deleted 5 s later: the peer's RST
    /// within that is the same row, after it a row of its own. Lone RSTs a
    /// minute apart are rows of their own (OTH, `R`: the FDDI baseline).
    @Test func resetsAreRowsOfTheirOwn() {
        var c = Conversation()
        c.client(.rst, seq: 100, at: 0)
        c.client(.rst, seq: 100, at: 60_000)
        #expect(Self.summary(Self.rows(c)) == ["OTH R 1/0", "OTH R 1/0"])
        var d = Conversation()
        d.handshake()
        d.client([.psh, .ack], seq: 101, ack: 301, len: 5, at: 3)
        d.client(.rst, seq: 106, at: 10)
        var late = d
        d.server(.rst, seq: 301, at: 4_000)
        #expect(Self.summary(Self.rows(d)) == ["RSTR ShADRr 4/2"])
        late.server(.rst, seq: 301, at: 6_000)
        #expect(Self.summary(Self.rows(late)) == ["RSTO ShADR 4/1", "RSTRH ^r 0/1"])
    }

    /// A gap the receiver acknowledged counts as missed bytes, with 'G' for the sender's data.
    @Test func acknowledgedDataNeverSeenIsAGap() {
        var c = Conversation()
        c.handshake()
        c.client([.psh, .ack], seq: 101, ack: 301, len: 100, at: 3)
        c.client([.psh, .ack], seq: 301, ack: 301, len: 100, at: 5)
        c.server(.ack, seq: 301, ack: 401, at: 6)
        let rows = Self.rows(c)
        #expect(rows.map(\.missedBytes) == [100])
        #expect(rows.map(\.history) == ["ShADaG"])
    }

    /// `service` from the first bytes: a request alone is HTTP on port 80
    /// (Zeek attaches HTTP there); SSH needs the client's banner.
    @Test func serviceFromTheFirstBytes() {
        var c = Conversation()
        c.handshake()
        c.client([.psh, .ack], seq: 101, ack: 301, len: 16, at: 3)
        #expect(Self.rows(c, payload: Array("GET / HTTP/1.1\r\n".utf8)).map(\.service) == [["http"]])
        #expect(Self.rows(c, payload: Array("SSH-2.0-OpenSSH\r\n".utf8)).map(\.service) == [[]],
                "no answer from the server")
        var s = c
        s.server([.psh, .ack], seq: 301, ack: 117, len: 16, at: 4)
        #expect(Self.rows(s, payload: Array("SSH-2.0-OpenSSH\r\n".utf8)).map(\.service) == [["ssh"]])
    }
}
