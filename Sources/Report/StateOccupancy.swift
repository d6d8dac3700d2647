import Tracker
import Wire

/// How many connections were in each state over capture time, for every
/// connection of the capture, in a fixed number of time bins: when a span
/// reaches past the last bin, the bins double in width and pairs merge, so
/// memory does not grow with the capture, only the resolution coarsens.
/// A connection counts in a bin for each state it held at some moment in it.
/// Connections finish in any order, so the first bin moves back in time
/// when one began before it.
struct StateOccupancy {
    static let binCount = 400
    private(set) var origin: Int64?
    /// Nanoseconds a bin spans; starts at a millisecond.
    private(set) var binWidth: Int64 = 1_000_000
    /// The states in chart order; `allCases` makes a new array at every use.
    static let order = TCPState.allCases
    static let states = order.count
    /// Bin by bin, a count per state: one flat array, as it is touched for every span.
    private var counts = [Int](repeating: 0, count: binCount * states)
    private(set) var end: Int64 = 0

    mutating func add(_ record: ConnectionRecord) {
        for transitions in [Array(record.clientTransitions), Array(record.serverTransitions)] {
            for (index, change) in transitions.enumerated() {
                let from = change.time.nanosecondsSinceEpoch
                let until = index + 1 < transitions.count ? transitions[index + 1].time.nanosecondsSinceEpoch
                    : max(from, record.lastSeen.nanosecondsSinceEpoch)
                add(change.state, from: from, until: until)
            }
        }
    }

    /// Counts a span in every bin it touches. A span whose times run
    /// backwards (a capture's clock did) or lie too far apart to bin is left
    /// out, as the fuzzer showed: a span ending before it began once asked
    /// for terabytes of bins.
    private mutating func add(_ state: TCPState, from: Int64, until: Int64) {
        guard until >= from, until.subtractingReportingOverflow(from).overflow == false else { return }
        if origin == nil {
            origin = from
            end = until
        }
        while let start = origin, from < start {
            guard reach(back: from) else { return }
        }
        guard let start = origin else { return }
        end = max(end, until)
        while until - start >= binWidth * Int64(Self.binCount) {
            guard coarsen() else { return }
        }
        let first = Int((from - start) / binWidth), last = Int((until - start) / binWidth)
        let column = Self.order.firstIndex(of: state) ?? 0
        for bin in first...last { counts[bin * Self.states + column] += 1 }
    }

    /// Moves the first bin back to cover `time`, shifting the counts, or
    /// makes the bins wider when they would not all fit; false if `time`
    /// is too far away to bin.
    private mutating func reach(back time: Int64) -> Bool {
        guard let start = origin else { return false }
        let (distance, overflow) = start.subtractingReportingOverflow(time)
        guard !overflow else { return false }
        let needed = distance / binWidth + (distance % binWidth == 0 ? 0 : 1)
        let used = (end - start) / binWidth + 1
        guard used + needed <= Int64(Self.binCount) else { return coarsen() }
        counts = [Int](repeating: 0, count: Int(needed) * Self.states)
            + counts.prefix((Self.binCount - Int(needed)) * Self.states)
        origin = start - needed * binWidth
        return true
    }

    /// Twice as wide, half as many in use: bin pairs merge. False when the
    /// bins cannot widen further (they would span more than 2^63 ns in all).
    private mutating func coarsen() -> Bool {
        guard binWidth <= Int64.max / Int64(4 * Self.binCount) else { return false }
        for bin in 0..<Self.binCount / 2 {
            for column in 0..<Self.states {
                counts[bin * Self.states + column] = counts[2 * bin * Self.states + column]
                    + counts[(2 * bin + 1) * Self.states + column]
            }
        }
        for index in Self.binCount / 2 * Self.states..<counts.count { counts[index] = 0 }
        binWidth *= 2
        return true
    }

    private func count(_ bin: Int, _ column: Int) -> Int { counts[bin * Self.states + column] }

    /// A stacked chart: one column of coloured bars per bin, a state per colour.
    var svg: String? {
        guard let origin else { return nil }
        let used = min(Self.binCount, Int((end - origin) / binWidth) + 1)
        let width = 800, height = 170, left = 60, bottom = 150
        let highest = max(1, (0..<used).map { bin in (0..<Self.states).reduce(0) { $0 + count(bin, $1) } }.max() ?? 1)
        let barWidth = max(1.0, Double(width - left - 4) / Double(used))
        var parts = ["<svg class=\"occupancy\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" "
                     + "width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"connections in each state over time\">"]
        for bin in 0..<used {
            var top = bottom
            for (column, state) in Self.order.enumerated() where count(bin, column) > 0 {
                let barHeight = max(1, count(bin, column) * (bottom - 8) / highest)
                top -= barHeight
                let x = left + Int(Double(bin) * barWidth)
                parts.append("<rect class=\"st-\(state.rawValue)\" x=\"\(x)\" y=\"\(top)\" "
                             + "width=\"\(max(1, Int(barWidth.rounded(.up))))\" height=\"\(barHeight)\">"
                             + "<title>\(state.rawValue) \(count(bin, column))</title></rect>")
            }
        }
        parts.append("<text class=\"axis\" x=\"\(left - 4)\" y=\"14\" text-anchor=\"end\">\(highest)</text>")
        parts.append("<text class=\"axis\" x=\"\(left - 4)\" y=\"\(bottom)\" text-anchor=\"end\">0</text>")
        parts.append("<text class=\"axis\" x=\"\(width - 4)\" y=\"\(bottom + 16)\" text-anchor=\"end\">"
                     + "\(TimeText.seconds(roundedToMicroseconds: end - origin)) s</text>")
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// Which colour is which state, under the chart.
    static var legend: String {
        "<p class=\"legend\">" + order.map {
            "<svg width=\"10\" height=\"10\"><rect class=\"st-\($0.rawValue)\" width=\"10\" height=\"10\"/></svg> \($0.rawValue)"
        }.joined(separator: " ") + "</p>"
    }
}
