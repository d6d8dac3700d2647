import Foundation
import Testing

/// What CI sees run after run of one workload: busy.pcap and
/// busy-again.pcap are two recordings of it (Fixtures/record busy
/// busy-again), the same hundred connections from other ports, with other
/// ids. JUnit test names are what CI history follows, so they must stay
/// put (issue 33: each held a connection id and an ephemeral port, and a CI
/// system saw 61 new tests every run, none ever fixed); and an expect file
/// recorded from one run must be reusable for the next.
struct RepeatedRunTests {
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

    /// `--write-expect-level outcome`: per server, how many connections
    /// ended how; the next run of the workload checks against it.
    @Test func anOutcomeExpectationIsReusedAcrossRuns() throws {
        let directory = try MergeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("outcome.json").path
        let written = try CommandLineTests.handshake(["check", "-r", "busy.pcap", "--write-expect", path,
                                                      "--write-expect-level", "outcome"])
        #expect(written.stdout.hasSuffix("check: wrote 100 connections to \(path)\n"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == """
            {
              "connections" : [
                {
                  "close" : "fin",
                  "count" : 100,
                  "handshake" : "complete",
                  "server" : "10.99.0.2:8006"
                }
              ]
            }

            """)
        let again = try CommandLineTests.handshake(["check", "-r", "busy-again.pcap", "--expect", path])
        #expect(again.status == 0)
        #expect(again.stdout == "PASS connection 1: 100 × any client → 10.99.0.2:8006\n"
                + "check: all 1 checks hold, 100 connections judged\n")
        let misused = try CommandLineTests.handshake(["check", "-r", "busy.pcap", "--fail-on", "reset",
                                                      "--write-expect-level", "states"])
        #expect(misused.status == 64)
        #expect(misused.stderr.hasPrefix("Error: --write-expect-level goes with --write-expect\n"))
    }
}
