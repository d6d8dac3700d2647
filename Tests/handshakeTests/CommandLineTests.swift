import Foundation
import Testing

/// The executable end to end: what a user types, what comes out, and the
/// exit code, for success and for every kind of bad input.
struct CommandLineTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the built `handshake` next to this test bundle.
    static func handshake(_ arguments: [String], stdin: FileHandle? = nil, as user: String? = nil) throws -> Outcome {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let executable = bundle.appendingPathComponent("handshake").path
        let process = Process()
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.currentDirectoryURL = fixtures
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin { process.standardInput = stdin }
        try process.run()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                       stderr: String(decoding: stderrData, as: UTF8.self))
    }

    static func temporary(_ data: Data) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).pcap")
        try data.write(to: url)
        return url.path
    }

    @Test func segmentsOfAFixture() throws {
        let outcome = try Self.handshake(["-r", "ipv4-loopback.pcap", "--format", "segments"])
        #expect(outcome.status == 0)
        #expect(outcome.stderr == "")
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.count == 11)
        // tcpdump -S -nn -tt prints this first line the same way, options aside.
        let expected = "1796135852.837989 IP 127.0.0.1.57766 > 127.0.0.1.8080: Flags [S], seq 3002933686, "
            + "win 65495, options [mss 65495,sackOK,TS val 3260545780 ecr 0,wscale 10], length 0"
        #expect(lines.first.map(String.init) == expected)
    }

    @Test func filterAndCount() throws {
        let outcome = try Self.handshake(["-r", "ipv4-loopback.pcap", "--format", "segments", "-c", "1", "tcp[13]", "&", "1", "!=", "0"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.split(separator: "\n").count == 1)
        #expect(outcome.stdout.contains("Flags [F.]"))
    }

    @Test func standardInput() throws {
        let file = try FileHandle(forReadingFrom: Self.fixtures.appendingPathComponent("ipv6-loopback.pcap"))
        let outcome = try Self.handshake(["-r", "-", "--format", "segments"], stdin: file)
        #expect(outcome.status == 0)
        #expect(outcome.stdout.split(separator: "\n").count == 11)
    }

    @Test func severalFilesInOrder() throws {
        let outcome = try Self.handshake(["-r", "ipv4-loopback.pcap", "-r", "ipv6-loopback.pcap", "--format", "segments"])
        #expect(outcome.stdout.split(separator: "\n").count == 22)
    }

    @Test func writeCopiesThePackets() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("w-\(UUID().uuidString).pcap").path
        _ = try Self.handshake(["-r", "veth-ethernet.pcap", "-w", output])
        let reread = try Self.handshake(["-r", output, "--format", "segments"])
        let original = try Self.handshake(["-r", "veth-ethernet.pcap", "--format", "segments"])
        #expect(reread.stdout == original.stdout)
        #expect(reread.stdout.split(separator: "\n").count == 11)
    }

    @Test func missingFile() throws {
        let outcome = try Self.handshake(["-r", "nope.pcap"])
        #expect(outcome.status == 3)
        #expect(outcome.stderr == "handshake: cannot open nope.pcap: No such file or directory\n")
    }

    @Test func notACapture() throws {
        let path = try Self.temporary(Data("hello\n".utf8))
        let outcome = try Self.handshake(["-r", path])
        #expect(outcome.status == 4)
        #expect(outcome.stderr == "handshake: \(path) is not a pcap or pcapng capture: unknown magic 0x68656c6c\n")
    }

    @Test func truncatedFilePrintsWhatWasReadThenFails() throws {
        let original = try Data(contentsOf: Self.fixtures.appendingPathComponent("ipv4-loopback.pcap"))
        let path = try Self.temporary(original.prefix(original.count - 10))
        let outcome = try Self.handshake(["-r", path, "--format", "segments"])
        #expect(outcome.status == 5)
        #expect(outcome.stdout.split(separator: "\n").count == 10)
        #expect(outcome.stderr == "handshake: \(path) is truncated: it ends inside a record at byte 881, after 10 packets\n")
    }

    @Test func unsupportedLinkType() throws {
        var bytes = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("ipv4-loopback.pcap")))
        bytes[20] = 127 // LINKTYPE_IEEE802_11_RADIOTAP
        let path = try Self.temporary(Data(bytes))
        let outcome = try Self.handshake(["-r", path])
        #expect(outcome.status == 6)
        #expect(outcome.stderr == "handshake: \(path) has link type IEEE802_11_RADIO (802.11 plus radiotap header), "
            + "which handshake cannot decode\n")
    }

    /// `--stats json`: one object on stderr for scripts; libpcap's counts are null for a file.
    @Test func statisticsAsJSON() throws {
        let tracked = try Self.handshake(["-r", "ipv4-loopback.pcap", "--format", "json", "--stats", "json"])
        #expect(tracked.status == 0)
        #expect(tracked.stderr == "{\"packets_captured\":11,\"received_by_filter\":null,\"dropped_by_kernel\":null,"
            + "\"dropped_by_interface\":null,\"tcp_segments\":11,\"not_tcp\":0,\"malformed\":0,\"connections\":1}\n")
        let listed = try Self.handshake(["-r", "ipv4-loopback.pcap", "--format", "segments", "--stats", "json", "-c", "3"])
        #expect(listed.stderr.hasSuffix(",\"tcp_segments\":3,\"not_tcp\":0,\"malformed\":0,\"connections\":null}\n"))
        #expect(listed.stderr.hasPrefix("{\"packets_captured\":3,"))
    }

    /// The live-capture options are refused, with the reason, where they cannot apply.
    @Test(arguments: [
        (["--close-linger", "90000s"], "--close-linger must be from 0 to a day (86400s), not 90000s"),
        (["--fanout", "65536"], "--fanout must be from 0 to 65535 (a group id), not 65536"),
        (["--immediate"], "--immediate, --no-immediate and --fanout are for live capture (-i)"),
        (["--fanout", "3"], "--immediate, --no-immediate and --fanout are for live capture (-i)"),
    ])
    func liveOptionsOutOfPlace(arguments: [String], message: String) throws {
        let outcome = try Self.handshake(["-r", "ipv4-loopback.pcap"] + arguments)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix("Error: \(message)\n"), "\(outcome.stderr)")
    }

    @Test func badFilter() throws {
        let outcome = try Self.handshake(["-r", "ipv4-loopback.pcap", "tcp", "and"])
        #expect(outcome.status == 7)
        #expect(outcome.stderr == "handshake: bad filter 'tcp and': can't parse filter expression: syntax error\n")
    }

    @Test func unknownInterface() throws {
        let outcome = try Self.handshake(["-i", "nosuch0"])
        #expect(outcome.status == 8)
        #expect(outcome.stderr == "handshake: no such interface nosuch0: No such device exists\n")
    }

    @Test func noPermissionToCapture() throws {
        try #require(getuid() == 0, "dropping privileges needs root")
        let outcome = try Self.handshake(["-i", "lo"], as: "65534")
        #expect(outcome.status == 9)
        #expect(outcome.stderr == "handshake: no permission to capture on lo (needs root or CAP_NET_RAW and "
            + "CAP_NET_ADMIN): socket: Operation not permitted\n")
    }

    @Test func usageError() throws {
        let outcome = try Self.handshake([])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix("Error: give either -r FILE or -i INTERFACE\n"))
    }

    @Test func interfaceList() throws {
        let outcome = try Self.handshake(["-D"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains(".lo [Up, Running, Loopback]"))
    }
}

