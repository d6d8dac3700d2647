import Tracker
import Wire

/// `--format ladder`: each connection as a sequence diagram in the
/// terminal: client on the left, server on the right, one arrow per segment
/// (flags, relative seq/ack), and each side's new state beside the arrow
/// that changed it. Drawn when the connection finishes.
///
///           ms  client                                                    server
///        0.000  SYN_SENT      ──── SYN seq=0 ─────────────────────────────▶
///        0.015                ◀─── SYN+ACK seq=0 ack=1 ──────────────────  SYN_RECEIVED
public struct LadderDiagram: ConnectionRenderer {
    static let arrowWidth = 46
    private var histories = ConnectionHistories()
    public var events: ReportedEvents { [.segments, .transitions] }

    public init() {}

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        guard let (record, history) = histories.record(event) else { return }
        for line in Self.draw(record, history) { output.write(line) }
        output.write("")
    }

    static func draw(_ record: ConnectionRecord, _ history: ConnectionHistories.History) -> [String] {
        let start = record.firstSeen
        var rows: [(time: String, client: String, arrow: String, server: String)] = []
        if !history.initial.isEmpty {
            rows.append(("", chain(history.initial, .client), "", chain(history.initial, .server)))
        }
        var sequence = RelativeSequence()
        for step in history.steps {
            let fromClient = step.sender == .client
            let label = FlagWords.words(step.segment.flags) + " "
                + sequence.describe(step.segment, fromClient: fromClient) + marks(step.marks)
            rows.append((TimeText.milliseconds(step.segment.timestamp - start), chain(step.transitions, .client),
                         arrow(label, rightward: fromClient), chain(step.transitions, .server)))
        }
        for change in history.closing {
            let note = "(" + reason(change) + ")"
            let client = change.role == .client ? mark(change.transition) : ""
            let server = change.role == .server ? mark(change.transition) : ""
            rows.append((TimeText.milliseconds(change.transition.time - start), client, "  " + note, server))
        }
        let clientWidth = max(12, rows.map(\.client.count).max() ?? 0) + 2
        let timeWidth = max(8, rows.map(\.time.count).max() ?? 0)
        var lines = ["#\(record.id) \(record.client) → \(record.server) (handshake \(record.handshake.rawValue), "
                     + "close \(record.close.rawValue))"]
        lines.append("ms".leftPadding(timeWidth) + "  " + "client".padding(clientWidth)
                     + String(repeating: " ", count: arrowWidth) + "  server")
        for row in rows {
            let arrowColumn = row.arrow.padding(arrowWidth)
            let line = row.time.leftPadding(timeWidth) + "  " + row.client.padding(clientWidth) + arrowColumn
                + (row.server.isEmpty ? "" : "  " + row.server)
            lines.append(String(line.reversed().drop { $0 == " " }.reversed()))
        }
        if history.omitted > 0 {
            lines.append(String(repeating: " ", count: timeWidth) + "  … \(history.omitted) more segments not drawn")
        }
        if hasMarks(record) {
            lines.append(String(repeating: " ", count: timeWidth) + "  * inferred from later segments, ~ assumed")
        }
        return lines
    }

    /// `──── label ───▶` or `◀─── label ────`.
    static func arrow(_ label: String, rightward: Bool) -> String {
        let fill = String(repeating: "─", count: max(2, arrowWidth - label.count - 7))
        return rightward ? "──── \(label) \(fill)▶" : "◀─── \(label) \(fill)─"
    }

    /// A state with `*` if inferred, `~` if assumed.
    static func mark(_ transition: StateTransition) -> String {
        transition.state.rawValue + (transition.assumed ? "~" : transition.inferred ? "*" : "")
    }

    /// tshark's words for a segment's marks, shorter: ` [Retransmission]`, ` [Dup ACK]`.
    static func marks(_ marks: SegmentMarks) -> String {
        marks.labels.map { " [" + $0.dropFirst("TCP ".count) + "]" }.joined()
    }

    /// Every state `role` passed through in `transitions`, in order:
    /// `FIN_WAIT_1→CLOSING`, so a step that moved a side twice shows both.
    static func chain(_ transitions: [TransitionEvent], _ role: Role) -> String {
        transitions.filter { $0.role == role }.map { mark($0.transition) }.joined(separator: "→")
    }

    /// Whether any state was inferred or assumed, so the key to `*` and `~` is due.
    static func hasMarks(_ record: ConnectionRecord) -> Bool {
        record.clientTransitions.contains { $0.inferred || $0.assumed }
            || record.serverTransitions.contains { $0.inferred || $0.assumed }
    }

    /// Why a state changed without a segment of this connection.
    static func reason(_ change: TransitionEvent) -> String {
        if change.from == .timeWait, change.transition.state == .closed {
            return change.cause == nil ? "TIME_WAIT ran out: 2×MSL" : "port reused by a new SYN"
        }
        return change.cause == nil ? "taken as delivered at the end of the capture" : "seen later"
    }
}
