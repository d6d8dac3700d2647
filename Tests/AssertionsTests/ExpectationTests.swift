import Assertions
import Foundation
import Report
import TestSupport
import Testing
import Tracker
import Wire

/// `--write-expect` then `--expect`: a capture agrees with what it wrote,
/// and an edited expectation shows a readable `- expected` / `+ seen` diff.
struct ExpectationTests {
    /// `--write-expect`'s text for `records`, written as they finish.
    static func expectFile(_ records: [ConnectionRecord],
                           level: ExpectedConnections.Connection.Level = .transitions) -> String {
        let text = LineBuffer()
        var writer = ExpectFileWriter(to: text, level: level)
        writer.begin()
        for record in records { writer.add(record) }
        writer.end()
        return text.text
    }

    @Test func aCaptureMatchesItsOwnExpectation() throws {
        let records = try CheckRuleTests.records("port-reuse.pcap")
        let reread = try JSONDecoder().decode(ExpectedConnections.self, from: Data(Self.expectFile(records).utf8))
        #expect(reread == ExpectedConnections(connections: records.map(ExpectedConnections.Connection.init)))
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
        #expect(comparisons.map(\.line) == [
            "connection 1: any client → 10.99.0.2:8001 (#233181771545944 10.99.0.1.57514 → 10.99.0.2.8001)",
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
        #expect(comparisons.map(\.line) == ["unexpected 10.99.0.1 → 10.99.0.2:9 (#7438428579564337 10.99.0.1.40127 → 10.99.0.2.9)"])
        // The name, JUnit's, holds nothing that changes from run to run.
        #expect(comparisons.map(\.name) == ["unexpected 10.99.0.1 → 10.99.0.2:9"])
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
        let reread = try JSONDecoder().decode(ExpectedConnections.self, from: Data(Self.expectFile(sink.records).utf8))
        #expect(reread.connections.map(\.client) == ["[2001:db8::1:80]"])
        let comparisons = reread.compare(with: sink.records)
        #expect(comparisons.count == 1)
        #expect(comparisons.first?.holds == true)
    }

    /// The streamed file is the text JSONEncoder wrote for the whole list
    /// (pretty-printed, sorted keys), which files were written in before:
    /// regenerating one shows no churn. Fixtures with IPv6, absent states
    /// (mid-stream) and several connections; and none at all.
    @Test(arguments: ["port-reuse.pcap", "ipv6-loopback.pcap", "mid-stream.pcap", "unanswered-syn.pcap", "busy.pcap", nil])
    func theStreamedFileIsJSONEncodersText(fixture: String?) throws {
        let records = try fixture.map(CheckRuleTests.records) ?? []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let whole = try encoder.encode(ExpectedConnections(connections: records.map(ExpectedConnections.Connection.init)))
        #expect(Self.expectFile(records) == String(decoding: whole, as: UTF8.self) + "\n")
    }

    /// `--write-expect-level`: what each level pins, still JSONEncoder's
    /// text; `outcome` is one entry per server and way of ending, counted
    /// (busy.pcap: a hundred complete connections closed with FINs; refused.pcap: one refusal).
    @Test func aLevelPinsLess() throws {
        let records = try CheckRuleTests.records("busy.pcap") + CheckRuleTests.records("refused.pcap")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for level in ExpectedConnections.Connection.Level.allCases {
            let text = Self.expectFile(records, level: level)
            let read = try JSONDecoder().decode(ExpectedConnections.self, from: Data(text.utf8))
            #expect(text == String(decoding: try encoder.encode(read), as: UTF8.self) + "\n", "\(level)")
            let comparisons = read.compare(with: records)
            #expect(comparisons.allSatisfy { $0.holds }, "\(level)")
            switch level {
            case .outcome:
                #expect(read.connections.map(\.label) == ["100 × any client → 10.99.0.2:8006", "any client → 10.99.0.2:9"])
                #expect(read.connections.map(\.close) == ["fin", "rst"])
            case .states:
                #expect(read.connections.count == 101)
                #expect(read.connections.allSatisfy { $0.clientTransitions == nil && $0.clientState != nil })
            case .transitions:
                #expect(read.connections.allSatisfy { $0.clientTransitions != nil })
            }
        }
    }

