import Testing
import Tracker
import Wire

/// Wireshark's per-segment rules (`tcp_analyze_sequence_number`) for the
/// marks no recorded capture shows: Linux sends no one-byte zero-window
/// probe, and the recordings brought no fast retransmission. Each case is
/// the rule's own condition, step by step; the other marks are held to
/// tshark on real captures (`TCPAnalysisTests`).
struct SegmentAnalysisTests {
    static func marks(_ conversation: Conversation) -> [SegmentMarks] {
        var analyzer = SegmentAnalyzer()
        return conversation.segments.map { analyzer.marks(for: $0) }
    }

    /// The first of three data segments is lost: each ACK repeats the
    /// SYN-ACK's ACK of 101, so each is a duplicate; then the client sends
    /// it again at `resend` (ms).
    static func lostFirstSegment(resendAt resend: Double) -> Conversation {
        var c = Conversation()
        c.handshake()
        c.client([.psh, .ack], seq: 101, ack: 301, len: 100, at: 10)
        c.client([.psh, .ack], seq: 201, ack: 301, len: 100, at: 11)
        c.client([.psh, .ack], seq: 301, ack: 301, len: 100, at: 12)
        c.server(.ack, seq: 301, ack: 101, at: 13)
        c.server(.ack, seq: 301, ack: 101, at: 14)
        c.server(.ack, seq: 301, ack: 101, at: 15)
        c.client([.psh, .ack], seq: 101, ack: 301, len: 100, at: resend)
        return c
    }

    /// A closed window, one byte at the next sequence number, and the
    /// receiver's unchanged answer.
    static func zeroWindowProbe() -> Conversation {
        var c = Conversation()
        c.handshake()
        c.client([.psh, .ack], seq: 101, ack: 301, len: 100, at: 10)
        c.server(.ack, seq: 301, ack: 201, window: 0, at: 11)
        c.client([.psh, .ack], seq: 201, ack: 301, len: 1, at: 300)
        c.server(.ack, seq: 301, ack: 201, window: 0, at: 301)
        return c
    }

    /// Duplicate ACKs, then the segment they ask for within 20 ms of the
    /// last: a fast retransmission (and, as tshark counts it, a retransmission).
    @Test func duplicateAcksThenTheSegmentTheyAskFor() {
        let marks = Self.marks(Self.lostFirstSegment(resendAt: 16))
        #expect(marks[6...8].allSatisfy { $0 == .duplicateAck })
        #expect(marks[9] == [.fastRetransmission, .retransmission])
    }

    /// The same resend 30 ms after the last duplicate ACK is a plain retransmission.
    @Test func aLateResendIsAPlainRetransmission() {
        #expect(Self.marks(Self.lostFirstSegment(resendAt: 45))[9] == .retransmission)
    }

    @Test func aZeroWindowProbeAndItsAck() {
        let marks = Self.marks(Self.zeroWindowProbe())
        #expect(marks[4] == .zeroWindow)
        #expect(marks[5] == .zeroWindowProbe)
        #expect(marks[6] == [.zeroWindow, .zeroWindowProbeAck])
    }

    /// The tracker marks the same segments, and counts all but the
    /// probe's ACK (conversation, not trouble) as anomalies.
    @Test func theTrackerCountsWhatItMarks() {
        let record = Self.zeroWindowProbe().run().record
        #expect(record.anomalies.map { "\($0.kind.rawValue) \($0.sender.rawValue) \($0.count)" }
                == ["zero_window server 2", "zero_window_probe client 1"])
    }
}
