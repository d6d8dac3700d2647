import ArgumentParser
import Assertions
import Capture
import Foundation
import Pipeline
import Report
import Tracker
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    @Option(parsing: .unconditional, help: ArgumentHelp("Fail if a handshake (the last SYN to the client's ACK, tshark's "
                                                        + "initial RTT) takes longer, e.g. 50ms.", valueName: "duration"))
    var maxHandshakeRtt: DurationArgument?

    @Option(parsing: .unconditional, help: ArgumentHelp("Fail if a client's connect (its first SYN to its ESTABLISHED, lost "
                                                        + "SYNs included) takes longer, e.g. 1s.", valueName: "duration"))
    var maxConnectTime: DurationArgument?

    @Option(parsing: .unconditional, help: ArgumentHelp("Fail unless exactly this many connections are seen.", valueName: "count"))
    var expectConnections: Int?

    @Option(help: ArgumentHelp("Fail unless every connection closes this way: fin (FIN either way, crossing "
                               + "included), simultaneous, rst or none; several with commas.", valueName: "close"))
    var expectClose: CloseList?

    @Option(help: ArgumentHelp("Judge only connections to this server: HOST:PORT, [IPv6]:PORT or HOST.",
                               valueName: "endpoint"))
    var server: String?

    @Option(name: .customLong("where"), help: ArgumentHelp(
        "Judge only connections whose record satisfies this (as for analyze), e.g. 'server.port == 5432'.",
        valueName: "expression"), transform: RecordFilter.argument)
    var filter: RecordFilter?

    @Option(help: ArgumentHelp("Compare with the connections a JSON file expects.", valueName: "file"))
    var expect: String?

    @Option(help: ArgumentHelp("Write the connections seen as an expect file to edit.", valueName: "file"))
    var writeExpect: String?

    @Option(help: ArgumentHelp("How much --write-expect pins: outcome (per server: how many connections ended how, "
                               + "reusable across runs of a workload), states (per connection: outcomes and final "
                               + "states), or transitions (per connection: every state; the default).",
                               valueName: "level"))
    var writeExpectLevel: ExpectedConnections.Connection.Level = .transitions

    @Option(help: ArgumentHelp("Also write the result as JUnit XML.", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Also write the HTML report (as --format html) with the verdicts at its top.",
                               valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Judge connection records (--format json of shards, runs or sensors) instead of "
                               + "packets; repeat for several files, '-' for standard input.", valueName: "file"))
    var records: [String] = []

    @Flag(help: ArgumentHelp("Pass when no connection is judged; otherwise that fails (exit 13), so a wrong "
                             + "interface, filter or --server does not pass unnoticed."))
    var allowEmpty = false

    func validate() throws {
        if records.isEmpty {
            try capture.requireInput()
        } else if !capture.read.isEmpty || capture.isLive {
            throw ValidationError("give --records or packets (-r, -i), not both")
        }
        if let server, ConnectionCriterion(endpoint: server) == nil {
            throw ValidationError(ConnectionCriterion.usageError("--server", server))
        }
        if writeExpect == nil, writeExpectLevel != .transitions {
            throw ValidationError("--write-expect-level goes with --write-expect")
        }
        if let expectConnections, expectConnections < 0 { throw ValidationError("--expect-connections must be 0 or more, not \(expectConnections)") }
        if rules.isEmpty, expect == nil, writeExpect == nil {
            throw ValidationError("give at least one rule (--fail-on, --max-handshake-rtt, --max-connect-time, "
                                  + "--expect-connections, --expect-close) or --expect / --write-expect")
        }
    }

    var rules: [CheckRule] {
        var rules = (failOn?.failures ?? []).map(CheckRule.failOn)
        if let limit = maxHandshakeRtt { rules.append(.maximumHandshakeRTT(limit.nanoseconds)) }
        if let limit = maxConnectTime { rules.append(.maximumConnectTime(limit.nanoseconds)) }
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

    private static func judge<Renderer: ConnectionRenderer>(_ pipeline: Pipeline, _ renderer: Renderer,
                                                            _ output: LineOutput) throws(CommandFailure) -> Renderer {
        do throws(CaptureError) {
            return try pipeline.track(renderer, to: output)
        } catch {
            throw CommandFailure(error)
        }
    }

    private static func judge<Renderer: ConnectionRenderer>(records: [String], _ renderer: Renderer,
                                                            _ output: LineOutput) throws(CommandFailure) -> Renderer {
        do throws(RecordMerge.Failure) {
            return try RecordMerge(paths: records).track(renderer, to: output)
        } catch {
            throw CommandFailure(error)
        }
    }

    private func judge() throws {
        let started = Date()
        let expected = try expect.map(Self.readExpectation)
        // Opened before the capture is read: a path that cannot be written
        // fails at once, not after minutes of reading.
        let expectFile = try writeExpect.map { path throws(CommandFailure) in try OutputFile(path: path) }
        let htmlFile = try html.map { path throws(CommandFailure) in try OutputFile(path: path) }
        let output = LineOutput(fd: STDOUT_FILENO)
        let checker = RuleChecker(rules: rules, server: server.flatMap { .init(endpoint: $0) }, filter: filter,
                                  expectation: expected,
                                  expectFile: expectFile.map { ExpectFileWriter(to: $0.lines, level: writeExpectLevel) })
        // Records hold no segments to draw ladders from.
        var report = HTMLReport(detailLimit: records.isEmpty ? 100 : 0)
        report.writesAtEnd = false
        let judged: RuleChecker
        do throws(CommandFailure) {
            if !records.isEmpty {
                (judged, report) = try Self.judge(records: records, RendererPair(checker, report), output).parts
            } else if htmlFile != nil {
                (judged, report) = try Self.judge(capture.pipeline(), RendererPair(checker, report), output).parts
            } else {
                judged = try Self.judge(capture.pipeline(), checker, output)
            }
        } catch {
            // The expect file holds, as valid JSON, what was read before the failure.
            try? expectFile?.finish()
            throw error
        }
        try expectFile?.finish()

        let verdict = CheckReport(verdicts: judged.results, comparisons: judged.expectation?.comparisons ?? [],
                                  connections: judged.connections, allowsEmpty: allowEmpty)
        for line in verdict.lines { output.write(line) }
        if let writeExpect { output.write("check: wrote " + counted(judged.connections, "connection") + " to \(writeExpect)") }
        output.flush()
        try CommandFailure.check(output)

        if let htmlFile {
            let page = report.page(check: verdict.cases.map {
                HTMLReport.CheckResult(name: $0.name, holds: $0.failure == nil, details: $0.failure?.details ?? [])
            })
            for line in page { htmlFile.lines.write(line) }
            try htmlFile.finish()
        }
        if let junit {
            let elapsed = (Date().timeIntervalSince(started) * 1000).rounded() / 1000
            let file = try OutputFile(path: junit)
            for line in JUnitReport.lines(suite: "handshake check", cases: verdict.cases, seconds: elapsed) {
                file.lines.write(line)
            }
            try file.finish()
        }
        if verdict.judgedNothing { throw ExitStatus.nothingJudged.exitCode }
        if verdict.broken > 0 { throw ExitStatus.ruleBroken.exitCode }
    }

    private static func readExpectation(_ path: String) throws(CommandFailure) -> ExpectedConnections {
        do throws(ExpectationFileError) {
            return try ExpectedConnections(contentsOf: path)
        } catch {
            switch error {
            case .cannotOpen: throw CommandFailure(.cannotOpenFile, error.description)
            case .notAnExpectFile: throw CommandFailure(.badExpectation, error.description)
            }
        }
    }
}

/// `--fail-on refused,reset`.
struct FailureList: ExpressibleByArgument {
    var failures: [Failure]
    init?(argument: String) {
        let parts = argument.split(separator: ",").map { Failure(word: $0) }
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

/// `50ms`, `1.5s`, `200us`, `2` (seconds).
struct DurationArgument: ExpressibleByArgument {
    var nanoseconds: Int64
    /// As it was given, for messages.
    var text: String
    init?(argument: String) {
        guard let value = DurationText.nanoseconds(argument) else { return nil }
        nanoseconds = value
        text = argument
    }
}
extension ExpectedConnections.Connection.Level: ExpressibleByArgument {}
