import Tracker
import Wire

/// `--format table`: one row per connection, written as each finishes, in fixed columns
/// (like `ss`; a long IPv6 address pushes the rest of its row right). Directions
/// are labelled: packets and payload bytes client→server/server→client; the
/// RTT is the handshake's, the last SYN to its ACK (tshark's `initial_rtt`);
/// CONNECT is how long the client's connect took, its first SYN to its
/// ESTABLISHED, lost SYNs included; durations in microseconds whatever the
/// capture's precision, so columns stay aligned.
public struct ConnectionRows: ConnectionRenderer {
    static let columns: [(String, Int)] = [
        ("ID", 17), ("CLIENT", 22), ("SERVER", 22), ("HANDSHAKE", 13), ("CLOSE", 13), ("CLIENT STATE", 13),
        ("SERVER STATE", 13), ("RTT ms", 9), ("CONNECT ms", 11), ("DURATION s", 12), ("PKTS C→S/S→C", 14), ("PAYLOAD C→S/S→C", 0),
    ]

    public init() {}

    /// Finished connections only.
    public var events: ReportedEvents { [] }

    public mutating func begin(to output: inout some LineSink) {
        output.write(Self.row(Self.columns.map(\.0)))
    }

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        guard case .finished(let record) = event else { return }
        let rtt = record.handshakeRTT.map(TimeText.milliseconds)
        let connect = record.clientConnectTime.map(TimeText.milliseconds)
        let duration = TimeText.seconds(roundedToMicroseconds: record.lastSeen - record.firstSeen)
        output.write(Self.row([
            String(record.id), record.client.description, record.server.description, record.handshake.rawValue,
            record.close.rawValue, record.clientState?.rawValue ?? "-", record.serverState?.rawValue ?? "-", rtt ?? "-",
            connect ?? "-", duration, "\(record.clientPackets)/\(record.serverPackets)", "\(record.clientBytes)/\(record.serverBytes)",
        ]))
    }

    static func row(_ cells: [String]) -> String {
        var line = ""
        for (cell, (_, width)) in zip(cells, columns) {
            line += width == 0 ? cell : cell.padding(width - 1) + " "
        }
        return line
    }
}
