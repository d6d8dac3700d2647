import Assertions
import Foundation
import Testing
import Tracker
import Wire

/// `--write-expect` then `--expect`: a capture agrees with what it wrote,
/// and an edited expectation shows a readable `- expected` / `+ seen` diff.
struct ExpectationTests {
    @Test func aCaptureMatchesItsOwnExpectation() throws {
        let records = try CheckRuleTests.records("port-reuse.pcap")
        let written = ExpectedConnections(records: records)
        let reread = try JSONDecoder().decode(ExpectedConnections.self, from: try written.encoded())
        #expect(reread == written)
        let comparisons = reread.compare(with: records)
        #expect(comparisons.allSatisfy { $0.holds })
        #expect(reread.connections.map(\.server) == ["10.99.0.2:8004", "10.99.0.2:8004"])
        #expect(reread.connections[0].client == "10.99.0.1")
    }

    @Test func differencesAreListedFieldByField() throws {
        let records = try CheckRuleTests.records("rst-abort.pcap")
        let expected = ExpectedConnections(connections: [
            try JSONDecoder().decode(ExpectedConnections.Connection.self, from: Data("""
                {"server": "10.99.0.2:8001", "close": "fin", "server_state": "CLOSED",
                 "client_transitions": ["SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"]}
                """.utf8)),
            try JSONDecoder().decode(ExpectedConnections.Connection.self, from: Data(#"{"server": "10.99.0.2:9999"}"#.utf8)),
        ])
        let comparisons = expected.compare(with: records)
        #expect(comparisons.map(\.name) == [
            "connection 1: any client → 10.99.0.2:8001 (#1 10.99.0.1.57514 → 10.99.0.2.8001)",
            "connection 2: any client → 10.99.0.2:9999",
        ])
        #expect(comparisons[0].differences == [
            "- close: fin", "+ close: rst",
            "- client_transitions: SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT",
            "+ client_transitions: SYN_SENT ESTABLISHED CLOSED",
        ])
        #expect(comparisons[1].differences == ["- a connection any client → 10.99.0.2:9999", "+ none seen"])
    }

    @Test func unexpectedConnectionsFail() throws {
        let records = try CheckRuleTests.records("refused.pcap")
        let comparisons = ExpectedConnections(connections: []).compare(with: records)
        #expect(comparisons.map(\.name) == ["unexpected #1 10.99.0.1.40127 → 10.99.0.2.9"])
        #expect(!comparisons[0].holds)
    }

    /// Found by the formats fuzzer: an IPv6 client such as 2001:db8::1:80 was
    /// written bare, and read back as an address and a port (refused). It is
    /// written in brackets now, and the file matches its own records.
    @Test func anIPv6ClientEndingInADecimalGroupRoundTrips() throws {
        let client = Endpoint(address: try #require(IPAddress("2001:db8::1:80")), port: 40_000)
        let server = Endpoint(address: try #require(IPAddress("2001:db8::2")), port: 443)
        let start = Timestamp(seconds: 1_700_000_000, nanoseconds: 0)
        var tracker = ConnectionTracker()
        var sink = CollectingSink()
        let handshake: [(Endpoint, Endpoint, TCPFlags)] = [(client, server, .syn), (server, client, [.syn, .ack]),
                                                            (client, server, .ack)]
        for (index, (source, destination, flags)) in handshake.enumerated() {
            tracker.process(TCPSegment(timestamp: start + Int64(index) * 1_000_000, source: source, destination: destination,
                                       sequence: SequenceNumber(index == 1 ? 500 : 100 + UInt32(min(index, 1))),
                                       acknowledgment: SequenceNumber(index == 0 ? 0 : index == 1 ? 101 : 501),
                                       flags: flags), into: &sink)
        }
        tracker.finish(into: &sink)
        let written = ExpectedConnections(records: sink.records)
        #expect(written.connections.map(\.client) == ["[2001:db8::1:80]"])
        let reread = try JSONDecoder().decode(ExpectedConnections.self, from: try written.encoded())
        let comparisons = reread.compare(with: sink.records)
        #expect(comparisons.count == 1)
        #expect(comparisons.first?.holds == true)
    }
}
