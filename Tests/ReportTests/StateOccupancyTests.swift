@testable import Report
import TestSupport
import Testing
import Tracker
import Wire

/// The report's chart of all connections' states over time: connections
/// finish in any order, and one that began before the first bin moves the
/// bins back rather than piling into the first.
struct StateOccupancyTests {
    @Test func aConnectionThatBeganEarlierMovesTheFirstBinBack() throws {
        // port-reuse.pcap: #1 from 0 to 351 ms, #2 from 552 to 903 ms.
        let records = try FixtureTracking.records(FixtureFiles.path("port-reuse.pcap"))
        var inOrder = StateOccupancy(), reversed = StateOccupancy()
        for record in records { inOrder.add(record) }
        for record in records.reversed() { reversed.add(record) }
        let first = records[0].firstSeen.nanosecondsSinceEpoch
        for chart in [inOrder, reversed] {
            let origin = try #require(chart.origin)
            #expect(origin <= first && first - origin < chart.binWidth)
            #expect(chart.end == records[1].lastSeen.nanosecondsSinceEpoch)
            // 903 ms in at most 400 bins: 4 ms each, from 1 ms doubled twice.
            #expect(chart.binWidth == 4_000_000)
        }
    }
}

extension StateOccupancyTests {
    /// Found by the formats fuzzer: a span that ended before it began (a
    /// record's times running backwards) asked for terabytes of bins.
    @Test func spansThatRunBackwardsOrTooFarAreLeftOut() throws {
        var record = try FixtureTracking.records(FixtureFiles.path("refused.pcap"))[0]
        var chart = StateOccupancy()
        chart.add(record)
        let width = chart.binWidth
        record.lastSeen = Timestamp(nanosecondsSinceEpoch: 0)
        record.firstSeen = Timestamp(nanosecondsSinceEpoch: .max)
        chart.add(record)
        var far = record
        far.firstSeen = Timestamp(nanosecondsSinceEpoch: .min)
        chart.add(far)
        #expect(chart.binWidth >= width)
        #expect(chart.svg != nil)
    }
}
