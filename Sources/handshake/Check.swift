import ArgumentParser
import Assertions
import Foundation
import Report
import Tracker

/// `handshake check`: fail a CI build on what a capture shows. Exit 0 when
/// every rule holds, 1 when one is broken, and the usual codes for bad input.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Judge a capture against rules; exit 1 if any is broken.",
        discussion: """
            Every rule is checked on every connection (limited to one server with --server); each \
            broken rule is printed with the connections that broke it, one line each.

            Examples:
              handshake check -r ci.pcap --fail-on refused,unanswered,reset,half-open
              handshake check -r ci.pcap --server 10.0.0.2:5432 --expect-connections 3
              handshake check -r ci.pcap --expect expected.json --junit handshake.xml
              handshake check -i lo --duration 10s --fail-on reset 'tcp port 8080'
            """)

    @OptionGroup var capture: CaptureOptions

    @Option(help: ArgumentHelp("Fail if any connection is one of: "
                               + Failure.allCases.map(\.rawValue).joined(separator: ", ") + ".",
                               valueName: "failures"))
    var failOn: FailureList?

    @Option(help: ArgumentHelp("Fail if a handshake (SYN to the client's ACK) takes longer, e.g. 50ms.",
                               valueName: "duration"))
    var maxHandshakeRtt: DurationArgument?

    @Option(help: ArgumentHelp("Fail unless exactly this many connections are seen.", valueName: "count"))
    var expectConnections: Int?

    @Option(help: ArgumentHelp("Fail unless every connection closes this way: fin (FIN either way, crossing "
                               + "included), simultaneous, rst or none; several with commas.", valueName: "close"))
    var expectClose: CloseList?

    @Option(help: ArgumentHelp("Judge only connections to this server: HOST:PORT, [IPv6]:PORT or HOST.",
                               valueName: "endpoint"))
    var server: String?

    @Option(help: ArgumentHelp("Compare with the connections a JSON file expects.", valueName: "file"))
    var expect: String?

    @Option(help: ArgumentHelp("Write the connections seen as an expect file to edit.", valueName: "file"))
    var writeExpect: String?

    @Option(help: ArgumentHelp("Also write the result as JUnit XML.", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Live capture: stop after this long (e.g. 10s) and judge; otherwise at Ctrl-C.",
                               valueName: "duration"))
    var duration: DurationArgument?

    func validate() throws {
        try capture.requireInput()
        if let server, ConnectionSelection<JSONLines>.Criterion(endpoint: server) == nil {
            throw ValidationError("--server needs HOST:PORT, [IPv6]:PORT or HOST, not '\(server)'")
        }
        if let expectConnections, expectConnections < 0 { throw ValidationError("--expect-connections needs a count") }
        if duration != nil, !capture.isLive { throw ValidationError("--duration is for live capture (-i)") }
        if rules.isEmpty, expect == nil, writeExpect == nil {
            throw ValidationError("give at least one rule (--fail-on, --max-handshake-rtt, --expect-connections, "
                                  + "--expect-close) or --expect / --write-expect")
        }
    }

    var rules: [CheckRule] {
        var rules = (failOn?.failures ?? []).map(CheckRule.failOn)
        if let limit = maxHandshakeRtt { rules.append(.maximumHandshakeRTT(limit.nanoseconds)) }
        if let expectConnections { rules.append(.expectConnections(expectConnections)) }
        if let expectClose { rules.append(.expectClose(expectClose.closes)) }
        return rules
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        do {
            try judge()
        } catch let failure as CommandFailure {
            Diagnostics.say(failure.description)
            throw failure.status.exitCode
        }
    }

    private func judge() throws {
        let started = Date()
        let expected = try expect.map(Self.readExpectation)
        let output = LineOutput(fd: STDOUT_FILENO)
        let checker = RuleChecker(rules: rules, server: server.flatMap { .init(endpoint: $0) },
                                  keepsRecords: expect != nil || writeExpect != nil)
        let judged = try capture.track(checker, output: output, duration: duration.map { Double($0.nanoseconds) / 1e9 })

        var cases: [JUnitReport.TestCase] = []
        for verdict in judged.results {
            var details = verdict.offenders
            if verdict.unlisted > 0 { details.append("… and \(verdict.unlisted) more") }
            if let summary = verdict.summary { details.insert(summary, at: 0) }
            output.writeLine((verdict.holds ? "PASS " : "FAIL ") + verdict.rule.name)
            for line in details { output.writeLine("  " + line) }
            let message = verdict.summary ?? "\(verdict.offenders.count + verdict.unlisted) connection(s) broke it"
            cases.append(JUnitReport.TestCase(classname: "handshake.check.rules", name: verdict.rule.name,
                                              failure: verdict.holds ? nil : (message, details)))
        }
        for comparison in expected?.compare(with: judged.records) ?? [] {
            output.writeLine((comparison.holds ? "PASS " : "FAIL ") + comparison.name)
            for line in comparison.differences { output.writeLine("  " + line) }
            cases.append(JUnitReport.TestCase(classname: "handshake.check.expect", name: comparison.name,
                                              failure: comparison.holds ? nil : ("differs from the expectation",
                                                                                 comparison.differences)))
        }
        let broken = cases.filter { $0.failure != nil }.count
        output.writeLine("check: " + (broken == 0 ? "all \(cases.count) checks hold" : "\(broken) of \(cases.count) checks failed")
            + ", \(judged.connections) connection\(judged.connections == 1 ? "" : "s") judged")
        output.flush()

        if let writeExpect {
            try Self.write(try ExpectedConnections(records: judged.records).encoded(), to: writeExpect)
        }
        if let junit {
            let elapsed = (Date().timeIntervalSince(started) * 1000).rounded() / 1000
            let xml = JUnitReport.xml(suite: "handshake check", cases: cases, seconds: elapsed)
            try Self.write(Data(xml.utf8), to: junit)
        }
        if broken > 0 { throw ExitStatus.ruleBroken.exitCode }
    }

    private static func readExpectation(_ path: String) throws(CommandFailure) -> ExpectedConnections {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure(.cannotOpenFile, "cannot open \(path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(ExpectedConnections.self, from: data)
        } catch {
            throw CommandFailure(.badExpectation, "\(path) is not an expect file: \(Self.describe(error))")
        }
    }

    /// JSONDecoder's errors, in one line.
    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\"" + (context.codingPath.isEmpty ? "" : " in "
                + context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "."))
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at " + context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
                .joined(separator: ".")
        case DecodingError.dataCorrupted:
            return "not valid JSON"
        default:
            return "\(error)"
        }
    }

    private static func write(_ data: Data, to path: String) throws(CommandFailure) {
        do {
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure(.writeFailed, "writing \(path): \(error.localizedDescription)")
        }
    }
}

/// `--fail-on refused,reset`.
struct FailureList: ExpressibleByArgument {
    var failures: [Failure]
    init?(argument: String) {
        let parts = argument.split(separator: ",").map { Failure(rawValue: String($0)) }
        guard !parts.isEmpty, !parts.contains(where: { $0 == nil }) else { return nil }
        failures = parts.compactMap { $0 }
    }
}

/// `--expect-close fin,rst`; `fin` includes crossing FINs.
struct CloseList: ExpressibleByArgument {
    var closes: Set<CloseOutcome>
    init?(argument: String) {
        var closes = Set<CloseOutcome>()
        for part in argument.split(separator: ",") {
            guard let close = CloseOutcome(rawValue: String(part)) else { return nil }
            closes.insert(close)
            if close == .fin { closes.insert(.simultaneous) }
        }
        guard !closes.isEmpty else { return nil }
        self.closes = closes
    }
}

/// `50ms`, `1.5s`, `200us`.
struct DurationArgument: ExpressibleByArgument {
    var nanoseconds: Int64
    init?(argument: String) {
        guard let value = Assertions.Duration.nanoseconds(argument) else { return nil }
        nanoseconds = value
    }
}
