import Foundation
import Testing

/// `handshake merge` and `check --records`: the records of N shards make
/// the same summary, table, conn.log and JSON as one run over the capture,
/// and bad input says where it is bad.
struct MergeTests {
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Shards 1…n of `capture` as NDJSON files in `directory`.
    static func shards(_ capture: String, _ count: Int, in directory: URL) throws -> [String] {
        try (1...count).map { index in
            let outcome = try CommandLineTests.handshake(["-r", capture, "--format", "json", "--shard", "\(index)/\(count)"])
            #expect(outcome.status == 0)
            let path = directory.appendingPathComponent("shard-\(index).ndjson").path
            try outcome.stdout.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    static func sortedLines(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#open") && !$0.hasPrefix("#close") }.sorted()
    }

    @Test(arguments: ["busy.pcap", "port-reuse.pcap", "pcapng-two-link-types.pcapng"])
    func shardsMergeIntoTheWholeRun(capture: String) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try Self.shards(capture, 3, in: directory)
        for format in ["summary", "table", "json", "zeek"] {
            // Records know nothing of Zeek's timers: merge logs one row per record.
            let whole = try CommandLineTests.handshake(["-r", capture, "--format", format]
                                                       + (format == "zeek" ? ["--no-zeek-timers"] : []))
            let merged = try CommandLineTests.handshake(["merge", "--format", format] + files)
            #expect(merged.status == 0, "\(merged.stderr)")
            if format == "summary" {
                #expect(merged.stdout == whole.stdout, "\(capture)")
            } else {
                // The rows are the same; merge orders them by first-seen time.
                #expect(Self.sortedLines(merged.stdout) == Self.sortedLines(whole.stdout), "\(capture) \(format)")
            }
        }
        let verdict = try CommandLineTests.handshake(["check", "--fail-on", "reset,refused"]
                                                     + files.flatMap { ["--records", $0] })
        let direct = try CommandLineTests.handshake(["check", "-r", capture, "--fail-on", "reset,refused"])
        #expect(verdict.status == direct.status)
        #expect(verdict.stdout.split(separator: "\n").last == direct.stdout.split(separator: "\n").last)
    }

    @Test func aLineThatIsNotARecordIsNamed() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try Self.shards("refused.pcap", 1, in: directory)
        let broken = directory.appendingPathComponent("broken.ndjson").path
        try (String(contentsOfFile: files[0], encoding: .utf8) + "{\"id\":2}\n").write(toFile: broken, atomically: true,
                                                                                       encoding: .utf8)
        let outcome = try CommandLineTests.handshake(["merge", broken])
        #expect(outcome.status == 14)
        #expect(outcome.stderr == "handshake: \(broken), line 2: not a connection record: rtt is missing\n")
        let missing = try CommandLineTests.handshake(["merge", "no-such.ndjson"])
        #expect(missing.status == 3)
        #expect(missing.stderr == "handshake: cannot open no-such.ndjson: No such file or directory\n")
        let ladder = try CommandLineTests.handshake(["merge", "--format", "ladder", broken])
        #expect(ladder.status == 64)
        #expect(ladder.stderr.contains("give one of table, json, zeek, html, summary (the other formats are drawn from "
                                       + "the packets)"))
        let both = try CommandLineTests.handshake(["check", "-r", "refused.pcap", "--records", broken, "--fail-on", "reset"])
        #expect(both.status == 64)
        #expect(both.stderr.hasPrefix("Error: give --records or packets (-r, -i), not both\n"))
    }

    /// Records written before there was one vocabulary (`syn_only`,
    /// `not_seen`) read as today's words, and are written in them.
    @Test func recordsOfEarlierVersionsRead() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let today = try CommandLineTests.handshake(["-r", "unanswered-syn.pcap", "-r", "mid-stream.pcap", "--format", "json"])
        #expect(today.stdout.contains("\"handshake\":\"unanswered\"") && today.stdout.contains("\"handshake\":\"mid_stream\""))
        let old = directory.appendingPathComponent("old.ndjson").path
        try today.stdout.replacingOccurrences(of: "\"handshake\":\"unanswered\"", with: "\"handshake\":\"syn_only\"")
            .replacingOccurrences(of: "\"handshake\":\"mid_stream\"", with: "\"handshake\":\"not_seen\"")
            .write(toFile: old, atomically: true, encoding: .utf8)
        let merged = try CommandLineTests.handshake(["merge", "--format", "json", old])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(Self.sortedLines(merged.stdout) == Self.sortedLines(today.stdout))
    }
}
