import Report

/// What `handshake check` says about a capture: one `PASS`/`FAIL` line per
/// rule and per expected connection, each followed by the lines that explain
/// it, then the verdict; and the same as JUnit test cases.
///
///     FAIL no refused connections
///       #1 10.99.0.1.40127 → 10.99.0.2.9: refused (handshake refused, …)
///     check: 1 of 1 checks failed, 1 connection judged
public struct CheckReport: Sendable {
    public private(set) var lines: [String] = []
    public private(set) var cases: [JUnitReport.TestCase] = []

    /// How many checks failed.
    public var broken: Int { cases.filter { $0.failure != nil }.count }
    /// No connection was judged, and that was not allowed: a check that
    /// passes on nothing (a wrong interface, filter or `--server`) would
    /// turn a build green.
    public let judgedNothing: Bool

    /// The report; unless `allowsEmpty`, judging no connection is a failed check of its own.
    public init(verdicts: [RuleChecker.Verdict], comparisons: [ExpectedConnections.Comparison], connections: Int,
                allowsEmpty: Bool = false) {
        judgedNothing = connections == 0 && !allowsEmpty
        if judgedNothing {
            add("at least one connection judged", classname: "handshake.check.input",
                details: ["none: check the interface, the filter and --server, or give --allow-empty"],
                failure: "no connection was judged")
        }
        for verdict in verdicts {
            var details = verdict.offenders
            if verdict.unlisted > 0 { details.append("… and \(verdict.unlisted) more") }
            if let summary = verdict.summary { details.insert(summary, at: 0) }
            let message = verdict.summary ?? "\(verdict.offenders.count + verdict.unlisted) connection(s) broke it"
            add(verdict.rule.name, classname: "handshake.check.rules", details: details,
                failure: verdict.holds ? nil : message)
        }
        // JUnit names stay put from run to run, so CI history follows each
        // test: what changes (ids, ephemeral ports) goes in the body, and
        // connections of the same name are told apart by their order.
        var named: [String: Int] = [:]
        for comparison in comparisons {
            named[comparison.name, default: 0] += 1
            let ordinal = named[comparison.name, default: 1]
            add(comparison.line, testName: ordinal == 1 ? comparison.name : "\(comparison.name) [\(ordinal)]",
                classname: "handshake.check.expect",
                details: (comparison.seen.map { ["seen: \($0)"] } ?? []) + comparison.differences,
                printed: comparison.differences, failure: comparison.holds ? nil : "differs from the expectation")
        }
        let broken = broken
        let outcome = cases.isEmpty ? "no rule given" // --write-expect alone: nothing held or failed
            : broken == 0 ? "all \(cases.count) checks hold" : "\(broken) of \(cases.count) checks failed"
        lines.append("check: \(outcome), " + counted(connections, "connection") + " judged")
    }

    /// One check: printed as `line` with `printed` below it (its details,
    /// unless given), and a JUnit test case named `testName` (the line,
    /// unless given) whose failure holds the details.
    private mutating func add(_ line: String, testName: String? = nil, classname: String, details: [String],
                              printed: [String]? = nil, failure: String?) {
        lines.append((failure == nil ? "PASS " : "FAIL ") + line)
        lines += (printed ?? details).map { "  " + $0 }
        cases.append(JUnitReport.TestCase(classname: classname, name: testName ?? line,
                                          failure: failure.map { ($0, details) }, output: failure == nil ? details : []))
    }
}
