import Foundation
import Testing

/// `-j N` gives the same bytes as one thread: its trackers' events are put
/// back in the order one tracker reports them. On every fixture, and on a
/// generated capture of 3,000 interleaved connections, in every format that
/// tracks connections.
struct ThreadsTests {
    static let fixtures = try! FileManager.default.contentsOfDirectory(atPath: CommandLineTests.fixtures.path)
        .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()

    static func output(_ capture: String, _ arguments: [String]) throws -> String {
        let outcome = try CommandLineTests.handshake(["-r", capture] + arguments)
        #expect(outcome.status == 0, "\(capture) \(arguments): \(outcome.stderr)")
        return outcome.stdout
    }

    @Test(arguments: fixtures)
    func threadsChangeNothingOnAFixture(fixture: String) throws {
        for format in ["transitions", "json", "html"] {
            let one = try Self.output(fixture, ["--format", format, "-j", "1"])
            #expect(try Self.output(fixture, ["--format", format, "-j", "2"]) == one, "\(fixture) \(format)")
            #expect(try Self.output(fixture, ["--format", format, "-j", "3"]) == one, "\(fixture) \(format)")
        }
    }

    @Test func threadsChangeNothingOnAGeneratedCapture() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("threads-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let generator = CommandLineTests.fixtures.deletingLastPathComponent().appendingPathComponent("Benchmarks/generate-capture")
        let (status, _) = try ScriptRunner.run("/usr/bin/env", ["python3", generator.path, path, "--connections", "3000",
                                                                "--open", "300"])
        #expect(status == 0)
        for format in ["transitions", "table", "conv", "json", "zeek", "ladder", "steps", "mermaid", "html", "summary"] {
            let one = try Self.output(path, ["--format", format, "-j", "1"])
            #expect(!one.isEmpty)
            for threads in ["2", "4"] {
                #expect(try Self.output(path, ["--format", format, "-j", threads]) == one, "\(format) -j \(threads)")
            }
        }
        // With a shard, the threads split the shard's connections.
        let shard = try Self.output(path, ["--format", "json", "--shard", "2/3", "-j", "1"])
        #expect(try Self.output(path, ["--format", "json", "--shard", "2/3", "-j", "2"]) == shard)
    }

    @Test func threadsAreForFiles() throws {
        let outcome = try CommandLineTests.handshake(["-i", "lo", "-j", "2"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix("Error: -j is for files; to split live capture, run processes with --fanout\n"))
        let zero = try CommandLineTests.handshake(["-r", "refused.pcap", "-j", "0"])
        #expect(zero.status == 64)
        #expect(zero.stderr.hasPrefix("Error: --threads must be from 1 to 256 threads, not 0\n"))
    }
}
