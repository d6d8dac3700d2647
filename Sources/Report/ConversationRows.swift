import Tracker
import Wire

/// `--format conv`: each connection's frames and bytes on the wire in each
/// direction, as `tshark -q -z conv,tcp` counts them (whole frames, link
/// header included), with its start relative to the first TCP segment and
/// its duration. Rows come at the end, sorted (by start unless `--sort`
/// says otherwise), so every connection's row is held until then.
///
///     CLIENT                SERVER                C→S FRAMES   C→S BYTES  S→C FRAMES   S→C BYTES   FRAMES       BYTES      START s  DURATION s
///     10.99.0.1.45000       10.99.0.2.8004                 6         410           5         353       11         763     0.000000  0.351122
public struct ConversationRows: ConnectionRenderer {
    /// `--sort`: the row order. Counts and durations sort largest first, as one looks for the top talkers.
    public enum Order: String, CaseIterable, Sendable {
        case start, frames, bytes, duration
    }

    struct Direction {
        var frames = 0
        var bytes = 0

        mutating func add(_ segment: TCPSegment) {
            frames += 1
            bytes += segment.frameLength
        }
    }

    /// What a row needs of its connection: all rows wait for the end, and a
    /// whole record (with its transitions and anomalies) would wait with each.
    struct Row {
        var client: Endpoint
        var server: Endpoint
        var firstSeen: Timestamp
        var duration: Int64
        var toServer: Direction
        var toClient: Direction
        var frames: Int { toServer.frames + toClient.frames }
        var bytes: Int { toServer.bytes + toClient.bytes }
    }

    static let columns: [(String, Int)] = [
        ("CLIENT", 22), ("SERVER", 22), ("C→S FRAMES", 12), ("C→S BYTES", 12), ("S→C FRAMES", 12), ("S→C BYTES", 12),
        ("FRAMES", 9), ("BYTES", 12), ("START s", 13), ("DURATION s", 0),
    ]

    public let order: Order
    private var open: [UInt64: (toServer: Direction, toClient: Direction)] = [:]
    private var rows: [Row] = []
    private var captureStart: Timestamp?

    public init(order: Order = .start) {
        self.order = order
    }

    public var events: ReportedEvents { [.segments] }

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        switch event {
        case .segment(let event):
            if captureStart == nil { captureStart = event.segment.timestamp }
            // Counted in place: a copy out and back per segment costs a second lookup.
            if event.sender == .client {
                open[event.connectionID, default: (Direction(), Direction())].toServer.add(event.segment)
            } else {
                open[event.connectionID, default: (Direction(), Direction())].toClient.add(event.segment)
            }
        case .finished(let record):
            let counts = open.removeValue(forKey: record.id) ?? (Direction(), Direction())
            rows.append(Row(client: record.client, server: record.server, firstSeen: record.firstSeen,
                            duration: record.lastSeen - record.firstSeen, toServer: counts.toServer,
                            toClient: counts.toClient))
        case .transition, .anomaly, .zeekRow:
            break
        }
    }

    public mutating func end(to output: inout some LineSink) {
        output.write(Self.line(Self.columns.map(\.0)))
        let start = captureStart ?? Timestamp(nanosecondsSinceEpoch: 0)
        for row in sorted() {
            output.write(Self.line([
                row.client.description, row.server.description,
                String(row.toServer.frames), String(row.toServer.bytes), String(row.toClient.frames),
                String(row.toClient.bytes), String(row.frames), String(row.bytes),
                TimeText.seconds(roundedToMicroseconds: row.firstSeen - start), TimeText.seconds(roundedToMicroseconds: row.duration),
            ]))
        }
    }

    /// Ties keep finishing order, so the output is the same on every run.
    private func sorted() -> [Row] {
        func key(_ row: Row) -> Int64 {
            switch order {
            case .start: row.firstSeen.nanosecondsSinceEpoch
            case .frames: -Int64(row.frames)
            case .bytes: -Int64(row.bytes)
            case .duration: -row.duration
            }
        }
        return rows.enumerated().sorted { (key($0.element), $0.offset) < (key($1.element), $1.offset) }.map(\.element)
    }

    /// Names left-aligned, numbers right-aligned, like tshark's table.
    static func line(_ cells: [String]) -> String {
        var line = ""
        for (index, (cell, (_, width))) in zip(cells, columns).enumerated() {
            if width == 0 { line += cell } else if index < 2 { line += cell.padding(width - 1) + " " } else {
                line += cell.leftPadding(width - 2) + "  "
            }
        }
        return line
    }
}
