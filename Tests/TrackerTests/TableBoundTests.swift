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
        #expect(sink.finished == tracker.statistics.connections)
    }
}

/// Counts events without keeping them.
struct CountingSink: ConnectionEventSink {
    var finished = 0
    mutating func receive(_ event: ConnectionEvent) {
        if case .finished = event { finished += 1 }
    }
}