extension CommandLineTests {
    /// The whole record of a real loopback connection, pinned in
    /// Fixtures/golden: reviewed once against the capture's segments (see
    /// ipv4-loopback.tshark.tsv) and the kernel's states (ipv4-loopback.expected.json).
    @Test func jsonOfAFixture() throws {
        let outcome = try Self.handshake(["-r", "ipv4-loopback.pcap", "--format", "json"])
        #expect(outcome.status == 0)
        let expected = try String(contentsOf: Self.fixtures.appendingPathComponent("golden/ipv4-loopback.json"),
                                  encoding: .utf8)
        #expect(outcome.stdout == expected)
    }
}

extension CommandLineTests {
    @Test func closedPipeEndsQuietly() throws {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let process = Process()
        process.executableURL = bundle.appendingPathComponent("handshake")
        process.arguments = ["-r", "busy.pcap", "--format", "transitions"]
        process.currentDirectoryURL = Self.fixtures
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        _ = out.fileHandleForReading.readData(ofLength: 100) // like `| head -c 100`
        try out.fileHandleForReading.close()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(errors.isEmpty)
    }

    @Test func followOneConnection() throws {
        let byID = try Self.handshake(["-r", "port-reuse.pcap", "--format", "table", "--connection", "6453179011550871"])
        #expect(byID.stdout.split(separator: "\n").count == 2)
        #expect(byID.stdout.contains("\n6453179011550871 10.99.0.1.45000 "))
        let byEndpoint = try Self.handshake(["-r", "busy.pcap", "--format", "json", "--conn", "10.99.0.2:8006"])
        #expect(byEndpoint.stdout.split(separator: "\n").count == 100)
        let none = try Self.handshake(["-r", "busy.pcap", "--format", "json", "--conn", "[2001:db8::1]:80"])
        #expect(none.stdout.isEmpty)
    }

