import Assertions
import Foundation
import Testing
import Tracker

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
}
