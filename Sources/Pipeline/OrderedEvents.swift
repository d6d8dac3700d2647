import Tracker
import Wire

/// Where an event stands in the order one tracker would have reported it,
/// so the events of several trackers (`ParallelAnalysis`) can be put back
/// in that order: by the segment whose arrival caused it, the timers run
/// before that segment coming first (ordered by timer and connection id,
/// as one tracker's timer queue orders them), then the segment's own
/// events; at the end of the input, by first-seen time and id.
struct EventOrder: Comparable {
    /// The segment's place in the input; `UInt64.max` at the end.
    var index: UInt64
    /// 0: timers run before the segment; 1: the segment itself; 2: the end of the input.
    var phase: UInt8
    /// The timer's time, or at the end the first-seen time.
    var time: Int64
    var id: UInt64
    /// The tracker's own count of its events, for its events of one connection at one moment.
    var sequence: UInt64

    static func < (lhs: EventOrder, rhs: EventOrder) -> Bool {
        (lhs.index, lhs.phase, lhs.time, lhs.id, lhs.sequence) < (rhs.index, rhs.phase, rhs.time, rhs.id, rhs.sequence)
    }
}

struct OrderedEvent {
    var order: EventOrder
    var event: ConnectionEvent
}

/// A tracker's sink in `ParallelAnalysis`: keeps each event with its place
/// in the order, told by the tracker loop (which segment or timer run) and
/// by the tracker (which connection a timer is for).
struct OrderingSink: ConnectionEventSink {
    private(set) var events: [OrderedEvent] = []
    private var current = EventOrder(index: 0, phase: 0, time: 0, id: 0, sequence: 0)

    /// The events that come next are the timers' run before segment `index`.
    mutating func timers(before index: UInt64) {
        current.index = index
        current.phase = 0
    }

    /// The events that come next are segment `index`'s.
    mutating func segment(_ index: UInt64) {
        current.index = index
        current.phase = 1
        current.time = 0
        current.id = 0
    }

    /// The events that come next are the end of the input's.
    mutating func end() {
        current.index = .max
        current.phase = 2
    }

    mutating func receive(_ event: ConnectionEvent) {
        current.sequence += 1
        events.append(OrderedEvent(order: current, event: event))
    }

    mutating func connectionEventsFollow(orderedBy time: Timestamp, id: UInt64) {
        current.time = time.nanosecondsSinceEpoch
        current.id = id
    }

    /// Takes the events kept so far.
    mutating func take() -> [OrderedEvent] {
        defer { events = [] }
        return events
    }
}
