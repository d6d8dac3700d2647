import Foundation
import Testing

/// JUnit test names are what CI history follows, so they must stay put
/// from run to run (issue 33: each held a connection id and an ephemeral
/// port, and a CI system saw 61 new tests every run, none ever fixed).
/// busy.pcap and busy-again.pcap are two recordings of one workload
/// (Fixtures/record busy busy-again): the same hundred connections from
/// other ports, with other ids.
struct JUnitNameTests {
    static func testNames(_ capture: String, expect: String) throws -> (names: [String], xml: String) {
        let junit = FileManager.default.temporaryDirectory.appendingPathComponent("junit-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: junit) }
        _ = try CommandLineTests.handshake(["check", "-r", capture, "--expect", expect, "--fail-on", "reset",
                                            "--junit", junit])
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        let names = xml.split(separator: "\n").compactMap { line -> String? in
            guard line.contains("<testcase "), let start = line.range(of: " name=\"") else { return nil }
            return String(line[start.upperBound...].prefix { $0 != "\"" })
        }
        return (names, xml)
    }

    @Test func twoRecordingsOfOneWorkloadHaveTheSameTestNames() throws {
        let directory = try MergeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = directory.appendingPathComponent("busy.json").path
        #expect(try CommandLineTests.handshake(["check", "-r", "busy.pcap", "--write-expect", whole]).status == 0)
        // Ninety of the hundred expected: ten of each run are unexpected, named alike and told apart by order.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: whole)))
                                  as? [String: [Any]])
        let partial = directory.appendingPathComponent("busy-90.json").path
        try JSONSerialization.data(withJSONObject: ["connections": Array(try #require(object["connections"]).prefix(90))])
            .write(to: URL(fileURLWithPath: partial))
        for expect in [whole, partial] {
            let first = try Self.testNames("busy.pcap", expect: expect)
            let second = try Self.testNames("busy-again.pcap", expect: expect)
            #expect(first.names.count == 101)
            #expect(Set(first.names).count == first.names.count)
            #expect(Set(first.names) == Set(second.names))
            // The ids and ports are in the body, where they change.
            #expect(first.xml != second.xml)
            #expect(first.xml.contains("<system-out>seen: #") || first.xml.contains("seen: #"))
        }
        let names = try Self.testNames("busy-again.pcap", expect: partial).names
        #expect(names.first == "no reset connections")
        #expect(names[1] == "connection 1: 10.99.0.1 → 10.99.0.2:8006")
        #expect(names.suffix(2) == ["unexpected 10.99.0.1 → 10.99.0.2:8006 [9]",
                                    "unexpected 10.99.0.1 → 10.99.0.2:8006 [10]"])
    }
}