    /// An entry with `count` takes that many connections it fits: fewer is
    /// a failure, more are unexpected, and those that differ are named (five,
    /// then counted).
    @Test func anEntryOfSeveralTakesThatMany() throws {
        let records = try CheckRuleTests.records("busy.pcap")
        func entry(_ count: Int, close: String = "fin") throws -> ExpectedConnections {
            try JSONDecoder().decode(ExpectedConnections.self, from: Data(
                #"{"connections": [{"server": "10.99.0.2:8006", "count": \#(count), "close": "\#(close)"}]}"#.utf8))
        }
        #expect(try entry(100).compare(with: records).map(\.line) == ["connection 1: 100 × any client → 10.99.0.2:8006"])
        let fewer = try entry(101).compare(with: records)
        #expect(fewer.map(\.differences) == [["- 101 connections", "+ 100 connections seen"]])
        let more = try entry(98).compare(with: records)
        #expect(more.count == 3)
        #expect(more[1].name == "unexpected 10.99.0.1 → 10.99.0.2:8006")
        let differing = try entry(100, close: "rst").compare(with: records)[0].differences
        #expect(differing.count == 5 * 3 + 1)
        #expect(differing[0].hasPrefix("#") && differing[1] == "  - close: rst" && differing[2] == "  + close: fin")
        #expect(differing.last == "… and 95 more differ")
        #expect(throws: DecodingError.self) { _ = try entry(0) }
    }

    /// Matching as connections finish pairs them as the batch rule does,
    /// which was: each entry in file order takes the first unused connection
    /// it fits. Checked against that rule on random files and captures where
    /// entries overlap (any client, any port, the same server twice).
    @Test func matchingAsConnectionsFinishEqualsMatchingInFileOrder() throws {
        var random = SeededGenerator(seed: 21)
        let servers = ["10.0.0.1", "10.0.0.2"], ports: [UInt16] = [80, 443], clients = ["10.0.1.1", "10.0.1.2"]
        let template = try CheckRuleTests.records("busy.pcap")[0]
        for round in 0..<300 {
            var records: [ConnectionRecord] = []
            for id in 0..<Int.random(in: 0...12, using: &random) {
                records.append(try Self.record(template, id: UInt64(id),
                                           client: "\(clients.randomElement(using: &random)!):\(Int.random(in: 40000...40002, using: &random))",
                                           server: "\(servers.randomElement(using: &random)!):\(ports.randomElement(using: &random)!)"))
            }
            var entries: [ExpectedConnections.Connection] = []
            for _ in 0..<Int.random(in: 0...12, using: &random) {
                let port = Bool.random(using: &random) ? ":\(ports.randomElement(using: &random)!)" : ""
                let client: String? = switch Int.random(in: 0...2, using: &random) {
                case 0: nil
                case 1: clients.randomElement(using: &random)!
                default: "\(clients.randomElement(using: &random)!):\(Int.random(in: 40000...40002, using: &random))"
                }
                var entry = ExpectedConnections.Connection(template)
                entry.server = servers.randomElement(using: &random)! + port
                entry.client = client
                entries.append(entry)
            }
            let names = ExpectedConnections(connections: entries).compare(with: records).map(\.line)
            #expect(names == Self.matchedInFileOrder(entries, records), "round \(round)")
        }
    }

    /// Past twenty, unexpected connections are counted, not listed: a
    /// flood must not make a report of a million lines.
    @Test func unexpectedConnectionsBeyondTwentyAreCounted() throws {
        let template = try CheckRuleTests.records("busy.pcap")[0]
        let records = try (1...25).map { try Self.record(template, id: UInt64($0), client: "10.0.1.1:\(40000 + $0)", server: "10.0.0.1:80") }
        let comparisons = ExpectedConnections(connections: []).compare(with: records)
        #expect(comparisons.count == 21)
        #expect(comparisons[19].line == "unexpected 10.0.1.1 → 10.0.0.1:80 (#20 10.0.1.1.40020 → 10.0.0.1.80)")
        #expect(comparisons[20].line == "unexpected: 5 more connections")
        #expect(comparisons[20].differences == ["- nothing", "+ 5 more connections nothing expected"])
    }

    /// The rule the matcher replaced, kept here as its oracle: names of the
    /// comparisons it made, in its order.
    static func matchedInFileOrder(_ entries: [ExpectedConnections.Connection], _ records: [ConnectionRecord]) -> [String] {
        func fits(_ entry: ExpectedConnections.Connection, _ record: ConnectionRecord) -> Bool {
            guard ConnectionCriterion(endpoint: entry.server)!.matches(record.server) else { return false }
            return entry.client.map { ConnectionCriterion(endpoint: $0)!.matches(record.client) } ?? true
        }
        var unused = records
        var names: [String] = []
        for (index, entry) in entries.enumerated() {
            let name = "connection \(index + 1): \(entry.client ?? "any client") → \(entry.server)"
            guard let match = unused.firstIndex(where: { fits(entry, $0) }) else { names.append(name); continue }
            let record = unused.remove(at: match)
            names.append("\(name) (#\(record.id) \(record.client) → \(record.server))")
        }
        return names + unused.map {
            "unexpected \($0.client.address) → \($0.server.address):\($0.server.port) (#\($0.id) \($0.client) → \($0.server))"
        }
    }

    /// A real record moved to other endpoints.
    static func record(_ template: ConnectionRecord, id: UInt64, client: String, server: String) throws -> ConnectionRecord {
        func endpoint(_ text: String) throws -> Endpoint {
            guard case .endpoint(let address, let port?)? = ConnectionCriterion(endpoint: text) else {
                throw CocoaError(.formatting)
            }
            return Endpoint(address: address, port: port)
        }
        var record = template
        record.id = id
        record.client = try endpoint(client)
        record.server = try endpoint(server)
        return record
    }
}
