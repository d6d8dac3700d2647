import Foundation
import Tracker
import Wire

/// The report's overview: how many connections had each outcome and how
/// each ended, the handshake RTT histogram (SVG, with p50/p90/p99), and a
/// timeline with two lanes per connection, each endpoint's states as
/// coloured spans over capture time.
struct HTMLOverview {
    /// Histogram bins: four per decade from 1 µs to 10 s, log scale.
    static let binsPerDecade = 4
    static let decades = 7
    static let smallest = 1_000.0

    private var total = 0
    private var complete = 0
    private var failures: [Failure: Int] = [:]
    private var portReused = 0
    private var endings: [FinishReason: Int] = [:]
    private var rtts = DurationHistogram()
    private var bins = [Int](repeating: 0, count: binsPerDecade * decades)
    private var timeline: [(id: UInt64, start: Timestamp, end: Timestamp,
                            lanes: [[(Int64, String, Bool)]])] = []
    private var timelineLeftOut = 0
    private var occupancy = StateOccupancy()

    /// Counts `record`, whose `failures` the report has found.
    mutating func add(_ record: ConnectionRecord, failures shown: [Failure], keepsTimeline: Bool) {
        total += 1
        if record.handshake == .complete || record.handshake == .simultaneous { complete += 1 }
        for failure in shown { failures[failure, default: 0] += 1 }
        if record.finishReason == .portReused { portReused += 1 }
        endings[record.finishReason, default: 0] += 1
        if let rtt = record.handshakeRTT {
            rtts.record(rtt)
            let position = log10(max(Double(rtt), Self.smallest) / Self.smallest) * Double(Self.binsPerDecade)
            bins[min(bins.count - 1, Int(position))] += 1
        }
        occupancy.add(record)
        guard keepsTimeline else { timelineLeftOut += 1; return }
        let lanes = [record.clientTransitions.map { ($0.time.nanosecondsSinceEpoch, $0.state.rawValue, $0.inferred) },
                     record.serverTransitions.map { ($0.time.nanosecondsSinceEpoch, $0.state.rawValue, $0.inferred) }]
        timeline.append((record.id, record.firstSeen, record.lastSeen, lanes))
    }

    var html: [String] {
        var lines = ["<section id=\"overview\"><h2>Overview</h2>", "<div class=\"cards\">"]
        var cards = [("connections", total), ("complete", complete)]
        cards += Failure.allCases.map { ($0.rawValue, failures[$0] ?? 0) }
        cards.append(("port reuse", portReused))
        for (label, count) in cards {
            lines.append("<div class=\"card\" data-count=\"\(label)\"><b>\(count)</b><span>\(label)</span></div>")
        }
        lines.append("</div>")
        lines.append("<p class=\"endings\">Ended: " + FinishReason.allCases.compactMap { reason in
            endings[reason].map { "\(reason.rawValue) \($0)" }
        }.joined(separator: ", ") + "</p>")
        lines.append(histogram)
        if let chart = occupancy.svg {
            lines.append("<figure><figcaption>All \(total) connections: how many were in each state over capture "
                         + "time (each endpoint counts)</figcaption>")
            lines.append(chart)
            lines.append(StateOccupancy.legend + "</figure>")
        }
        lines += timelineSVG
        lines.append("</section>")
        return lines
    }

