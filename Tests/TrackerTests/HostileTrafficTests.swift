import TestSupport
import Testing
@testable import Tracker
import Wire

/// Traffic meant to confuse a tracker: floods, forged resets, lies in the
/// flags, retransmissions that disagree. Nothing traps, memory stays
/// bounded, and what is odd is flagged.
struct HostileTrafficTests {
    func run(_ segments: [TCPSegment], maximumConnections: Int = 500_000) -> (ConnectionTracker, CollectingSink) {
        var configuration = TrackerConfiguration()
        configuration.maximumConnections = maximumConnections
        var tracker = ConnectionTracker(configuration: configuration)
        var sink = CollectingSink()
        for segment in segments { tracker.process(segment, into: &sink) }
        tracker.finish(into: &sink)
        return (tracker, sink)
    }

    /// 50 000 SYNs from random ports into a table of 1 000: it stays at
    /// 1 000, counts the evictions, and reports every connection once.
    @Test func synFloodStaysBounded() {
        var generator = SeededGenerator(seed: 7)
        let server = Endpoint(address: IPAddress("10.0.0.2")!, port: 80)
        var peak = 0
        var configuration = TrackerConfiguration()
        configuration.maximumConnections = 1_000
        var tracker = ConnectionTracker(configuration: configuration)
        var sink = CollectingSink()
        for index in 0..<50_000 {
            let client = Endpoint(address: IPAddress(ipv4: UInt32.random(in: 1...UInt32.max, using: &generator)),
                                  port: UInt16.random(in: 1024...65535, using: &generator))
            tracker.process(TCPSegment(timestamp: Timestamp(nanosecondsSinceEpoch: Int64(index) * 1000),
                                       source: client, destination: server,
                                       sequence: SequenceNumber(UInt32.random(in: 0...UInt32.max, using: &generator)),
                                       acknowledgment: SequenceNumber(0), flags: .syn), into: &sink)
            peak = max(peak, tracker.openConnections)
        }
        tracker.finish(into: &sink)
        #expect(peak == 1_000)
        #expect(tracker.statistics.evictions == 49_000)
        #expect(sink.records.count == 50_000)
        #expect(sink.records.filter { $0.finishReason == .evicted }.count == 49_000)
        #expect(tracker.openConnections == 0)
    }

    /// Blind RSTs with random sequence numbers (RFC 5961's attack): each is
    /// flagged, none closes anything.
    @Test func forgedResetsAreIgnoredAndFlagged() {
        var c = Conversation()
        c.handshake()
        c.client([.psh, .ack], seq: 101, ack: 301, len: 100, window: 100, at: 3)
        c.server(.ack, seq: 301, ack: 201, window: 100, at: 4)
        var generator = SeededGenerator(seed: 3)
        for index in 0..<200 {
            let sequence = 20_000 + UInt32.random(in: 0...1_000_000_000, using: &generator)
            if index % 2 == 0 {
                c.client(.rst, seq: sequence, at: 5 + Double(index))
            } else {
                c.server(.rst, seq: sequence, at: 5 + Double(index))
            }
        }
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2")
        #expect(record.close == .none)
        #expect(record.anomalies.map(\.kind) == [.rstOutOfWindow, .rstOutOfWindow])
        #expect(record.anomalies.map(\.count).reduce(0, +) == 200)
    }

    /// Overlapping retransmissions, one of them claiming a different FIN
    /// position: the first FIN seen stands. Both repeats come within a
    /// round trip of the highest segment, so tshark's rule calls them
    /// out of order, not retransmissions; and since the overlap left the
    /// client's data without a clean run up to its FIN, the server's ACK of
    /// the FIN is one of data tshark calls unseen.
    @Test func contradictoryRetransmissions() {
        var c = Conversation()
        c.handshake()
        c.client([.psh, .ack], seq: 101, ack: 301, len: 100, at: 3)
        c.client([.psh, .ack], seq: 151, ack: 301, len: 100, at: 4)   // overlaps the first
        c.client([.fin, .ack], seq: 251, ack: 301, at: 5)
        c.client([.fin, .ack], seq: 240, ack: 301, at: 6)             // a FIN that contradicts the first
        c.server([.fin, .ack], seq: 301, ack: 252, at: 7)
        c.client(.ack, seq: 252, ack: 302, at: 8)
        let record = c.run().record
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@5 FIN_WAIT_2@7 TIME_WAIT@7")
        #expect(record.serverTrace == "SYN_RECEIVED@1 ESTABLISHED@2 CLOSE_WAIT@5 LAST_ACK@7 CLOSED@8")
        #expect(record.clientBytes == 150)
        #expect(record.anomalies.map(\.kind) == [.outOfOrder, .ackedUnseenSegment])
        #expect(record.anomalies.first?.count == 2)
    }

