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
        let process = Process()
        process.executableURL = CommandLineTests.fixtures.appendingPathComponent("live-agreement")
        process.arguments = [bundle.appendingPathComponent("handshake").path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let views = String(decoding: data, as: UTF8.self).split(separator: "\n")
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
