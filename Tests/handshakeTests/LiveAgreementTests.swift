import Foundation
import TestSupport
import Testing

private let canCaptureInNamespaces = getuid() == 0
    && ["/usr/bin/ss", "/bin/ss"].contains { FileManager.default.fileExists(atPath: $0) }
    && ["/usr/sbin/ip", "/sbin/ip", "/bin/ip"].contains { FileManager.default.fileExists(atPath: $0) }

/// handshake watching real sockets live agrees with their kernel: for every
/// endpoint, the state handshake reports when stopped with Ctrl-C is the
/// state `ss -tan` shows at the same moment, and every transition it
/// reported is the kernel's own (tracepoint sock:inet_sock_set_state), in
/// order and within 1 ms (Fixtures/live-agreement drives the sockets in a
/// fresh network namespace and collects all three views).
@Suite(.enabled(if: canCaptureInNamespaces, "needs root, ip and ss to capture in a network namespace"))
struct LiveAgreementTests {
    struct View: Decodable {
        var `case`: String
        var role: String
        var endpoint: String
        var kernel: String
        var tool: String
    }

    /// One record's fields that the timeline comparison reads.
    struct Record: Decodable {
        struct Address: Decodable {
            var ip: String
            var port: Int
            var description: String { "\(ip).\(port)" }
        }
        struct Transition: Decodable {
            var t: Double
            var state: String
        }
        var client: Address
        var server: Address
        var first_seen: Double
        var client_transitions: [Transition]
        var server_transitions: [Transition]

        var endpoints: [ReportedEndpoint] {
            let pairs = { (list: [Transition]) in list.map { (state: $0.state, time: $0.t) } }
            return [
                ReportedEndpoint(local: client.description, peer: server.description, firstSeen: first_seen,
                                 transitions: pairs(client_transitions)),
                ReportedEndpoint(local: server.description, peer: client.description, firstSeen: first_seen,
                                 transitions: pairs(server_transitions)),
            ]
        }
    }
    struct RecordLine: Decodable { var record: Record }
    struct TimelineLine: Decodable { var kernel_timeline: KernelTimeline }

    @Test func liveStatesMatchTheKernel() throws {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let (status, output) = try ScriptRunner.run(
            CommandLineTests.fixtures.appendingPathComponent("live-agreement").path,
            [bundle.appendingPathComponent("handshake").path])
        #expect(status == 0, "\(output)")

        let lines = output.split(separator: "\n").map { Data($0.utf8) }
        let timeline = try #require(lines.lazy.compactMap { try? JSONDecoder().decode(TimelineLine.self, from: $0) }.first,
                                    "no kernel timeline in: \(output)")
        let records = lines.compactMap { try? JSONDecoder().decode(RecordLine.self, from: $0) }.map(\.record)
        var comparison = TimelineComparison()
        comparison.compare(timeline.kernel_timeline, with: records.flatMap(\.endpoints), context: "live")
        #expect(comparison.differences == [])
        // Six connections; the refused one's server is no socket.
        #expect(comparison.endpoints == 11)
        print("kernel timeline of the live run: \(comparison.summary)")

        let views = output.split(separator: "\n")
            .compactMap { try? JSONDecoder().decode(View.self, from: Data($0.utf8)) }
        #expect(views.count == 12)
        for view in views {
            #expect(view.tool == view.kernel,
                    "\(view.case): \(view.role) \(view.endpoint): kernel says \(view.kernel), handshake says \(view.tool)")
        }
        let kernelStates = Set(views.map(\.kernel))
        #expect(kernelStates == ["ESTABLISHED", "FIN_WAIT_2", "CLOSE_WAIT", "TIME_WAIT", "CLOSED"])
    }
}

/// The README's "Use it in CI" example, run as written: a service in a
/// namespace, `handshake check -i lo --duration 4s`, three client requests.
@Suite(.enabled(if: canCaptureInNamespaces, "needs root, ip and ss to capture in a network namespace"))
struct ContinuousIntegrationExampleTests {
    @Test func exampleScriptPasses() throws {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ci-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = CommandLineTests.fixtures.deletingLastPathComponent().appendingPathComponent("Examples/ci-check.sh")
        let (status, text) = try ScriptRunner.run(script.path, [directory.path],
                                                  environment: ["HANDSHAKE": bundle.appendingPathComponent("handshake").path])
        #expect(status == 0, "\(text)")
        #expect(text.hasSuffix("check: all 6 checks hold, 3 connections judged\n"))
        let junit = try String(contentsOf: directory.appendingPathComponent("handshake.xml"), encoding: .utf8)
        #expect(junit.contains("tests=\"6\" failures=\"0\""))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("ci.pcap").path))
    }
}
