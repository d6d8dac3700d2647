import Tracker
import Wire

/// One connection as the study note draws it, in SVG: the client's and the
/// server's lifelines, each with its states as coloured bands along it, an
/// arrow per segment (flags, relative seq/ack, length, window, tshark's
/// marks), and each state change labelled where it happened; hovering a
/// label shows the rule of RFC 9293 that moved it and the segment that
/// proved it. Inferred states are dashed, assumed ones hatched.
enum HTMLLadder {
    static let width = 820
    static let clientX = 210
    static let serverX = 610
    static let top = 56
    static let rowHeight = 26

    struct Row {
        var time: String
        var arrow: (fromClient: Bool, label: String, marked: Bool)?
        var note: String?
        var changes: [TransitionEvent]
    }

    static func svg(_ record: ConnectionRecord, _ history: ConnectionHistories.History) -> String {
        var rows: [Row] = []
        var sequence = RelativeSequence()
        if !history.initial.isEmpty { rows.append(Row(time: "", changes: history.initial)) }
        for step in history.steps {
            let fromClient = step.sender == .client
            var label = FlagWords.words(step.segment.flags) + " " + sequence.describe(step.segment, fromClient: fromClient)
                + " win=\(step.segment.window)"
            label += LadderDiagram.marks(step.marks)
            let marked = !step.marks.subtracting(Anomaly.Kind.chatter).isEmpty
            rows.append(Row(time: TimeText.milliseconds(step.segment.timestamp - record.firstSeen),
                            arrow: (fromClient, label, marked), changes: step.transitions))
        }
        if history.omitted > 0 {
            rows.append(Row(time: "", note: "… \(history.omitted) more segments not drawn", changes: []))
        }
        for change in history.closing {
            rows.append(Row(time: TimeText.milliseconds(change.transition.time - record.firstSeen),
                            note: LadderDiagram.reason(change), changes: [change]))
        }
        let height = top + rows.count * rowHeight + 24
        var parts = ["<svg class=\"ladder\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" "
                     + "width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"connection \(record.id) ladder\">"]
        parts.append("<text class=\"who\" x=\"\(clientX)\" y=\"18\" text-anchor=\"middle\">client "
                     + MarkupText.escaped(record.client.description) + "</text>")
        parts.append("<text class=\"who\" x=\"\(serverX)\" y=\"18\" text-anchor=\"middle\">server "
                     + MarkupText.escaped(record.server.description) + "</text>")
        parts.append("<text class=\"ms\" x=\"4\" y=\"40\">ms</text>")
        parts += bands(record, rows, height: height)
        for (index, row) in rows.enumerated() {
            let y = top + index * rowHeight + rowHeight / 2
            if !row.time.isEmpty {
                parts.append("<text class=\"ms\" x=\"4\" y=\"\(y + 4)\">\(row.time)</text>")
            }
            if let arrow = row.arrow {
                let (from, to) = arrow.fromClient ? (clientX + 8, serverX - 8) : (serverX - 8, clientX + 8)
                let kind = arrow.marked ? "seg marked" : "seg"
                parts.append("<line class=\"\(kind)\" x1=\"\(from)\" y1=\"\(y)\" x2=\"\(to)\" y2=\"\(y)\" "
                             + "marker-end=\"url(#arrow\(record.id))\"/>")
                parts.append("<text class=\"label\" x=\"\((clientX + serverX) / 2)\" y=\"\(y - 4)\" "
                             + "text-anchor=\"middle\">\(MarkupText.escaped(arrow.label))</text>")
            }
            if let note = row.note {
                parts.append("<text class=\"note\" x=\"\((clientX + serverX) / 2)\" y=\"\(y + 4)\" "
                             + "text-anchor=\"middle\">(\(MarkupText.escaped(note)))</text>")
            }
            for role in [Role.client, .server] {
                let changes = row.changes.filter { $0.role == role }
                guard !changes.isEmpty else { continue }
                let text = LadderDiagram.chain(changes, role)
                let tip = changes.map(explanation).joined(separator: "\n")
                let x = role == .client ? clientX - 12 : serverX + 12
                let anchor = role == .client ? "end" : "start"
                parts.append("<text class=\"state\" x=\"\(x)\" y=\"\(y + 4)\" text-anchor=\"\(anchor)\">"
                             + "<title>\(MarkupText.escaped(tip))</title>\(MarkupText.escaped(text))</text>")
            }
        }
        parts.append("<defs><marker id=\"arrow\(record.id)\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
                     + "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
                     + "<path d=\"M0,0 L10,5 L0,10 z\" class=\"head\"/></marker></defs>")
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// Each side's states as bands down its lifeline, from the row where a
    /// state began to the row where the next did.
    private static func bands(_ record: ConnectionRecord, _ rows: [Row], height: Int) -> [String] {
        var parts: [String] = []
        for role in [Role.client, .server] {
            let x = role == .client ? clientX : serverX
            parts.append("<line class=\"lifeline\" x1=\"\(x)\" y1=\"28\" x2=\"\(x)\" y2=\"\(height - 8)\"/>")
            var current: (state: String, inferred: Bool, assumed: Bool, row: Int)?
            func close(at row: Int) {
                guard let band = current else { return }
                let y = top + band.row * rowHeight + rowHeight / 2
                let end = top + row * rowHeight + rowHeight / 2
                guard end > y else { return }
                let style = band.assumed ? " assumed" : band.inferred ? " inferred" : ""
                parts.append("<rect class=\"band st-\(band.state)\(style)\" x=\"\(x - 5)\" y=\"\(y)\" width=\"10\" "
                             + "height=\"\(end - y)\"><title>\(band.state)</title></rect>")
            }
            for (index, row) in rows.enumerated() {
                for change in row.changes where change.role == role {
                    close(at: index)
                    current = (change.transition.state.rawValue, change.transition.inferred, change.transition.assumed, index)
                }
            }
            close(at: rows.count)
        }
        return parts
    }

    /// What moved a state, for its tooltip: the change, RFC 9293's rule and
    /// section, and the segment that proved it.
    static func explanation(_ change: TransitionEvent) -> String {
        var lines = ["\(change.from.rawValue) → \(change.transition.state.rawValue)"]
        lines.append(rule(from: change.from, to: change.transition.state, cause: change.cause))
        if let cause = change.cause {
            let sender = cause.source == change.client ? "client →" : "← server"
            var segment = "\(sender) [\(cause.flags.tcpdumpNotation)] seq \(cause.sequence)"
            if cause.flags.contains(.ack) { segment += " ack \(cause.acknowledgment)" }
            lines.append("proved by " + segment)
        }
        if change.transition.assumed { lines.append("assumed: the capture began mid-stream") }
        else if change.transition.inferred { lines.append("inferred: its segment is not in the capture") }
        return lines.joined(separator: "\n")
    }

    /// RFC 9293's rule for a change, with its section.
    static func rule(from: TCPState, to: TCPState, cause: TCPSegment?) -> String {
        if let cause, cause.flags.contains(.rst), to == .closed {
            return "an acceptable RST closes the connection (RFC 9293 §3.10.7.4, second: check the RST bit)"
        }
        switch (from, to) {
        case (.closed, .synSent): return "the application opens actively: send SYN (RFC 9293 §3.10.1, OPEN)"
        case (.listen, .synReceived): return "a SYN arrives at a listener: send SYN,ACK (RFC 9293 §3.10.7.2)"
        case (.listen, .synSent), (.closed, .listen): return "the application opens (RFC 9293 §3.10.1, OPEN)"
        case (.synSent, .established): return "our SYN is acknowledged with the peer's SYN (RFC 9293 §3.10.7.3)"
        case (.synSent, .synReceived): return "a SYN crosses ours: simultaneous open (RFC 9293 §3.10.7.3, §3.5)"
        case (.synReceived, .established): return "the ACK of our SYN arrives (RFC 9293 §3.10.7.4, fifth: the ACK field)"
        case (.established, .finWait1), (.synReceived, .finWait1):
            return "the application closes: send FIN (RFC 9293 §3.10.4, CLOSE)"
        case (.established, .closeWait), (.synReceived, .closeWait):
            return "the peer's FIN arrives (RFC 9293 §3.10.7.4, eighth: the FIN bit)"
        case (.finWait1, .finWait2): return "our FIN is acknowledged (RFC 9293 §3.10.7.4, fifth: the ACK field)"
        case (.finWait1, .closing): return "the peer's FIN arrives before the ACK of ours (RFC 9293 §3.10.7.4, eighth)"
        case (.finWait1, .timeWait), (.finWait2, .timeWait):
            return "the peer's FIN arrives: wait 2×MSL (RFC 9293 §3.10.7.4, eighth: the FIN bit)"
        case (.closing, .timeWait): return "our FIN is acknowledged: wait 2×MSL (RFC 9293 §3.10.7.4, fifth)"
        case (.closeWait, .lastAck): return "the application closes: send FIN (RFC 9293 §3.10.4, CLOSE)"
        case (.lastAck, .closed): return "our FIN is acknowledged (RFC 9293 §3.10.7.4, fifth: the ACK field)"
        case (.timeWait, .closed): return "2×MSL passed, or a new SYN reused the ports (RFC 9293 §3.10.8, §3.6.1)"
        default: return "RFC 9293 §3.3.2, the state diagram"
        }
    }
}
