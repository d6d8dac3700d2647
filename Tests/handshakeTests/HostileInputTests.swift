import Foundation
import Testing

/// Inputs built to hurt (issue 31's probe): each once trapped, hung, grew
/// without bound or lost data silently. Expectations come from what the
/// docs promise (Docs/DESIGN.md, the README's exit-code table).
struct HostileInputTests {
    /// One connection whose every packet came under another MPLS label
    /// once grew its path a layer a packet and interned every step: 12,000
    /// packets took 18.7 s and 4.5 GB. Now the record names the first
    /// eight layers and counts the rest, in time linear in the packets.
    @Test func aConnectionUnderEverChangingLabelsStaysSmall() throws {
        func run(_ count: Int) throws -> (CommandLineTests.Outcome, Duration) {
            let path = try CommandLineTests.temporary(HostileCaptures.connectionUnderChangingLabels(count: count))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let start = ContinuousClock.now
            let outcome = try CommandLineTests.handshake(["-r", path, "--format", "json"])
            return (outcome, ContinuousClock.now - start)
        }
        let (outcome, elapsed) = try run(12_000)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let record = try #require(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect(record["encapsulation"] as? [String] == (16..<24).map { "mpls label \($0)" })
        #expect(record["encapsulation_unlisted_segments"] as? Int == 12_000 - 8)
        // Linear: ten times the packets, well under ten times the time (startup included).
        // Quadratic, it was a hundred times (1,200 packets 0.17 s, 12,000 17.6 s, release).
        let (_, tenth) = try run(1_200)
        #expect(elapsed < tenth * 20, "\(elapsed) against \(tenth)")
        let path = try CommandLineTests.temporary(HostileCaptures.connectionUnderChangingLabels(count: 12_000))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for format in ["zeek", "summary", "table"] {
            #expect(try CommandLineTests.handshake(["-r", path, "--format", format, "-j", "2"]).status == 0)
        }
    }

