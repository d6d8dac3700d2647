import TestSupport
import Foundation
import Report
import Testing
import Tracker

/// Every JSON line handshake writes for every fixture parses, and carries
/// every field of DESIGN.md's contract with the right type.
struct JSONContractTests {
    static let stringFields = ["handshake", "close", "zeek_conn_state", "zeek_history", "end_reason"]
    static let numberFields = ["id", "ip_version", "first_seen", "last_seen", "client_packets", "server_packets",
                               "client_bytes", "server_bytes", "client_ip_bytes", "server_ip_bytes",
                               "syn_retransmissions"]

    @Test(arguments: KernelAgreementTests.expectationFiles.map { $0.replacingOccurrences(of: ".expected.json", with: "") })
    func everyLineParsesWithEveryField(fixture: String) throws {
        let capture = FileManager.default.fileExists(atPath: FixtureFiles.path("\(fixture).pcap"))
            ? "\(fixture).pcap" : "\(fixture).pcapng"
        let events = try FixtureTracking.events(FixtureFiles.path(capture))
        let lines = renderAll(events, with: JSONLines()).split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(object.keys) == Set(Self.stringFields + Self.numberFields + [
                "client", "server", "initiator_known", "client_state", "server_state", "client_transitions",
                "server_transitions", "rtt", "connect_time", "anomalies", "encapsulation"]))
            #expect(object["encapsulation"] is [String], "encapsulation in \(fixture)")
            for field in Self.stringFields { #expect(object[field] is String, "\(field) in \(fixture)") }
            for field in Self.numberFields { #expect(object[field] is NSNumber, "\(field) in \(fixture)") }
            #expect(object["initiator_known"] is Bool)
            #expect(object["client_state"] is String || object["client_state"] is NSNull)
            #expect(object["server_state"] is String || object["server_state"] is NSNull)
            let rtt = try #require(object["rtt"] as? [String: Any])
            #expect(Set(rtt.keys) == ["syn_synack", "synack_ack"])
            let connect = try #require(object["connect_time"] as? [String: Any])
            #expect(Set(connect.keys) == ["client", "server"])
            for value in connect.values { #expect(value is NSNumber || value is NSNull) }
            for role in ["client", "server"] {
                let endpoint = try #require(object[role] as? [String: Any])
                #expect(endpoint["ip"] is String && endpoint["port"] is NSNumber)
                let transitions = try #require(object["\(role)_transitions"] as? [[String: Any]])
                for transition in transitions {
                    #expect(transition["t"] is NSNumber && transition["state"] is String)
                    #expect(transition["inferred"] is Bool && transition["assumed"] is Bool)
                }
            }
        }
    }
}
