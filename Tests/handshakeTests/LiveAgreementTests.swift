import Foundation
import Testing

private let canCaptureInNamespaces = getuid() == 0
    && ["/usr/bin/ss", "/bin/ss"].contains { FileManager.default.fileExists(atPath: $0) }
    && ["/usr/sbin/ip", "/sbin/ip", "/bin/ip"].contains { FileManager.default.fileExists(atPath: $0) }

/// handshake watching real sockets live agrees with their kernel: for every
/// endpoint, the state handshake reports when stopped with Ctrl-C is the
/// state `ss -tan` shows at the same moment (Fixtures/live-agreement drives
/// the sockets in a fresh network namespace and collects both views).
@Suite(.enabled(if: canCaptureInNamespaces, "needs root, ip and ss to capture in a network namespace"))
struct LiveAgreementTests {
    struct View: Decodable {
        var `case`: String
        var role: String
        var endpoint: String
        var kernel: String
        var tool: String
    }

    @Test func liveStatesMatchTheKernel() throws {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let (status, output) = try ScriptRunner.run(
            CommandLineTests.fixtures.appendingPathComponent("live-agreement").path,
            [bundle.appendingPathComponent("handshake").path])
        #expect(status == 0)

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
