import Foundation
import Testing

/// What a tcpdump, tshark or Zeek user types and expects (issue 20): their
/// flags, machine formats that stay machine-readable, and a `check` that
/// does not pass on nothing.
struct ToolHabitTests {
    static func handshake(_ arguments: [String]) throws -> CommandLineTests.Outcome {
        try CommandLineTests.handshake(arguments)
    }

    /// Before: "Unknown option '-nn'" and "Unknown option '-rFixtures/refused.pcap'".
    @Test func tcpdumpFlagsAreTakenAsTcpdumpTakesThem() throws {
        let plain = try Self.handshake(["-r", "port-reuse.pcap"])
        #expect(plain.status == 0)
        for arguments in [["-nn", "-rport-reuse.pcap"], ["-n", "-r", "port-reuse.pcap"], ["-s0", "-rport-reuse.pcap"],
                          ["-s", "96", "-r", "port-reuse.pcap"], ["-c100", "-rport-reuse.pcap"]] {
            let outcome = try Self.handshake(arguments)
            #expect(outcome.status == 0, "\(arguments)")
            #expect(outcome.stdout == plain.stdout, "\(arguments)")
        }
        let counted = try Self.handshake(["-nn", "-rport-reuse.pcap", "-c2", "--format", "segments"])
        #expect(counted.stdout.split(separator: "\n").count == 2)
    }

    /// 22 packets: what `tcpdump -r port-reuse.pcap | wc -l` counts.
    @Test func verboseSaysWhatWasSeenOnStderr() throws {
        let outcome = try Self.handshake(["-v", "-r", "refused.pcap"])
        #expect(outcome.status == 0)
        #expect(outcome.stderr == "handshake: 2 packets read, 2 TCP segments, 1 connection (at most 1 open at once)\n")
        let port = try Self.handshake(["-vr", "port-reuse.pcap", "--format", "json"])
        #expect(port.stderr == "handshake: 22 packets read, 22 TCP segments, 2 connections (at most 1 open at once)\n")
        let listed = try Self.handshake(["-v", "-r", "port-reuse.pcap", "--format", "segments"])
        #expect(listed.stderr == "handshake: 22 packets read, 22 TCP segments\n")
    }

    @Test func versionAndHelpSayWhatIsAccepted() throws {
        let version = try Self.handshake(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout == "handshake 0.22.0\n")
        let help = try Self.handshake(["--help"])
        #expect(help.stdout.contains("tcpdump's flags that mean the same here are accepted: -r, -i, -c, -w, -s, -B"))
        #expect(help.stdout.contains("Those that print packets (-x, -X, -A, -e) are\nanswered with what to use instead (--format segments)"))
    }

    /// Before: the summary followed the records on stdout, and the first
    /// json.loads or zeek-cut of it failed.
    @Test(arguments: ["json", "zeek", "mermaid", "html"])
    func theSummaryOfAMachineFormatGoesToStderr(format: String) throws {
        let alone = try Self.handshake(["-r", "busy.pcap", "--format", format])
        let summary = try Self.handshake(["-r", "busy.pcap", "--format", "summary"])
        let both = try Self.handshake(["-r", "busy.pcap", "--format", format, "--summary"])
        #expect(both.status == 0)
        #expect(both.stdout == alone.stdout)
        #expect(both.stderr == summary.stdout)
    }

    @Test func theSummaryOfAFormatPeopleReadFollowsIt() throws {
        let alone = try Self.handshake(["-r", "busy.pcap", "--format", "table"])
        let summary = try Self.handshake(["-r", "busy.pcap", "--format", "summary"])
        let both = try Self.handshake(["-r", "busy.pcap", "--format", "table", "--summary"])
        #expect(both.stdout == alone.stdout + summary.stdout)
        #expect(both.stderr.isEmpty)
    }