    @Test func summaryAfterAnotherFormat() throws {
        let outcome = try Self.handshake(["-r", "refused.pcap", "--format", "table", "--summary"])
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.count == 13)
        #expect(lines[2] == "connections          1")
        #expect(lines.contains("failed handshakes    10.99.0.2.9 refused 1"))
    }

    @Test(arguments: [
        (["-r", "x.pcap", "--conn", "nonsense"], "Error: --conn needs HOST:PORT, [IPv6]:PORT or HOST, not 'nonsense'"),
        (["-r", "x.pcap", "--conn", "10.0.0.1", "--connection", "3"], "Error: give --connection or --conn, not both"),
        (["-r", "x.pcap", "--format", "segments", "--summary"],
         "Error: --format segments does not track connections: use a BPF filter instead"),
        (["-r", "x.pcap", "--msl", "0"], "Error: --msl must be positive and at most 86400 seconds, not 0.0"),
        // These trapped (Double to Int64, or 2×MSL in nanoseconds) or wrapped the TIME_WAIT deadline.
        (["-r", "x.pcap", "--msl", "5e9"], "Error: --msl must be positive and at most 86400 seconds, not 5000000000.0"),
        (["-r", "x.pcap", "--msl", "inf"], "Error: --msl must be positive and at most 86400 seconds, not inf"),
        (["-r", "x.pcap", "--msl", "4e9"], "Error: --msl must be positive and at most 86400 seconds, not 4000000000.0"),
        // The buffer in bytes overflowed libpcap's int.
        (["-i", "lo", "-B", "2097152"], "Error: --buffer-size must be from 1 to 2097151 KiB, not 2097152"),
        (["-i", "lo", "--snaplen", "262145"], "Error: --snaplen must be from 1 to 262144 bytes, not 262145"),
        (["-r", "x.pcap", "--max-connections", "0"],
         "Error: --max-connections must be from 1 to 100000000 connections, not 0"),
        (["-r", "x.pcap", "--idle-timeout", "forever"], "Error: The value 'forever' is invalid for '--idle-timeout <timeouts>'"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let outcome = try Self.handshake(arguments)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix(message + "\n"), "\(outcome.stderr)")
    }
}

