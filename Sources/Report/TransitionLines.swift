import Tracker
import Wire

/// The default output: one line per state change as it happens, with the
/// segment that caused it and who sent it (`client →` or `← server`, as
/// the ladder draws them), then one line when a connection is done.
///
///     1700000000.000001 #1 server 10.0.0.2.80 LISTEN → SYN_RECEIVED  client → [S] seq 100
///     1700000000.000002 #1 client 10.0.0.1.4000 SYN_SENT → ESTABLISHED  ← server [S.] seq 300 ack 101
public struct TransitionLines: ConnectionRenderer {
    /// ANSI colours, for a terminal.
    public var colors: Bool

    public var events: ReportedEvents { [.transitions, .anomalies] }

    public init(colors: Bool) {
        self.colors = colors
    }

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        switch event {
        case .transition(let change):
            let endpoint = change.role == .client ? change.client : change.server
            var line = "\(TimeText.seconds(change.transition.time)) #\(change.connectionID) "
                + paint(change.role.rawValue.padding(6), change.role == .client ? .cyan : .magenta)
                + " \(endpoint) \(change.from.rawValue) → " + paint(change.transition.state.rawValue, .bold)
            if let cause = change.cause {
                line += cause.source == change.client ? "  client → " : "  ← server "
                line += "[\(cause.flags.tcpdumpNotation)] seq \(cause.sequence)"
                if cause.flags.contains(.ack) { line += " ack \(cause.acknowledgment)" }
            }
            if change.transition.assumed {
                line += " (assumed: picked up mid-stream)"
            } else if change.transition.inferred {
                line += " (inferred)"
            }
            if change.followsRecord { line += " (after its done line)" }
            output.write(line)
        case .anomaly(let id, let anomaly):
            output.write("\(TimeText.seconds(anomaly.firstSeen)) #\(id) "
                + paint("anomaly \(anomaly.kind.rawValue) from \(anomaly.sender.rawValue)", .red))
        case .finished(let record):
            let states = "client \(record.clientState?.rawValue ?? "-"), server \(record.serverState?.rawValue ?? "-")"
            output.write(paint("\(TimeText.seconds(record.lastSeen)) #\(record.id) done: \(record.client) → "
                + "\(record.server) handshake \(record.handshake.rawValue), close \(record.close.rawValue), "
                + "\(states) (\(record.finishReason.rawValue))", .dim))
        case .segment, .zeekRow:
            break
        }
    }

    enum Color: String {
        case bold = "1", dim = "2", red = "31", cyan = "36", magenta = "35"
    }

    private func paint(_ text: String, _ color: Color) -> String {
        colors ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }
}

extension String {
    /// Pads with spaces on the right to `width` (longer text is left alone).
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// Pads with spaces on the left to `width`.
    func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
