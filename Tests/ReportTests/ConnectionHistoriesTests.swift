@testable import Report
import TestSupport
import Testing
import Tracker
import Wire

/// The per-connection diagrams keep a bounded number of segments in all:
/// before, every open connection kept 200, and 10,000 open took 539 MB.
struct ConnectionHistoriesTests {
    /// A segment of `records[index]`'s connection.
    static func segment(_ index: Int, at time: Int64) -> ConnectionEvent {
        let client = Endpoint(address: IPAddress(ipv4: 0x0A00_0001), port: UInt16(10_000 + index))
        let server = Endpoint(address: IPAddress(ipv4: 0x0A00_0002), port: 80)
        var segment = TCPSegment.zero
        segment.timestamp = Timestamp(nanosecondsSinceEpoch: time)
        return .segment(SegmentEvent(connectionID: records[index].id, client: client, server: server, sender: .client,
                                     segment: segment))
    }

    /// busy.pcap's records, in the order they finished.
    static let records = (try? FixtureTracking.records(FixtureFiles.path("busy.pcap"))) ?? []

    @Test func theBudgetIsSharedAndFreedWhenAConnectionFinishes() throws {
        try #require(Self.records.count >= 3)
        var histories = ConnectionHistories(budget: 10)
        for time in 0..<6 { _ = histories.record(Self.segment(0, at: Int64(time))) }
        for time in 0..<6 { _ = histories.record(Self.segment(1, at: Int64(time))) }
        // Connection 2 got the four left, and keeps no more once it missed one.
        let firstResult = histories.record(.finished(Self.records[0]))
        let (_, first) = try #require(firstResult)
        #expect(first.steps.count == 6)
        #expect(first.omitted == 0)
        for time in 6..<9 { _ = histories.record(Self.segment(1, at: Int64(time))) }
        let secondResult = histories.record(.finished(Self.records[1]))
        let (_, second) = try #require(secondResult)
        #expect(second.steps.count == 4)
        #expect(second.omitted == 5)
        // What the finished connections held is free again.
        for time in 0..<10 { _ = histories.record(Self.segment(2, at: Int64(time))) }
        let thirdResult = histories.record(.finished(Self.records[2]))
        let (_, third) = try #require(thirdResult)
        #expect(third.steps.count == 10)
        #expect(third.omitted == 0)
    }
}
