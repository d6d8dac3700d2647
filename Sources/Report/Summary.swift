import Tracker
import Wire

/// `--format summary` (or `--summary` after another format): counts by
/// handshake outcome and close, handshake RTT and connect time percentiles, failed
/// handshakes by server, resets by sender, SYN retransmissions, anomalies.
/// Everything it keeps is bounded: counters, two histograms, and at most
/// `maximumServers` servers with failed handshakes.
public struct Summary: ConnectionRenderer {
    static let maximumServers = 10_000
    static let serversShown = 10

    private var connections = 0
    private var handshakes: [HandshakeOutcome: Int] = [:]
    private var closes: [CloseOutcome: Int] = [:]
    private var synToSynAck = DurationHistogram()
    private var synAckToAck = DurationHistogram()
    private var clientConnectTimes = DurationHistogram()
    private var serverConnectTimes = DurationHistogram()
    private var failedByServer: [String: (refused: Int, unanswered: Int)] = [:]
    private var failedElsewhere = 0
    private var resetsByClient = 0
    private var resetsByServer = 0
    private var synRetransmissions = 0
    private var connectionsRetransmittingSYN = 0
    private var anomalies: [Anomaly.Kind: (count: Int, connections: Int)] = [:]

    public init() {}

    /// Finished connections only.
    public var events: ReportedEvents { [] }

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        guard case .finished(let record) = event else { return }
        connections += 1
        handshakes[record.handshake, default: 0] += 1
        closes[record.close, default: 0] += 1
        if let rtt = record.synToSynAck { synToSynAck.record(rtt) }
        if let rtt = record.synAckToAck { synAckToAck.record(rtt) }
        let connect = record.connectTimes
        if let time = connect.client { clientConnectTimes.record(time) }
        if let time = connect.server { serverConnectTimes.record(time) }
        if record.handshake == .refused || record.handshake == .unanswered {
            let server = record.server.description
            if failedByServer[server] != nil || failedByServer.count < Self.maximumServers {
                var failures = failedByServer[server] ?? (0, 0)
                if record.handshake == .refused { failures.refused += 1 } else { failures.unanswered += 1 }
                failedByServer[server] = failures
            } else {
                failedElsewhere += 1
            }
        }
        // Zeek's history: R is an RST from the originator (client), r from the
        // responder. A refusal's RST is counted with the failed handshakes, not here.
        if record.handshake != .refused {
            if record.zeekHistory.utf8.contains(UInt8(ascii: "R")) { resetsByClient += 1 }
            if record.zeekHistory.utf8.contains(UInt8(ascii: "r")) { resetsByServer += 1 }
        }
        synRetransmissions += record.synRetransmissions
        if record.synRetransmissions > 0 { connectionsRetransmittingSYN += 1 }
        // An anomaly is kept per kind and sender: a connection where both
        // sides showed one is still one connection.
        for (index, anomaly) in record.anomalies.enumerated() {
            let totals = anomalies[anomaly.kind] ?? (0, 0)
            let counted = record.anomalies[..<index].contains { $0.kind == anomaly.kind }
            anomalies[anomaly.kind] = (totals.count + anomaly.count, totals.connections + (counted ? 0 : 1))
        }
    }

    public mutating func end(to output: inout some LineSink) {
        let handshakeOrder: [HandshakeOutcome] = [.complete, .simultaneous, .partial, .midStream, .refused, .unanswered,
                                                  .stray]
        let closeOrder: [CloseOutcome] = [.fin, .simultaneous, .rst, .none]
        output.write("connections          \(connections)")
        output.write("handshake            " + handshakeOrder.map { "\($0.rawValue) \(handshakes[$0] ?? 0)" }
            .joined(separator: ", "))
        output.write("close                " + closeOrder.map { "\($0.rawValue) \(closes[$0] ?? 0)" }
            .joined(separator: ", "))
        output.write("handshake RTT        " + Self.percentiles("SYN→SYN-ACK", synToSynAck))
        output.write("                     " + Self.percentiles("SYN-ACK→ACK", synAckToAck))
        output.write("connect time         " + Self.percentiles("client first SYN→ESTABLISHED", clientConnectTimes))
        output.write("                     " + Self.percentiles("server first SYN→ESTABLISHED", serverConnectTimes))
        let failed = failedByServer.sorted {
            ($0.value.refused + $0.value.unanswered, $1.key) > ($1.value.refused + $1.value.unanswered, $0.key)
        }
        if failed.isEmpty {
            output.write("failed handshakes    none")
        } else {
            for (index, (server, failures)) in failed.prefix(Self.serversShown).enumerated() {
                var parts: [String] = []
                if failures.refused > 0 { parts.append("refused \(failures.refused)") }
                if failures.unanswered > 0 { parts.append("unanswered \(failures.unanswered)") }
                output.write((index == 0 ? "failed handshakes    " : "                     ")
                    + "\(server) " + parts.joined(separator: ", "))
            }
            let hidden = failed.dropFirst(Self.serversShown).reduce(0) { $0 + $1.value.refused + $1.value.unanswered }
            if hidden + failedElsewhere > 0 {
                output.write("                     \(hidden + failedElsewhere) more at other servers")
            }
        }
        output.write("resets               sent by client \(resetsByClient), by server \(resetsByServer)")
        output.write("SYN retransmissions  \(synRetransmissions) in \(connectionsRetransmittingSYN) "
            + (connectionsRetransmittingSYN == 1 ? "connection" : "connections"))
        if anomalies.isEmpty {
            output.write("anomalies            none")
        } else {
            let lines = anomalies.sorted { $0.key.rawValue < $1.key.rawValue }.map { kind, totals in
                "\(kind.rawValue) \(totals.count) (\(totals.connections) "
                    + (totals.connections == 1 ? "connection)" : "connections)")
            }
            output.write("anomalies            " + lines.joined(separator: ", "))
        }
    }

    static func percentiles(_ name: String, _ histogram: DurationHistogram) -> String {
        guard histogram.count > 0 else { return "\(name) not seen" }
        let values = [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)].map { label, fraction in
            "\(label) \(TimeText.milliseconds(histogram.percentile(fraction) ?? 0)) ms"
        }
        return "\(name) " + values.joined(separator: ", ") + ", max \(TimeText.milliseconds(histogram.maximum)) ms "
            + "(\(histogram.count) \(histogram.count == 1 ? "connection" : "connections"))"
    }
}
