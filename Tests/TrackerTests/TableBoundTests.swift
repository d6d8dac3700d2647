import Testing
@testable import Tracker
import Wire

/// The table holds what is open at once, never what was seen in total.
struct TableBoundTests {
    /// A million segments of 250 000 short connections, 4 000 of them open
    /// at any moment, through a table bounded at 1 000: it never holds
    /// more, evicts the rest, and is empty once every timeout has passed.
    @Test func aMillionSegmentsStayWithinTheBound() {
        var configuration = TrackerConfiguration()
        configuration.maximumConnections = 1_000
        var tracker = ConnectionTracker(configuration: configuration)
        var sink = CountingSink()
        let server = Endpoint(address: IPAddress("10.0.0.2")!, port: 80)
        var peak = 0
        for index in 0..<250_000 {
            // Each connection sends SYN, SYN-ACK, ACK, RST over 4 steps interleaved with its neighbours.
            for step in 0..<4 {
                let connection = index - step * 1_000
                guard connection >= 0 else { continue }
                let client = Endpoint(address: IPAddress(ipv4: 0x0A01_0000 | UInt32(connection % 60_000)),
                                      port: UInt16(1024 + connection / 60_000))
                let time = Timestamp(nanosecondsSinceEpoch: Int64(index) * 10_000)
                let flags: TCPFlags = [.syn, [.syn, .ack], .ack, [.rst, .ack]][step]
                let fromClient = step != 1
                let segment = TCPSegment(timestamp: time, source: fromClient ? client : server,
                                         destination: fromClient ? server : client,
                                         sequence: SequenceNumber(fromClient ? 1000 + (step == 0 ? 0 : 1) : 5000),
                                         acknowledgment: SequenceNumber(fromClient ? 5001 : 1001), flags: flags)
                tracker.process(segment, into: &sink)
                peak = max(peak, tracker.openConnections)
            }
        }
        #expect(peak <= 1_000)
        #expect(tracker.statistics.peakOpen <= 1_000)
        #expect(tracker.statistics.evictions > 0)
        #expect(tracker.statistics.segments > 990_000)
        tracker.advance(to: Timestamp(nanosecondsSinceEpoch: 100_000 * TrackerConfiguration.second), into: &sink)
        #expect(tracker.openConnections == 0)
        // Every record is a connection or the return of an evicted one; here
        // 4,000 open at once in a table of 1,000, so most flows come back.
        #expect(tracker.statistics.connections == 250_000)
        #expect(sink.finished == tracker.statistics.connections + tracker.statistics.resumedAfterEviction)
        #expect(tracker.statistics.resumedAfterEviction == 744_000)
    }
}

/// Counts events without keeping them.
struct CountingSink: ConnectionEventSink {
    var finished = 0
    mutating func receive(_ event: ConnectionEvent) {
        if case .finished = event { finished += 1 }
    }

    /// Before: a flow evicted from a full table that came back was opened
    /// as a new connection, and counted as one, every time. It is picked up
    /// again, marked, and counted apart.
    @Test func anEvictedFlowThatComesBackIsMarked() {
        var configuration = TrackerConfiguration()
        configuration.maximumConnections = 2
        var c = Conversation()
        for port in [40000, 40001, 40002] as [UInt16] {  // the third evicts the first
            c.clientEndpoint.port = port
            c.client(.syn, seq: 100, at: Double(port - 40000))
        }
        c.clientEndpoint.port = 40000
        c.client([.psh, .ack], seq: 101, ack: 301, len: 5, at: 10)
        let outcome = c.run(configuration)
        #expect(outcome.statistics.connections == 3)
        #expect(outcome.statistics.evictions == 2)
        #expect(outcome.statistics.resumedAfterEviction == 1)
        let first = outcome.records.filter { $0.client.port == 40000 }
        #expect(first.map(\.finishReason) == [.evicted, .endOfInput])
        #expect(first.map { $0.anomalies.map(\.kind) } == [[], [.resumedAfterEviction]])
    }
}