    /// A FIN before any SYN: picked up mid-stream, not an error.
    @Test func finBeforeSYN() {
        var c = Conversation()
        c.client([.fin, .ack], seq: 500, ack: 900, at: 0)
        c.client(.syn, seq: 7, at: 1)
        let (_, sink) = run(c.segments)
        #expect(sink.records.count == 2)
        #expect(sink.records[0].clientTrace == "ESTABLISHED@0~ FIN_WAIT_1@0")
        #expect(sink.records[1].clientTrace == "SYN_SENT@1")
    }

    /// SYN+FIN, SYN+RST and every flag at once: flagged as impossible,
    /// tracked without trapping.
    @Test(arguments: [TCPFlags([.syn, .fin]), [.syn, .rst], [.fin, .syn, .rst, .psh, .ack, .urg, .ece, .cwr, .ns]])
    func impossibleFlags(flags: TCPFlags) {
        var c = Conversation()
        c.client(flags, seq: 100, ack: 1, at: 0)
        c.server(flags, seq: 300, ack: 101, at: 1)
        let (tracker, sink) = run(c.segments)
        #expect(tracker.openConnections == 0)
        #expect(sink.records.count == 1)
        #expect(sink.records[0].anomalies.contains { $0.kind == .impossibleFlags })
    }

    /// A receiver that advertises a zero window for ever: counted (its FIN
    /// not: tshark counts no SYN, FIN or RST as a zero window), and the
    /// connection still closes normally.
    @Test func zeroWindowForEver() {
        var c = Conversation()
        c.handshake()
        for index in 0..<50 { c.server(.ack, seq: 301, ack: 101, window: 0, at: 3 + Double(index)) }
        c.client([.fin, .ack], seq: 101, ack: 301, at: 100)
        c.server([.fin, .ack], seq: 301, ack: 102, window: 0, at: 101)
        c.client(.ack, seq: 102, ack: 302, at: 102)
        let record = c.run().record
        #expect(record.clientState == .timeWait)
        #expect(record.anomalies.first { $0.kind == .zeroWindow }?.count == 50)
        #expect(record.zeekHistory == "ShAawwFf") // w at the 1st and 10th zero window (logarithmic)
    }

    /// Timestamps going backwards in the file: reported, never fatal, and
    /// capture time never runs backwards for the timers.
    @Test func timeRunningBackwards() {
        var c = Conversation()
        c.handshake()
        c.client([.psh, .ack], seq: 101, ack: 301, len: 5, at: -5_000)
        c.client([.fin, .ack], seq: 106, ack: 301, at: 10)
        let (tracker, sink) = run(c.segments)
        #expect(tracker.openConnections == 0)
        let record = sink.records[0]
        #expect(record.anomalies.map(\.kind) == [.timeWentBackwards])
        #expect(record.clientTrace == "SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10")
    }

    /// An ACK stamped before the SYN-ACK it answers measures no round trip:
    /// the record says none rather than a negative one.
    @Test func handshakeAnsweredBeforeItsQuestion() {
        var c = Conversation()
        c.client(.syn, seq: 100, at: 0)
        c.server([.syn, .ack], seq: 300, ack: 101, at: 10)
        c.client(.ack, seq: 101, ack: 301, at: 4)
        let record = c.run().record
        #expect(record.synToSynAck == 10_000_000)
        #expect(record.synAckToAck == nil)
        #expect(record.anomalies.map(\.kind) == [.timeWentBackwards])
    }
}