    /// Before: "check: all 1 checks hold, 0 connections judged", exit 0: a
    /// wrong interface or filter turned a build green.
    @Test func checkFailsWhenItJudgedNothing() throws {
        let outcome = try Self.handshake(["check", "-r", "refused.pcap", "--fail-on", "reset", "port 1"])
        #expect(outcome.status == 13)
        #expect(outcome.stdout == """
            FAIL at least one connection judged
              none: check the interface, the filter and --server, or give --allow-empty
            PASS no reset connections
            check: 1 of 2 checks failed, 0 connections judged

            """)
        let allowed = try Self.handshake(["check", "-r", "refused.pcap", "--fail-on", "reset", "--server", "10.0.0.9",
                                          "--allow-empty"])
        #expect(allowed.status == 0)
        #expect(allowed.stdout == "PASS no reset connections\ncheck: all 1 checks hold, 0 connections judged\n")
    }

    /// tcpdump's packet-printing flags are answered with what to use
    /// instead; before, `-X` was an unknown option and `-w` into a missing
    /// directory named the path twice; `check --write-expect` alone said
    /// "all 0 checks hold" (issue 33).
    @Test func tcpdumpHabitsAreAnswered() throws {
        for flag in ["-X", "-x", "-A", "-e"] {
            let outcome = try Self.handshake(["-r", "refused.pcap", flag])
            #expect(outcome.status == 64)
            #expect(outcome.stderr.hasPrefix("Error: -x, -X, -A and -e print packets (their bytes, their link-layer "
                                             + "header) in tcpdump; handshake prints connections: --format segments "
                                             + "lists each TCP segment as tcpdump does\n"))
        }
        // An unknown option is named as such, with or without -r (it said "give either -r FILE or -i INTERFACE").
        for arguments in [["--frobnicate"], ["-r", "refused.pcap", "--frobnicate"]] {
            let unknown = try Self.handshake(arguments)
            #expect(unknown.status == 64)
            #expect(unknown.stderr.hasPrefix("Error: Unknown option '--frobnicate'\n"))
        }
        #expect(try Self.handshake([]).stderr.hasPrefix("Error: give either -r FILE or -i INTERFACE\n"))
        let missing = try Self.handshake(["-r", "refused.pcap", "-w", "/nonexistent/dir/x.pcap"])
        #expect(missing.status == 11)
        #expect(missing.stderr == "handshake: writing /nonexistent/dir/x.pcap: No such file or directory\n")
        let expect = FileManager.default.temporaryDirectory.appendingPathComponent("expect-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: expect) }
        let written = try Self.handshake(["check", "-r", "refused.pcap", "--write-expect", expect])
        #expect(written.status == 0)
        #expect(written.stdout == "check: no rule given, 1 connection judged\ncheck: wrote 1 connection to \(expect)\n")
    }

    /// The README's table of exit codes lists each code the tool uses, once.
    @Test func theReadmeListsEveryExitCode() throws {
        let readme = try String(contentsOf: CommandLineTests.fixtures.deletingLastPathComponent()
            .appendingPathComponent("README.md"), encoding: .utf8)
        let table = readme.components(separatedBy: "## Exit codes")[1].components(separatedBy: "\n## ")[0]
        let codes = table.split(separator: "\n").compactMap { line -> Int32? in
            guard line.hasPrefix("| ") else { return nil }
            return Int32(line.dropFirst(2).prefix { $0 != " " })
        }
        #expect(codes == [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 64])
        let source = try String(contentsOf: CommandLineTests.fixtures.deletingLastPathComponent()
            .appendingPathComponent("Sources/handshake/ExitStatus.swift"), encoding: .utf8)
        let declared = source.split(separator: "\n").compactMap { line -> Int32? in
            guard line.contains("case "), let equals = line.firstIndex(of: "=") else { return nil }
            return Int32(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces))
        }
        #expect(declared == codes)
    }

    /// Before: nine lines listing the formats one per line.
    @Test func aWrongFormatIsOneLine() throws {
        let outcome = try Self.handshake(["-r", "refused.pcap", "--format", "jsno"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.split(separator: "\n").first.map(String.init) == "Error: The value 'jsno' is invalid for '--format <format>': "
                + "give one of transitions, table, conv, json, zeek, ladder, steps, mermaid, html, summary, segments")
    }

    /// Before: "Missing value for '-c'": -5 was taken for an option.
    @Test(arguments: [(["-c", "-5"], "Error: -c must be positive, not -5"),
                      (["--msl", "-1"], "Error: --msl must be positive and at most 86400 seconds, not -1.0"),
                      (["--max-connections", "-3"], "Error: --max-connections must be from 1 to 100000000 connections, not -3")])
    func aNegativeNumberIsOutOfRangeNotMissing(arguments: [String], error: String) throws {
        let outcome = try Self.handshake(["-r", "refused.pcap"] + arguments)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.split(separator: "\n").first.map(String.init) == error)
    }

    @Test func aSelectionThatMatchesNothingSaysSo() throws {
        let endpoint = try Self.handshake(["-r", "refused.pcap", "--conn", "10.0.0.9"])
        #expect(endpoint.status == 0)
        #expect(endpoint.stdout.isEmpty)
        #expect(endpoint.stderr == "handshake: no connection matched --conn 10.0.0.9\n")
        let id = try Self.handshake(["-r", "refused.pcap", "--connection", "7", "--format", "json"])
        #expect(id.stderr == "handshake: no connection matched --connection 7\n")
        let found = try Self.handshake(["-r", "refused.pcap", "--connection", "7438428579564337"])
        #expect(found.stderr.isEmpty)
    }

    /// `--color auto` on a terminal (a pseudo-terminal from script(1)):
    /// colours, unless NO_COLOR (no-color.org) or TERM=dumb says otherwise.
    @Test(arguments: [([String](), true), (["NO_COLOR=1"], false), (["TERM=dumb"], false), (["NO_COLOR="], true)])
    func colorsFollowTheTerminalAndTheEnvironment(environment: [String], colored: Bool) throws {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        // A clean environment: the test runner's may hold NO_COLOR itself.
        let command = (["env", "-i", "TERM=xterm"] + environment + [bundle.appendingPathComponent("handshake").path, "-r",
                                                               "refused.pcap"]).joined(separator: " ")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = CommandLineTests.fixtures
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text.contains("client"))
        #expect(text.contains("\u{1B}[") == colored, "\(environment)")
    }

    /// `analyze -i` stops by itself after --duration, as `check -i` did; a
    /// bare number is seconds.
    @Test func liveAnalysisStopsAfterItsDuration() throws {
        let started = Date()
        let outcome = try Self.handshake(["-i", "lo", "--duration", "0.5", "tcp port 9"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    /// `--where` works in every format that tracks connections and in
    /// `check`: port-reuse.pcap's two connections differ in the client's
    /// final state, so each format shows the second one only.
    @Test(arguments: ["transitions", "table", "json", "zeek", "ladder", "steps", "mermaid"])
    func whereKeepsTheSameConnectionInEveryFormat(format: String) throws {
        // Zeek's rows are not handshake's connections: --where needs the records' rows.
        let options = ["--format", format] + (format == "zeek" ? ["--no-zeek-timers"] : [])
        let both = try Self.handshake(["-r", "port-reuse.pcap"] + options)
        let second = try Self.handshake(["-r", "port-reuse.pcap", "--conn", "10.99.0.1",
                                         "--where", "client_state == TIME_WAIT"] + options)
        let byID = try Self.handshake(["-r", "port-reuse.pcap", "--connection", "6453179011550871"] + options)
        #expect(second.status == 0)
        #expect(second.stdout == byID.stdout)
        #expect(second.stdout != both.stdout)
    }

    /// Zeek's timers split and join connections, so a record's --where cannot choose Zeek's rows.
    /// tshark's `-d udp.port==N,KIND`: anything else is a usage error naming what it takes.
    @Test(arguments: ["udp.port==4789,foo", "tcp.port==4789,vxlan", "udp.port==0,vxlan", "udp.port==70000,vxlan",
                      "udp.port==4789", "udp.port==4789,mpls"])
    func decodeAsTakesOnlyUDPTunnels(value: String) throws {
        let outcome = try Self.handshake(["-r", "refused.pcap", "-d", value])
        #expect(outcome.status == 64)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.hasPrefix("Error: The value '\(value)' is invalid for '-d <udp.port==N,KIND>': -d takes "
                                         + "udp.port==N,KIND with KIND one of vxlan, geneve, gtp-u, teredo, ayiya, "
                                         + "gre-in-udp, not \(value)\n"))
        let accepted = try Self.handshake(["-r", "refused.pcap", "-d", "udp.port==47101,geneve"])
        #expect(accepted.status == 0)
    }

    @Test func whereWithZeeksTimersSaysWhatToDo() throws {
        let outcome = try Self.handshake(["-r", "port-reuse.pcap", "--format", "zeek", "--where", "close == fin"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix("Error: --where and --connection choose handshake's connections; the zeek "
                                         + "format logs Zeek's (its timers split and join them): add --no-zeek-timers, "
                                         + "or choose by --conn"))
        let byEndpoint = try Self.handshake(["-r", "port-reuse.pcap", "--format", "zeek", "--conn", "10.99.0.2:8004"])
        #expect(byEndpoint.status == 0)
        #expect(byEndpoint.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.count == 2)
    }

    @Test func checkJudgesOnlyWhatWhereKeeps() throws {
        let outcome = try Self.handshake(["check", "-r", "busy.pcap", "--where", "client.port < 1024",
                                          "--expect-connections", "0", "--allow-empty"])
        let all = try Self.handshake(["check", "-r", "busy.pcap", "--where", "server.port == 8006",
                                      "--expect-connections", "100"])
        #expect(all.status == 0)
        #expect(outcome.stdout.hasSuffix("0 connections judged\n"))
        let typo = try Self.handshake(["check", "-r", "busy.pcap", "--where", "sever.port == 1", "--fail-on", "reset"])
        #expect(typo.status == 64)
        #expect(typo.stderr.hasPrefix("Error: The value 'sever.port == 1' is invalid for '--where <expression>': "
                                      + "unknown field 'sever.port'; fields: id, "))
    }
}
