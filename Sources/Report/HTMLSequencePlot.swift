import Tracker
import Wire

/// A time-sequence plot of one direction, as tcptrace draws them: each
/// segment a vertical bar from its first to its last sequence number
/// (relative, as the ladder's), the receiver's ACK line and the edge of the
/// window it offered above it, retransmissions and other marked segments
/// in red, SYN, FIN and RST lettered; behind them the sender's states as
/// bands over time.
enum HTMLSequencePlot {
    static let width = 400
    static let height = 230
    static let left = 56
    static let bottom = 200

    static func svg(_ record: ConnectionRecord, _ history: ConnectionHistories.History, sender: Role) -> String? {
        let sent = history.steps.filter { $0.sender == sender }
        guard let first = sent.first else { return nil }
        let base = first.segment.flags.contains(.syn) ? first.segment.sequence : first.segment.sequence + UInt32.max
        let acks = history.steps.filter { $0.sender != sender && $0.segment.flags.contains(.ack) }
        let shift = windowShift(history, receiver: sender == .client ? .server : .client)
        func relative(_ number: SequenceNumber) -> Int64 { Int64(number - base) }
        let times = history.steps.map { $0.segment.timestamp - record.firstSeen }
        let span = Double(max(1, times.max() ?? 1))
        // Scaled to the data and the ACKs; a window's edge far above them is cut at the top.
        var highest: Int64 = 1
        for step in sent { highest = max(highest, relative(step.segment.sequenceEnd)) }
        for step in acks { highest = max(highest, relative(step.segment.acknowledgment)) }
        highest += highest / 4
        func x(_ step: ConnectionHistories.Step) -> Int {
            left + ChartScale.offset(step.segment.timestamp - record.firstSeen, of: span, length: width - left - 8)
        }
        func y(_ value: Int64) -> Int { bottom - Int(Double(max(0, min(value, highest))) / Double(highest) * Double(bottom - 12)) }

        let direction = sender == .client ? "client → server" : "server → client"
        var parts = ["<svg class=\"tsplot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" "
                     + "width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"time-sequence \(direction)\">"]
        parts += bands(record, sender: sender, x: { left + ChartScale.offset($0, of: span, length: width - left - 8) })
        parts.append("<text class=\"axis\" x=\"\(left)\" y=\"10\">\(direction): relative sequence over time</text>")
        parts.append("<line class=\"axisline\" x1=\"\(left)\" y1=\"\(bottom)\" x2=\"\(width)\" y2=\"\(bottom)\"/>")
        parts.append("<line class=\"axisline\" x1=\"\(left)\" y1=\"12\" x2=\"\(left)\" y2=\"\(bottom)\"/>")
        parts.append("<text class=\"axis\" x=\"\(left - 4)\" y=\"16\" text-anchor=\"end\">\(highest)</text>")
        parts.append("<text class=\"axis\" x=\"\(left - 4)\" y=\"\(bottom)\" text-anchor=\"end\">0</text>")
        parts.append("<text class=\"axis\" x=\"\(width - 4)\" y=\"\(bottom + 14)\" text-anchor=\"end\">"
                     + "\(TimeText.milliseconds(Int64(span))) ms</text>")
        if !acks.isEmpty {
            parts.append("<polyline class=\"ackline\" points=\"" + stepLine(acks.map {
                (x($0), y(relative($0.segment.acknowledgment)))
            }) + "\"><title>ACKs from the receiver</title></polyline>")
            parts.append("<polyline class=\"windowline\" points=\"" + stepLine(acks.map {
                (x($0), y(relative($0.segment.acknowledgment) + Int64(Int($0.segment.window) << shift)))
            }) + "\"><title>the window's edge: ACK + window</title></polyline>")
        }
        for step in sent {
            let start = relative(step.segment.sequence), end = relative(step.segment.sequenceEnd)
            let marked = !step.marks.subtracting(Anomaly.Kind.chatter).isEmpty
            let tip = FlagWords.words(step.segment.flags) + " \(start)–\(end)" + LadderDiagram.marks(step.marks)
            parts.append("<line class=\"tick\(marked ? " marked" : "")\" x1=\"\(x(step))\" y1=\"\(y(start))\" "
                         + "x2=\"\(x(step))\" y2=\"\(min(y(start) - 2, y(end)))\"><title>\(MarkupText.escaped(tip))</title></line>")
            let letters = [(TCPFlags.syn, "S"), (.fin, "F"), (.rst, "R")].filter { step.segment.flags.contains($0.0) }
            if !letters.isEmpty {
                parts.append("<text class=\"flag\" x=\"\(x(step) + 2)\" y=\"\(y(end) - 3)\">"
                             + letters.map(\.1).joined() + "</text>")
            }
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// The receiver's window is shifted by its scale once both SYNs offered one.
    private static func windowShift(_ history: ConnectionHistories.History, receiver: Role) -> Int {
        let syns = history.steps.filter { $0.segment.flags.contains(.syn) }
        let offered = { (role: Role) in syns.first { $0.sender == role }?.segment.options.windowScale }
        guard let shift = offered(receiver), offered(receiver == .client ? .server : .client) != nil else { return 0 }
        return Int(min(shift, 14))
    }

    /// Points of a step line: flat until each new value.
    private static func stepLine(_ points: [(Int, Int)]) -> String {
        var text: [String] = []
        var previous: Int?
        for (x, y) in points {
            if let previous { text.append("\(x),\(previous)") }
            text.append("\(x),\(y)")
            previous = y
        }
        return text.joined(separator: " ")
    }

    /// The sender's states behind the plot, each from its change to the next.
    private static func bands(_ record: ConnectionRecord, sender: Role, x: (Int64) -> Int) -> [String] {
        let changes = sender == .client ? Array(record.clientTransitions) : Array(record.serverTransitions)
        var parts: [String] = []
        for (index, change) in changes.enumerated() {
            let from = x(change.time - record.firstSeen)
            let to = index + 1 < changes.count ? x(changes[index + 1].time - record.firstSeen) : width - 8
            guard to > from else { continue }
            parts.append("<rect class=\"backdrop st-\(change.state.rawValue)\" x=\"\(from)\" y=\"12\" "
                         + "width=\"\(to - from)\" height=\"\(bottom - 12)\"><title>\(change.state.rawValue)</title></rect>")
        }
        return parts
    }
}