    /// The count travels through `merge` as it was written.
    @Test func mergeReadsTheUnlistedCountBack() throws {
        let path = try CommandLineTests.temporary(HostileCaptures.connectionUnderChangingLabels(count: 20))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let json = try CommandLineTests.handshake(["-r", path, "--format", "json"]).stdout
        let records = try CommandLineTests.temporary(Data(json.utf8))
        defer { try? FileManager.default.removeItem(atPath: records) }
        let merged = try CommandLineTests.handshake(["merge", "--format", "json", records])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == json)
        #expect(json.contains("\"encapsulation_unlisted_segments\":12}"))
    }

    /// rst-abort.pcap's one record, as `--format json` writes it.
    static func record() throws -> String {
        try CommandLineTests.handshake(["-r", "rst-abort.pcap", "--format", "json"]).stdout
    }

    /// `record()` with `old` replaced by `new`, in a file.
    static func edited(_ old: String, _ new: String) throws -> String {
        let line = try record()
        #expect(line.contains(old))
        return try CommandLineTests.temporary(Data(line.replacingOccurrences(of: old, with: new).utf8))
    }

    /// Well-formed records whose numbers overflowed a sum or a difference
    /// trapped (exit 132) in every format and in `check`; each number is
    /// now checked where it is read, and the file, line and field named.
    @Test(arguments: [
        ("\"first_seen\":1796135864.489235", "\"first_seen\":9223372036.999999999",
         "first_seen is not a time in seconds from 0 to 4294967296"),
        ("\"last_seen\":1796135864.539577", "\"last_seen\":9223372036",
         "last_seen is not a time in seconds from 0 to 4294967296"),
        ("\"last_seen\":1796135864.539577", "\"last_seen\":1796135863",
         "last_seen is before first_seen"),
        ("\"syn_synack\":0.000023", "\"syn_synack\":9223372036",
         "rtt.syn_synack is not a time in seconds from 0 to 4294967296"),
        ("\"syn_synack\":0.000023", "\"syn_synack\":-1",
         "rtt.syn_synack is not a time in seconds from 0 to 4294967296"),
        ("\"syn_retransmissions\":0", "\"syn_retransmissions\":9223372036854775807",
         "syn_retransmissions is not a whole number from 0 to 4294967295"),
        ("\"client_packets\":4", "\"client_packets\":9223372036854775807",
         "client_packets is not a whole number from 0 to 9007199254740992"),
        ("\"anomalies\":[]", "\"anomalies\":[{\"kind\":\"retransmission\",\"from\":\"client\",\"first_seen\":1796135864.5,"
         + "\"count\":9223372036854775807}]", "anomalies.0.count is not a whole number from 0 to 4294967295"),
        // A tab or a newline in a Zeek field would forge conn.log's columns and rows.
        ("\"zeek_history\":\"ShADaR\"", "\"zeek_history\":\"Sh\\tx\\n#fake\"", "zeek_history is not Zeek's history letters"),
        ("\"zeek_conn_state\":\"RSTO\"", "\"zeek_conn_state\":\"RSTO\\t1\"",
         "zeek_conn_state is not one of S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH"),
    ])
    func aNumberPastItsRangeIsNamed(old: String, new: String, reason: String) throws {
        let path = try Self.edited(old, new)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let message = "handshake: \(path), line 1: not a connection record: \(reason)\n"
        for format in ["summary", "table", "json", "zeek", "html"] {
            let outcome = try CommandLineTests.handshake(["merge", "--format", format, path])
            #expect(outcome.status == 14, "\(format)")
            #expect(outcome.stderr == message, "\(format)")
        }
        for rule in [["--fail-on", "reset"], ["--max-handshake-rtt", "1ms"], ["--fail-on", "reset", "--where", "rtt > 1ms"]] {
            let outcome = try CommandLineTests.handshake(["check", "--records", path] + rule)
            #expect(outcome.status == 14)
            #expect(outcome.stderr == message)
        }
    }

    /// A 20 KB line of `[` overflowed the parser's stack (SIGSEGV).
    @Test func deepNestingIsNamed() throws {
        let path = try CommandLineTests.temporary(Data(String(repeating: "[", count: 20_000).utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for arguments in [["merge", path], ["check", "--records", path, "--fail-on", "reset"]] {
            let outcome = try CommandLineTests.handshake(arguments)
            #expect(outcome.status == 14)
            #expect(outcome.stderr == "handshake: \(path), line 1: not a connection record: not JSON at character 65: "
                    + "lists and objects nested deeper than 64\n")
        }
    }

    /// `--where` with 30,000 nested parentheses overflowed the stack in analyze, merge and check.
    @Test func deepWhereIsAUsageError() throws {
        let records = try CommandLineTests.temporary(Data(try Self.record().utf8))
        defer { try? FileManager.default.removeItem(atPath: records) }
        let deep = String(repeating: "(", count: 30_000) + "close == fin" + String(repeating: ")", count: 30_000)
        for arguments in [["-r", "rst-abort.pcap"], ["merge", records], ["check", "--records", records]] {
            let outcome = try CommandLineTests.handshake(arguments + ["--where", deep])
            #expect(outcome.status == 64)
            #expect(outcome.stderr.contains("nests parentheses and 'not' deeper than 64"))
        }
    }

    /// What other tools write is read: CRLF line ends (a file saved on
    /// Windows), and jq's numbers (`jq -c .` writes 2.3e-05).
    @Test func crlfAndExponentsAreRead() throws {
        let line = try Self.record()
        let crlf = try CommandLineTests.temporary(Data((line.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n").utf8))
        let jq = try Self.edited("\"syn_synack\":0.000023", "\"syn_synack\":2.3e-05")
        let scaled = try Self.edited("\"first_seen\":1796135864.489235", "\"first_seen\":1.796135864489235E+9")
        defer { for path in [crlf, jq, scaled] { try? FileManager.default.removeItem(atPath: path) } }
        for path in [crlf, jq, scaled] {
            let outcome = try CommandLineTests.handshake(["merge", "--format", "json", path])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout == line)
        }
    }

    /// A sanitizer reserves terabytes of address space for its shadow
    /// memory, so it cannot start under `ulimit -v` (`make sanitize`).
    static let runsUnderASanitizer = ["__asan_init", "__tsan_init"].contains { (name: String) in dlsym(nil, name) != nil }

    /// Under a memory limit, a 300 MB line made getline fail as at the
    /// end of the file: `merge` wrote the record before it and exited 0.
    @Test(.enabled(if: !runsUnderASanitizer, "a sanitizer cannot start under ulimit -v"))
    func aReadThatFailsIsAnError() throws {
        let directory = try MergeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("huge.ndjson").path
        let line = try Self.record()
        FileManager.default.createFile(atPath: path, contents: Data(line.utf8))
        let file = try #require(FileHandle(forWritingAtPath: path))
        try file.seekToEnd()
        let block = Data(repeating: 0x20, count: 1 << 20)
        for _ in 0..<300 { file.write(block) }
        file.write(Data(("\n" + line).utf8))
        try file.close()
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("handshake").path
        let (status, output) = try ScriptRunner.run("/bin/bash", ["-c", "ulimit -v 400000; exec '\(executable)' merge '\(path)' 2>&1 >/dev/null"])
        #expect(status == 3)
        #expect(output == "handshake: reading \(path), line 2: Cannot allocate memory\n")
    }

    /// A damaged file among several stopped the run there, and the intact
    /// files after it were never read nor named. Now every file is read,
    /// every damaged one named, and the exit says damage (5).
    @Test func filesAfterADamagedOneAreRead() throws {
        let whole = try Data(contentsOf: CommandLineTests.fixtures.appendingPathComponent("ipv4-loopback.pcap"))
        let damaged = try CommandLineTests.temporary(whole.prefix(150))
        let text = try CommandLineTests.temporary(Data("hello, this is not a capture\n".utf8))
        defer { for path in [damaged, text] { try? FileManager.default.removeItem(atPath: path) } }
        let outcome = try CommandLineTests.handshake(["-r", damaged, "-r", "refused.pcap", "-r", text, "-r", "half-close.pcap",
                                                      "--format", "summary"])
        #expect(outcome.status == 4)
        #expect(outcome.stderr == "handshake: \(damaged) is truncated: it ends inside a record at byte 114, after 1 packets\n"
                + "handshake: \(text) is not a pcap or pcapng capture: unknown magic 0x68656c6c\n")
        // The damaged file's SYN, refused.pcap's refusal, half-close.pcap's connection.
        #expect(outcome.stdout.hasPrefix("connections          3\n"))
        let threads = try CommandLineTests.handshake(["-r", damaged, "-r", "refused.pcap", "-r", "half-close.pcap",
                                                      "--format", "summary", "-j", "2"])
        #expect(threads.status == 5)
        #expect(threads.stdout == outcome.stdout)
    }

    /// A control character in an argument echoed raw could recolour the
    /// terminal or forge a line; it is written as Zeek writes one, `\x1b`.
    @Test func controlCharactersInArgumentsAreEscaped() throws {
        let escape = "\u{1B}[31m"
        let missing = try CommandLineTests.handshake(["-r", "a\(escape)b.pcap"])
        #expect(missing.status == 3)
        #expect(missing.stderr == "handshake: cannot open a\\x1b[31mb.pcap: No such file or directory\n")
        let filter = try CommandLineTests.handshake(["-r", "refused.pcap", "--where", "id == \(escape)"])
        #expect(filter.status == 64)
        #expect(filter.stderr.hasPrefix("Error: The value 'id == \\x1b[31m' is invalid for '--where <expression>'"))
        let decodeAs = try CommandLineTests.handshake(["-r", "refused.pcap", "-d", "udp.port==1,\(escape)\n"])
        #expect(decodeAs.status == 64)
        #expect(!decodeAs.stderr.contains("\u{1B}"))
        #expect(decodeAs.stderr.contains("udp.port==1,\\x1b[31m\\x0a"))
    }
}
