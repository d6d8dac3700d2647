import Wire

/// What the tracker reports, in capture order.
public enum ConnectionEvent: Sendable {
    /// A segment of a tracked connection, before what it changes is reported
    /// (only with `ReportedEvents.segments`).
    case segment(SegmentEvent)
    /// An endpoint changed state.
    case transition(TransitionEvent)
    /// Something unusual, reported the first time each kind happens on a connection.
    case anomaly(connectionID: UInt64, anomaly: Anomaly)
    /// A connection left the table; its record is final.
    case finished(ConnectionRecord)
    /// Zeek's timers removed a connection from Zeek's table: its conn.log
    /// row (only with `ReportedEvents.zeekRows`, from `ZeekSessionTracker`).
    case zeekRow(ZeekRow)
}

/// One state change, with the segment that caused it when there was one.
public struct TransitionEvent: Sendable {
    public var connectionID: UInt64
    public var client: Endpoint
    public var server: Endpoint
    public var role: Role
    public var from: TCPState
    public var transition: StateTransition
    /// The segment that proved it; nil for timeouts, port reuse and end of input.
    public var cause: TCPSegment?
    /// After the connection's record: an endpoint's TIME_WAIT ran out, or the
    /// port was reused, after the close linger reported the connection with
    /// that endpoint in TIME_WAIT. Renderers that draw whole connections
    /// have drawn this one already.
    public var followsRecord = false
}

/// One segment, placed in its connection.
public struct SegmentEvent: Sendable {
    public var connectionID: UInt64
    public var client: Endpoint
    public var server: Endpoint
    public var sender: Role
    public var segment: TCPSegment
    /// What tshark's analysis says of it: retransmission, duplicate ACK, ….
    public var marks: SegmentMarks

    public init(connectionID: UInt64, client: Endpoint, server: Endpoint, sender: Role, segment: TCPSegment,
                marks: SegmentMarks = []) {
        self.connectionID = connectionID
        self.client = client
        self.server = server
        self.sender = sender
        self.segment = segment
        self.marks = marks
    }
}

/// Which events the tracker reports besides `.finished`, which it always
/// reports. A renderer that draws only finished connections asks for none:
/// building an event per transition is most of the per-segment cost then.
public struct ReportedEvents: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `.segment`: every segment, before what it changes (the per-connection diagrams).
    public static let segments = ReportedEvents(rawValue: 1 << 0)
    /// `.transition`: every state change, as it happens.
    public static let transitions = ReportedEvents(rawValue: 1 << 1)
    /// `.anomaly`: the first of each kind per connection and sender.
    public static let anomalies = ReportedEvents(rawValue: 1 << 2)
    /// `.zeekRow`: Zeek's own connections, as its timers end them (the zeek format).
    public static let zeekRows = ReportedEvents(rawValue: 1 << 3)
    public static let all: ReportedEvents = [.segments, .transitions, .anomalies]
}

/// Where the tracker delivers events. A generic parameter, not an
/// existential, so the per-segment path stays specialised.
public protocol ConnectionEventSink {
    mutating func receive(_ event: ConnectionEvent)
    /// Comes before the events of one connection that a timer or the end
    /// of the input causes (TIME_WAIT's end, an idle or a close-linger
    /// report, the report at the end), with what orders them among other
    /// connections': the timer's time (at the end, the first-seen time) and
    /// the connection's id. Most sinks need nothing of it; `ParallelAnalysis`
    /// merges several trackers' events by it.
    mutating func connectionEventsFollow(orderedBy time: Timestamp, id: UInt64)
}

extension ConnectionEventSink {
    @inlinable
    public mutating func connectionEventsFollow(orderedBy time: Timestamp, id: UInt64) {}
}

/// A sink that keeps every event, for tests and small captures.
public struct CollectingSink: ConnectionEventSink {
    public var events: [ConnectionEvent] = []
    public init() {}
    public mutating func receive(_ event: ConnectionEvent) { events.append(event) }

    public var records: [ConnectionRecord] {
        events.compactMap { if case .finished(let record) = $0 { record } else { nil } }
    }
}
