import Testing
@testable import Tracker
import Wire

/// Where open connections live: fixed-size chunks of memory the tracker
/// manages itself (`ConnectionChunk`), which must behave like the arrays
/// they replaced: every connection kept across chunk boundaries, and a
/// copied tracker independent of the original.
struct ConnectionStorageTests {
    /// The handshake of a connection on its own client port, at `start` ms.
    static func opening(port: UInt16, at start: Double) -> Conversation {
        var c = Conversation()
        c.clientEndpoint = Endpoint(address: c.clientEndpoint.address, port: port)
        c.client(.syn, seq: 100, at: start)
        c.server([.syn, .ack], seq: 300, ack: 101, at: start + 1)
        c.client(.ack, seq: 101, ack: 301, at: start + 2)
        return c
    }

    /// The memory benchmark's 100,000 open connections fill 20 chunks of
    /// 2 MiB at this size (5,140 a chunk). It was 352 bytes (17 chunks)
    /// before tshark's per-segment analysis, whose memory of each direction
    /// (`DirectionAnalysis`, 20 bytes) took 40, 392 before the
    /// encapsulation number (4 bytes, aligned to 8: no padding was left),
    /// and 400 before the connection held its layers itself
    /// (`EncapsulationTracking`: the list, the unlisted count, the last handle).
    @Test func aConnectionTakes408Bytes() {
        #expect(MemoryLayout<Connection>.stride == 408)
        #expect(ConnectionChunk.capacity == 5_140)
    }

    @Test func connectionsFillMoreThanOneChunk() {
        let count = 2 * ConnectionChunk.capacity + 10
        var tracker = ConnectionTracker()
        var sink = CollectingSink()
        for index in 0..<count {
            for segment in Self.opening(port: UInt16(10_000 + index), at: Double(index)).segments {
                tracker.process(segment, into: &sink)
            }
        }
        #expect(tracker.openConnections == count)
        tracker.finish(into: &sink)
        let records = sink.events.compactMap { if case .finished(let record) = $0 { record } else { nil } }
        #expect(records.count == count)
        #expect(records.map(\.client.port) == (0..<count).map { UInt16(10_000 + $0) })
        #expect(records.allSatisfy { $0.clientTrace == "SYN_SENT@\($0.client.port - 10_000) ESTABLISHED@\($0.client.port - 9_999)" })
    }

    @Test func aCopiedTrackerIsIndependentOfTheOriginal() {
        var original = ConnectionTracker()
        var sink = CollectingSink()
        for segment in Self.opening(port: 51514, at: 0).segments { original.process(segment, into: &sink) }
        var copy = original
        var close = Conversation()
        close.client([.fin, .ack], seq: 101, ack: 301, at: 10)
        for segment in close.segments { original.process(segment, into: &sink) }

        var copySink = CollectingSink()
        copy.finish(into: &copySink)
        let copied = copySink.events.compactMap { if case .finished(let record) = $0 { record } else { nil } }
        #expect(copied.map(\.clientTrace) == ["SYN_SENT@0 ESTABLISHED@1"])
        original.finish(into: &sink)
        let records = sink.events.compactMap { if case .finished(let record) = $0 { record } else { nil } }
        #expect(records.map(\.clientTrace) == ["SYN_SENT@0 ESTABLISHED@1 FIN_WAIT_1@10"])
    }
}