    private var histogram: String {
        let width = 560, height = 150, left = 40, bottom = 120
        let barWidth = (width - left) / bins.count
        let highest = max(1, bins.max() ?? 1)
        var parts = ["<figure><figcaption>Handshake RTT (SYN to the client's ACK), \(rtts.count) connections"
                     + percentilesText + "</figcaption>",
                     "<svg class=\"histogram\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" "
                     + "width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"handshake RTT histogram\">"]
        for (index, count) in bins.enumerated() where count > 0 {
            let barHeight = max(1, count * (bottom - 10) / highest)
            parts.append("<rect class=\"bar\" x=\"\(left + index * barWidth)\" y=\"\(bottom - barHeight)\" "
                         + "width=\"\(barWidth - 1)\" height=\"\(barHeight)\"><title>\(count)</title></rect>")
        }
        let labels = ["1µs", "10µs", "100µs", "1ms", "10ms", "100ms", "1s", "10s"]
        for (decade, label) in labels.enumerated() {
            let x = left + decade * Self.binsPerDecade * barWidth
            parts.append("<text class=\"axis\" x=\"\(x)\" y=\"\(bottom + 16)\" text-anchor=\"middle\">\(label)</text>")
        }
        // Labels one under the other: close percentiles would print over each other.
        for (row, (label, fraction)) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)].enumerated() {
            guard let value = rtts.percentile(fraction) else { continue }
            let position = log10(max(Double(value), Self.smallest) / Self.smallest) * Double(Self.binsPerDecade)
            let x = left + Int(position * Double(barWidth))
            parts.append("<line class=\"percentile\" x1=\"\(x)\" y1=\"6\" x2=\"\(x)\" y2=\"\(bottom)\"/>"
                         + "<text class=\"axis\" x=\"\(x + 3)\" y=\"\(14 + 12 * row)\">\(label)</text>")
        }
        parts.append("<line class=\"axisline\" x1=\"\(left)\" y1=\"\(bottom)\" x2=\"\(width)\" y2=\"\(bottom)\"/>")
        parts.append("</svg></figure>")
        return parts.joined(separator: "\n")
    }

    private var percentilesText: String {
        let values = [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)].compactMap { label, fraction in
            rtts.percentile(fraction).map { "\(label) \(TimeText.milliseconds($0)) ms" }
        }
        return values.isEmpty ? "" : ": " + values.joined(separator: ", ")
    }

    /// Two lanes a connection (client above, server below), each state a
    /// span until the next; a click on a connection's lanes opens it.
    private var timelineSVG: [String] {
        guard let start = timeline.map(\.start).min(), let end = timeline.map(\.end).max() else { return [] }
        let width = 800, left = 60, lane = 3, rowHeight = 9
        let span = Double(max(1, end - start))
        let height = timeline.count * rowHeight + 20
        func x(_ time: Int64) -> Int {
            left + ChartScale.offset(time &- start.nanosecondsSinceEpoch, of: span, length: width - left - 4)
        }
        var parts = ["<figure><figcaption>Timeline: each connection's client (upper lane) and server (lower) "
                     + "states over \(TimeText.seconds(roundedToMicroseconds: end - start)) s of capture"
                     + (timelineLeftOut > 0 ? "; the first \(timeline.count) connections to finish, "
                        + "\(timelineLeftOut) more in the table" : "") + "</figcaption>",
                     "<div class=\"timeline-frame\"><svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
                     + "viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" "
                     + "aria-label=\"connection timeline\">"]
        for (row, connection) in timeline.sorted(by: { ($0.start, $0.id) < ($1.start, $1.id) }).enumerated() {
            let y = 4 + row * rowHeight
            parts.append("<a href=\"#c\(connection.id)\"><text class=\"axis\" x=\"0\" y=\"\(y + 7)\">#\(connection.id)</text>")
            for (index, changes) in connection.lanes.enumerated() {
                for (position, change) in changes.enumerated() {
                    let until = position + 1 < changes.count ? changes[position + 1].0
                        : max(change.0, connection.end.nanosecondsSinceEpoch)
                    let from = x(change.0), to = max(x(change.0) + 1, x(until))
                    parts.append("<rect class=\"st-\(change.1)\(change.2 ? " inferred" : "")\" x=\"\(from)\" "
                                 + "y=\"\(y + index * (lane + 1))\" width=\"\(to - from)\" height=\"\(lane)\">"
                                 + "<title>#\(connection.id) \(index == 0 ? "client" : "server") \(change.1)</title></rect>")
                }
            }
            parts.append("</a>")
        }
        parts.append("</svg></div></figure>")
        return parts
    }
}
