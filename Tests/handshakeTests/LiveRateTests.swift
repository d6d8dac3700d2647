import Foundation
import Testing

private let canReplay = getuid() == 0
    && ["/usr/bin/tcpreplay", "/usr/sbin/ip", "/sbin/ip"].filter { FileManager.default.fileExists(atPath: $0) }.count >= 2

/// The short version of `make bench-live`: tcpreplay sends 1,000 generated
/// connections (11,000 packets) over a veth pair at 5,000 packets/s, and
/// the live capture at the other end must count every one: packets sent =
/// received by filter = captured = decoded, nothing dropped, every
/// connection tracked with its outcome. Once buffered (TPACKET_V3), once
/// as two processes in one --fanout group, each of which must have got a
/// share and together every connection whole.
@Suite(.enabled(if: canReplay, "needs root, ip and tcpreplay"))
struct LiveRateTests {
    struct Step: Decodable {
        var config: String
        var sent: Int
        var received: Int
        var captured: Int
        var decoded: Int
        var dropped: Int
        var connections: Int
        var expected: Int
        var shares: [Int]
        var passed: Bool
    }

    @Test func everyPacketAndConnectionIsCountedAtAModestRate() throws {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let script = CommandLineTests.fixtures.deletingLastPathComponent().appendingPathComponent("Benchmarks/live-rate")
        let (status, output) = try ScriptRunner.run(script.path, [
            "--quick", "5000", "--seconds", "2", "--config", "buffered", "--config", "fanout-2",
            "--handshake", bundle.appendingPathComponent("handshake").path,
        ])
        #expect(status == 0, "\(output)")
        let steps = try output.split(separator: "\n").map { try JSONDecoder().decode(Step.self, from: Data($0.utf8)) }
        #expect(steps.map(\.config) == ["buffered", "fanout-2"])
        for step in steps {
            #expect(step.sent == 11_000, "\(step.config)")
            #expect([step.received, step.captured, step.decoded] == [Int](repeating: 11_000, count: 3), "\(step.config)")
            #expect(step.dropped == 0, "\(step.config)")
            #expect(step.connections == 1_000 && step.expected == 1_000, "\(step.config)")
            #expect(step.passed, "\(step.config)")
        }
        let shares = try #require(steps.last?.shares)
        #expect(shares.count == 2 && shares.allSatisfy { $0 > 0 } && shares.reduce(0, +) == 1_000, "\(shares)")
    }
}
