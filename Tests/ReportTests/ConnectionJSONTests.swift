import Foundation
import Report
import TestSupport
import Testing
import Tracker
import Wire

/// The NDJSON contract of DESIGN.md: field names, order-independent
/// presence, types, and nulls where nothing is known.
struct ConnectionJSONTests {
    static let contractFields: Set<String> = [
        "id", "ip_version", "client", "server", "initiator_known", "first_seen", "last_seen", "handshake", "close",
        "client_state", "server_state", "client_transitions", "server_transitions", "rtt", "connect_time", "client_packets",
        "server_packets", "client_bytes", "server_bytes", "client_ip_bytes", "server_ip_bytes", "syn_retransmissions", "anomalies", "zeek_conn_state",
        "zeek_history", "end_reason", "encapsulation",
    ]

    func segment(_ flags: TCPFlags, from source: String, _ sourcePort: UInt16, to destination: String,
                 _ destinationPort: UInt16, seq: UInt32, ack: UInt32 = 0, at microseconds: Int64) -> TCPSegment {
        TCPSegment(timestamp: Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000 + microseconds * 1000),
                   source: Endpoint(address: IPAddress(source)!, port: sourcePort),
                   destination: Endpoint(address: IPAddress(destination)!, port: destinationPort),
                   sequence: SequenceNumber(seq), acknowledgment: SequenceNumber(ack), flags: flags)
    }

    func records(_ segments: [TCPSegment]) -> [ConnectionRecord] {
        var tracker = ConnectionTracker()
        var sink = CollectingSink()
        for segment in segments { tracker.process(segment, into: &sink) }
        tracker.finish(into: &sink)
        return sink.records
    }

    func parse(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func everyContractFieldIsPresent() throws {
        let record = records([
            segment(.syn, from: "2001:db8::1", 40000, to: "2001:db8::2", 443, seq: 1, at: 0),
            segment([.syn, .ack], from: "2001:db8::2", 443, to: "2001:db8::1", 40000, seq: 9, ack: 2, at: 41),
            segment(.ack, from: "2001:db8::1", 40000, to: "2001:db8::2", 443, seq: 2, ack: 10, at: 53),
        ])[0]
        let line = ConnectionJSON.render(record)
        #expect(!line.contains("\n"))
        let object = try parse(line)
        #expect(Set(object.keys) == Self.contractFields)
        #expect(object["ip_version"] as? Int == 6)
        #expect((object["client"] as? [String: Any])?["ip"] as? String == "2001:db8::1")
        #expect((object["server"] as? [String: Any])?["port"] as? Int == 443)
        #expect(object["handshake"] as? String == "complete")
        #expect(object["client_state"] as? String == "ESTABLISHED")
        let rtt = try #require(object["rtt"] as? [String: Any])
        #expect(rtt["syn_synack"] as? Double == 0.000041)
        #expect(rtt["synack_ack"] as? Double == 0.000012)
        let transitions = try #require(object["client_transitions"] as? [[String: Any]])
        #expect(transitions.map { $0["state"] as? String } == ["SYN_SENT", "ESTABLISHED"])
        #expect(Set(transitions[0].keys) == ["t", "state", "inferred", "assumed"])
        #expect(line.contains("\"first_seen\":1700000000.000000,"))
    }

    @Test func unknownServerStateIsNull() throws {
        let record = records([segment(.syn, from: "10.0.0.1", 5000, to: "10.0.0.2", 80, seq: 1, at: 0)])[0]
        let line = ConnectionJSON.render(record)
        #expect(line.contains("\"server_state\":null"))
        #expect(line.contains("\"rtt\":{\"syn_synack\":null,\"synack_ack\":null}"))
        let object = try parse(line)
        #expect(object["server_state"] is NSNull)
        #expect((object["server_transitions"] as? [Any])?.isEmpty == true)
    }

    @Test func anomaliesAreObjects() throws {
        let record = records([
            segment(.syn, from: "10.0.0.1", 5000, to: "10.0.0.2", 80, seq: 1, at: 0),
            segment([.rst, .ack], from: "10.0.0.2", 80, to: "10.0.0.1", 5000, seq: 0, ack: 77, at: 1),
        ])[0]
        let object = try parse(ConnectionJSON.render(record))
        let anomalies = try #require(object["anomalies"] as? [[String: Any]])
        // Its ACK field (77) is also past anything the client sent, which tshark calls an ACK of unseen data.
        #expect(anomalies.map { $0["kind"] as? String } == ["acked_unseen_segment", "rst_out_of_window"])
        #expect(anomalies[1]["from"] as? String == "server")
        #expect(anomalies[1]["count"] as? Int == 1)
    }

    /// `handshake merge` reads back what it wrote: every fixture's records,
    /// rendered, read and rendered again, are the same bytes.
    @Test(arguments: try! FileManager.default.contentsOfDirectory(atPath: FixtureFiles.directory.path)
        .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted())
    func recordsReadBackAreTheSameBytes(fixture: String) throws {
        for record in try FixtureTracking.records(FixtureFiles.path(fixture)) {
            let line = ConnectionJSON.render(record)
            let again = try ConnectionJSON.record(from: Substring(line))
            #expect(ConnectionJSON.render(again) == line, "\(fixture)")
            #expect(again.clientTransitions == record.clientTransitions)
            #expect(again.serverTransitions == record.serverTransitions)
        }
    }

    /// A line that is not a record says which field is wrong.
    @Test(arguments: [
        ("{\"id\": 1", "not JSON at character 9: '}' is missing"),
        ("[1]", "not a JSON object"),
        ("{}", "rtt is missing"),
    ])
    func aLineThatIsNotARecordSaysWhy(line: String, reason: String) {
        #expect(throws: ConnectionJSON.ReadError(description: reason)) { try ConnectionJSON.record(from: Substring(line)) }
    }

    @Test func aWrongFieldIsNamed() throws {
        let record = try #require(try FixtureTracking.records(FixtureFiles.path("refused.pcap")).first)
        let line = ConnectionJSON.render(record)
        for (from, to, reason) in [
            ("\"close\":\"rst\"", "\"close\":\"fine\"", "close is not one of fin, simultaneous, rst, none ('fine')"),
            ("\"client_packets\":1", "\"client_packets\":-1.5", "client_packets is not a whole number from "
                + "0 to 9007199254740992"),
            ("\"state\":\"SYN_SENT\"", "\"state\":\"SENT\"", "client_transitions.0.state is not one of CLOSED, "
                + "LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, "
                + "TIME_WAIT ('SENT')"),
        ] {
            #expect(line.contains(from))
            #expect(throws: ConnectionJSON.ReadError(description: reason)) {
                try ConnectionJSON.record(from: Substring(line.replacingOccurrences(of: from, with: to)))
            }
        }
    }
}
