import Testing
import TestSupport
@testable import Tracker
import Wire

/// Tracking a batch of segments (`ConnectionTracker.process(_:into:)` with a
/// `SegmentBatch`, how the command reads files) must be tracking them one
/// by one: the batch only changes when memory is asked for.
struct SegmentBatchTests {
    /// Every event, in order, described in full: records (with their
    /// transitions, which the default description leaves out), transitions
    /// with their causes, segments and anomalies.
    static func describe(_ events: [ConnectionEvent]) -> [String] {
        events.map { event in
            guard case .finished(let record) = event else { return String(describing: event) }
            return "\(record) client \(record.clientTrace) server \(record.serverTrace)"
        }
    }

    static func track(_ segments: [TCPSegment], batched: Bool) -> [ConnectionEvent] {
        var configuration = TrackerConfiguration()
        configuration.reportedEvents = .all
        var tracker = ConnectionTracker(configuration: configuration)
        var sink = CollectingSink()
        var batch = SegmentBatch()
        for segment in segments {
            guard batched else {
                tracker.process(segment, into: &sink)
                continue
            }
            batch.appendNext { $0 = segment; return true }
            if batch.isFull { tracker.process(&batch, into: &sink) }
        }
        tracker.process(&batch, into: &sink)
        tracker.finish(into: &sink)
        return sink.events
    }

    /// busy.pcap: 1,100 segments of interleaved connections, so 34 full
    /// batches and a partial one, with connections opening, closing and
    /// being looked up across batch boundaries.
    @Test(arguments: ["busy.pcap", "port-reuse.pcap", "time-wait-expiry.pcap"])
    func batchedTrackingMatchesOneByOne(fixture: String) throws {
        let segments = try FixtureTracking.segments(FixtureFiles.path(fixture))
        let oneByOne = Self.describe(Self.track(segments, batched: false))
        let batched = Self.describe(Self.track(segments, batched: true))
        #expect(oneByOne.count > segments.count, "segment events and more")
        #expect(batched.count == oneByOne.count)
        let difference = batched.indices.first { $0 < oneByOne.count && batched[$0] != oneByOne[$0] }
        #expect(difference == nil, "event \(difference ?? 0) differs: \(difference.map { batched[$0] } ?? "")")
    }

    @Test func aSegmentNotFilledIsNotKept() {
        var batch = SegmentBatch()
        #expect(!batch.appendNext { _ in false })
        #expect(batch.isEmpty)
        #expect(batch.appendNext { $0.window = 7; return true })
        #expect(batch.count == 1)
        #expect(batch[0].window == 7)
        for _ in 1..<SegmentBatch.capacity { batch.appendNext { _ in true } }
        #expect(batch.isFull)
    }

    @Test func processingEmptiesTheBatch() {
        var tracker = ConnectionTracker()
        var sink = CollectingSink()
        var batch = SegmentBatch()
        var c = Conversation()
        c.handshake()
        for segment in c.segments { batch.appendNext { $0 = segment; return true } }
        tracker.process(&batch, into: &sink)
        #expect(batch.isEmpty)
        #expect(tracker.statistics.segments == 3)
        #expect(tracker.openConnections == 1)
    }
}
