import Testing
@testable import Tracker
import Wire

/// Zeek's conn_state and history. Expectations come from Zeek's own code:
/// the `conn_state` function in scripts/base/protocols/conn/main.zeek over
/// the endpoint states set by `TCP_Analyzer::UpdateStateMachine` in
/// src/analyzer/protocol/tcp/TCP.cc, and the history rules documented for
/// `Conn::Info$history` (letters a, d, i, q once per direction; s, h, f, r
/// again when the sequence number differs; t, w logarithmically).
struct ZeekFieldTests {
    typealias Script = @Sendable (inout Conversation) -> Void

    static let open: Script = { $0.handshake() }
    static let codes: [(String, String, Script)] = [
        ("S0", "S", { $0.client(.syn, seq: 100, at: 0) }),
        ("S1", "ShA", open),
        ("SF", "ShAFaf", { c in
            c.handshake()
            c.client([.fin, .ack], seq: 101, ack: 301, at: 5)
            c.server(.ack, seq: 301, ack: 102, at: 6)
            c.server([.fin, .ack], seq: 301, ack: 102, at: 7)
            c.client(.ack, seq: 102, ack: 302, at: 8)
        }),
        ("REJ", "Sr", { c in
            c.client(.syn, seq: 100, at: 0)
            c.server([.rst, .ack], seq: 0, ack: 101, at: 1)
        }),
        ("S2", "ShAF", { c in
            c.handshake()
            c.client([.fin, .ack], seq: 101, ack: 301, at: 5)
        }),
        ("S3", "ShAf", { c in
            c.handshake()
            c.server([.fin, .ack], seq: 301, ack: 101, at: 5)
        }),
        ("RSTO", "ShAR", { c in
            c.handshake()
            c.client([.rst, .ack], seq: 101, ack: 301, at: 5)
        }),
        ("RSTR", "ShAr", { c in
            c.handshake()
            c.server(.rst, seq: 301, at: 5)
        }),
        // Originator SYN then RST, no SYN-ACK.
        ("RSTOS0", "SR", { c in
            c.client(.syn, seq: 100, at: 0)
            c.client(.rst, seq: 101, at: 1)
        }),
        // Responder SYN-ACK then RST, no SYN from the originator.
        ("RSTRH", "^hr", { c in
            c.server([.syn, .ack], seq: 300, ack: 101, at: 0)
            c.server(.rst, seq: 301, at: 1)
        }),
        // Originator SYN then FIN, no SYN-ACK.
        ("SH", "SF", { c in
            c.client(.syn, seq: 100, at: 0)
            c.client(.fin, seq: 101, at: 1)
        }),
        // Responder SYN-ACK then FIN, no SYN.
        ("SHR", "^hf", { c in
            c.server([.syn, .ack], seq: 300, ack: 101, at: 0)
            c.server([.fin, .ack], seq: 301, ack: 101, at: 1)
        }),
        // Mid-stream traffic only.
        ("OTH", "Da", { c in
            c.client([.psh, .ack], seq: 9000, ack: 5000, len: 10, at: 0)
            c.server(.ack, seq: 5000, ack: 9010, at: 1)
        }),
    ]

    @Test(arguments: codes.map { ($0.0, $0.1) })
    func connState(code: String, history: String) throws {
        let script = try #require(Self.codes.first { $0.0 == code }?.2)
        var c = Conversation()
        script(&c)
        let record = c.run().records[0]
        #expect(record.zeekConnState == code)
        #expect(record.zeekHistory == history)
    }

    /// 't' at the 1st, 10th and 100th retransmission of payload.
    @Test func retransmissionsAreLogarithmic() {
        var c = Conversation()
        c.handshake()
        c.client([.psh, .ack], seq: 101, ack: 301, len: 10, at: 3)
        for index in 0..<100 {
            c.client([.psh, .ack], seq: 101, ack: 301, len: 10, at: 4 + Double(index))
        }
        #expect(c.run().record.zeekHistory == "ShADTTT")
    }

    @Test func zeroWindow() {
        var c = Conversation()
        c.handshake()
        c.server(.ack, seq: 301, ack: 101, window: 0, at: 3)
        let record = c.run().record
        #expect(record.zeekHistory == "ShAaw")
        #expect(record.anomalies.map(\.kind) == [.zeroWindow])
    }

    /// 'Q': SYN with FIN; 'I': FIN with RST. No TCP sends either.
    @Test func impossibleFlagCombinations() {
        var c = Conversation()
        c.handshake()
        c.client([.syn, .fin], seq: 101, at: 3)
        c.server([.fin, .rst], seq: 301, at: 4)
        let record = c.run().records[0]
        #expect(record.zeekHistory.hasPrefix("ShAQ"))
        #expect(record.anomalies.map(\.kind).contains(.impossibleFlags))
    }
}