/// `handshake check` from the command line: output, exit codes, files.
extension CommandLineTests {
    @Test func checkPassesWithStatusZero() throws {
        let outcome = try Self.handshake(["check", "-r", "busy.pcap", "--fail-on", "refused,unanswered,reset,half-open",
                                          "--expect-connections", "100", "--expect-close", "fin"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasSuffix("check: all 6 checks hold, 100 connections judged\n"))
    }

    /// Before: "writing /tmp: The operation could not be completed. (NSCocoaErrorDomain error 512.)"
    @Test func checkSaysWhyAReportCannotBeWritten() throws {
        let outcome = try Self.handshake(["check", "-r", "refused.pcap", "--fail-on", "reset", "--junit", "/tmp"])
        #expect(outcome.status == 11)
        #expect(outcome.stderr == "handshake: writing /tmp: Is a directory\n")
    }

    @Test func checkFailsWithStatusOne() throws {
        let outcome = try Self.handshake(["check", "-r", "refused.pcap", "--fail-on", "refused"])
        #expect(outcome.status == 1)
        #expect(outcome.stdout == """
            FAIL no refused connections
              #7438428579564337 10.99.0.1.40127 → 10.99.0.2.9: refused (handshake refused, close rst, client CLOSED, server CLOSED)
            check: 1 of 1 checks failed, 1 connection judged

            """)
        #expect(outcome.stderr.isEmpty)
    }

    @Test func checkWritesJUnitAndExpectFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let expect = directory.appendingPathComponent("expect.json").path
        let junit = directory.appendingPathComponent("junit.xml").path
        let written = try Self.handshake(["check", "-r", "port-reuse.pcap", "--write-expect", expect])
        #expect(written.status == 0)
        let compared = try Self.handshake(["check", "-r", "port-reuse.pcap", "--expect", expect, "--junit", junit])
        #expect(compared.status == 0)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("tests=\"2\" failures=\"0\""))
        let other = try Self.handshake(["check", "-r", "refused.pcap", "--expect", expect])
        #expect(other.status == 1)
        #expect(other.stdout.contains("FAIL connection 1: 10.99.0.1 → 10.99.0.2:8004\n  - a connection 10.99.0.1 → 10.99.0.2:8004\n  + none seen\n"))
    }

    /// The expect file is opened before the capture is read, so a path that
    /// cannot be written fails at once, with nothing judged.
    @Test func checkRefusesAnUnwritableExpectFileBeforeReading() throws {
        let outcome = try Self.handshake(["check", "-r", "busy.pcap", "--write-expect", "/tmp"])
        #expect(outcome.status == 11)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr == "handshake: writing /tmp: Is a directory\n")
    }

    /// Written as connections finish: a damaged capture leaves a valid
    /// expect file of what was read before the damage, and exit 5.
    @Test func aDamagedCaptureStillEndsTheExpectFile() throws {
        let original = try Data(contentsOf: Self.fixtures.appendingPathComponent("port-reuse.pcap"))
        let path = try Self.temporary(original.prefix(original.count - 30))
        let expect = try Self.temporary(Data())
        let outcome = try Self.handshake(["check", "-r", path, "--write-expect", expect])
        #expect(outcome.status == 5)
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: expect)))
        let connections = try #require((written as? [String: Any])?["connections"] as? [[String: Any]])
        #expect(connections.map { $0["server"] as? String } == ["10.99.0.2:8004", "10.99.0.2:8004"])
    }

    @Test func checkInputErrors() throws {
        let noRules = try Self.handshake(["check", "-r", "busy.pcap"])
        #expect(noRules.status == 64)
        #expect(noRules.stderr.hasPrefix("Error: give at least one rule"))
        let missing = try Self.handshake(["check", "-r", "busy.pcap", "--expect", "/nonexistent.json"])
        #expect(missing.status == 3)
        let bad = try Self.temporary(Data(#"{"connections": [{"client": "10.0.0.1"}]}"#.utf8))
        let malformed = try Self.handshake(["check", "-r", "busy.pcap", "--expect", bad])
        #expect(malformed.status == 12)
        #expect(malformed.stderr == "handshake: \(bad) is not an expect file: missing \"server\" in connections.0\n")
        let badList = try Self.handshake(["check", "-r", "busy.pcap", "--fail-on", "slow"])
        #expect(badList.status == 64)
        let durationOffline = try Self.handshake(["check", "-r", "busy.pcap", "--fail-on", "reset", "--duration", "1s"])
        #expect(durationOffline.stderr.hasPrefix("Error: --duration is for live capture (-i)"))
    }
}
