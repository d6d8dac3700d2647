@testable import Assertions
import Foundation
import Testing

/// What `handshake check` prints and puts in JUnit, assembled from verdicts
/// and expectation comparisons; and what it says of an unusable expect file.
struct CheckReportTests {
    static let verdicts = [
        RuleChecker.Verdict(rule: .failOn(.refused), offenders: [], unlisted: 0, summary: nil),
        RuleChecker.Verdict(rule: .failOn(.reset), offenders: ["#1 a → b: reset", "#2 c → d: reset"], unlisted: 3,
                            summary: nil),
        RuleChecker.Verdict(rule: .expectConnections(2), offenders: [], unlisted: 0, summary: "saw 1 connection"),
    ]
    static let comparisons = [
        ExpectedConnections.Comparison(name: "connection 1: any client → 10.0.0.2:80", differences: []),
        ExpectedConnections.Comparison(name: "connection 2: any client → 10.0.0.2:81",
                                       differences: ["- close: fin", "+ close: rst"]),
    ]

    @Test func linesSayWhatHeldAndWhatBrokeIt() {
        let report = CheckReport(verdicts: Self.verdicts, comparisons: Self.comparisons, connections: 1)
        #expect(report.lines == [
            "PASS no refused connections",
            "FAIL no reset connections",
            "  #1 a → b: reset",
            "  #2 c → d: reset",
            "  … and 3 more",
            "FAIL 2 connections",
            "  saw 1 connection",
            "PASS connection 1: any client → 10.0.0.2:80",
            "FAIL connection 2: any client → 10.0.0.2:81",
            "  - close: fin",
            "  + close: rst",
            "check: 3 of 5 checks failed, 1 connection judged",
        ])
        #expect(report.broken == 3)
    }

    @Test func junitCasesCarryTheSameDetails() {
        let cases = CheckReport(verdicts: Self.verdicts, comparisons: Self.comparisons, connections: 1).cases
        #expect(cases.map(\.classname) == ["handshake.check.rules", "handshake.check.rules", "handshake.check.rules",
                                           "handshake.check.expect", "handshake.check.expect"])
        #expect(cases.map { $0.failure?.message } == [nil, "5 connection(s) broke it", "saw 1 connection", nil,
                                                      "differs from the expectation"])
        #expect(cases[1].failure?.details == ["#1 a → b: reset", "#2 c → d: reset", "… and 3 more"])
        #expect(cases[2].failure?.details == ["saw 1 connection"])
    }

    @Test func allHoldingSaysSo() {
        let report = CheckReport(verdicts: [Self.verdicts[0]], comparisons: [], connections: 2)
        #expect(report.lines == ["PASS no refused connections", "check: all 1 checks hold, 2 connections judged"])
        #expect(report.broken == 0)
    }

    @Test(arguments: [
        (#"{"connections": [{"client": "10.0.0.1"}]}"#, #"missing "server" in connections.0"#),
        (#"{"connections": [{"server": 80}]}"#, "wrong type at connections.0.server"),
        (#"{"connections": "#, "not valid JSON"),
        ("{}", #"missing "connections""#),
        // Before: accepted, and the connection silently never matched.
        (#"{"connections": [{"server": null}]}"#, "wrong type at connections.0.server"),
        (#"{"connections": [{"server": "10.0.0.2:80", "close": "fine"}]}"#,
         "connections.0.close: 'fine' is not one of fin, simultaneous, rst, none"),
        (#"{"connections": [{"server": "10.0.0.2:80", "handshake": "done"}]}"#,
         "connections.0.handshake: 'done' is not one of complete, simultaneous, unanswered, refused, partial, mid_stream, stray"),
        (#"{"connections": [{"server": "10.0.0.2:80", "server_transitions": ["SYN_RECEIVED", "PASS"]}]}"#,
         "connections.0.server_transitions: 'PASS' is not a state: CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, "
            + "ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT"),
        // Before: its text reached the terminal and the JUnit file as it was.
        (#"{"connections": [{"server": "\u001b[32mPASS all\u001b[0m"}]}"#,
         #"connections.0.server: server needs HOST:PORT, [IPv6]:PORT or HOST, not '\u{1b}[32mPASS all\u{1b}[0m'"#),
        (#"{"connections": [{"server": "10.0.0.2:80", "client": ""# + String(repeating: "x", count: 100) + #""}]}"#,
         "connections.0.client: client needs HOST:PORT, [IPv6]:PORT or HOST, not '" + String(repeating: "x", count: 40)
            + "…'"),
    ])
    func anUnusableExpectFileSaysWhere(contents: String, reason: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("expect-\(UUID().uuidString).json").path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ExpectationFileError.notAnExpectFile(path: path, reason: reason)) {
            try ExpectedConnections(contentsOf: path)
        }
    }

    /// The system's reason, not Foundation's "The operation could not be completed".
    @Test(arguments: [("/nonexistent/expect.json", "No such file or directory"), ("/tmp", "Is a directory")])
    func anUnreadableExpectFileSaysWhy(path: String, reason: String) {
        #expect(throws: ExpectationFileError.cannotOpen(path: path, reason: reason)) {
            try ExpectedConnections(contentsOf: path)
        }
        #expect(ExpectationFileError.cannotOpen(path: path, reason: reason).description == "cannot open \(path): \(reason)")
    }
}
