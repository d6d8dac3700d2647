import Foundation
import Testing

private let canCaptureInNamespaces = getuid() == 0
    && ["/usr/sbin/ip", "/sbin/ip", "/bin/ip"].contains { FileManager.default.fileExists(atPath: $0) }

/// Live capture reports on time: on a link with no other traffic, a record
/// that a timer makes due is written within a second of being due, and a
/// replay of the run's `-w` file gives the same records, byte for byte.
/// Fixtures/live-timers drives the sockets in a fresh namespace: a closed
/// connection (client TIME_WAIT), an idle one, a quiet wait, one aborted.
@Suite(.enabled(if: canCaptureInNamespaces, "needs root and ip to capture in a network namespace"))
struct LiveTimerTests {
    struct Line: Decodable {
        var `case`: String?
        var arrived: Double?
        var line: String?
        var replay: String?
    }

    struct Record: Decodable {
        struct Transition: Decodable {
            var t: Double
            var state: String
        }
        var last_seen: Double
        var client_state: String?
        var server_state: String?
        var client_transitions: [Transition]
        struct Anomaly: Decodable {
            var kind: String
        }
        var end_reason: String
        var anomalies: [Anomaly]
    }

    struct Run {
        /// Live records by case, with the wall-clock time each line arrived.
        var live: [String: (arrived: Double, line: String, record: Record)] = [:]
        var liveLines: [String] = []
        var replayLines: [String] = []
    }

    static func run(wait: Double, _ options: [String]) throws -> Run {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let (status, output) = try ScriptRunner.run(
            CommandLineTests.fixtures.appendingPathComponent("live-timers").path,
            [bundle.appendingPathComponent("handshake").path, "\(wait)"] + options)
        #expect(status == 0, "\(output)")
        var run = Run()
        for text in output.split(separator: "\n") {
            let line = try JSONDecoder().decode(Line.self, from: Data(text.utf8))
            if let replay = line.replay { run.replayLines.append(replay) }
            if let name = line.case, let arrived = line.arrived, let recordLine = line.line {
                let record = try JSONDecoder().decode(Record.self, from: Data(recordLine.utf8))
                run.live[name] = (arrived, recordLine, record)
                run.liveLines.append(recordLine)
            }
        }
        return run
    }

    /// TIME_WAIT of 2 s (--msl 1) and idle timeouts of 2 s: both records
    /// come out within a second of being due though no packet follows for
    /// 4 s. Before, they waited for the next packet: here, the aborted
    /// connection 4 s later.
    @Test func timersFireWithoutTraffic() throws {
        let run = try Self.run(wait: 4, ["--msl", "1", "--idle-timeout", "2", "--close-linger", "60s"])
        let closed = try #require(run.live["closed"])
        #expect(closed.record.client_transitions.map(\.state)
                == ["SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED"])
        let timeWaitEnd = try #require(closed.record.client_transitions.last?.t)
        #expect(closed.arrived - timeWaitEnd >= -0.01 && closed.arrived - timeWaitEnd < 1,
                "TIME_WAIT ended at \(timeWaitEnd), record arrived at \(closed.arrived)")

        let idle = try #require(run.live["idle"])
        #expect(idle.record.end_reason == "idle")
        let due = idle.record.last_seen + 2
        #expect(idle.arrived - due >= -0.01 && idle.arrived - due < 1,
                "idle from \(idle.record.last_seen), record arrived at \(idle.arrived)")
    }

    /// A closed connection is written 5 s (the default close linger) after
    /// its last segment, with the client still in TIME_WAIT; before, 60 s.
    @Test func closedConnectionsAreWrittenAfterTheCloseLinger() throws {
        let run = try Self.run(wait: 6.5, [])
        let closed = try #require(run.live["closed"])
        #expect(closed.record.client_state == "TIME_WAIT")
        #expect(closed.record.server_state == "CLOSED")
        #expect(closed.record.end_reason == "closed")
        let due = closed.record.last_seen + 5
        #expect(closed.arrived - due >= -0.01 && closed.arrived - due < 1,
                "last segment at \(closed.record.last_seen), record arrived at \(closed.arrived)")
    }

    /// The live records and those of a replay of the same packets are the
    /// same bytes: no anomaly is invented by the wall clock (live runs used
    /// to report time_went_backwards about every other run).
    @Test func liveAndReplayGiveTheSameRecords() throws {
        let run = try Self.run(wait: 2.5, ["--msl", "1", "--idle-timeout", "2"])
        #expect(run.liveLines.count == 3)
        #expect(run.liveLines.sorted() == run.replayLines.sorted())
        #expect(run.live.values.flatMap { $0.record.anomalies.map(\.kind) } == [])
    }
}
