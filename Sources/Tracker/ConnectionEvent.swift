import Wire

/// What the tracker reports, in capture order.
public enum ConnectionEvent: Sendable {
    /// A segment of a tracked connection, before what it changes is reported
    /// (only with `TrackerConfiguration.reportsSegments`).
    case segment(SegmentEvent)
    /// An endpoint changed state.
    case transition(TransitionEvent)
    /// Something unusual, reported the first time each kind happens on a connection.
    case anomaly(connectionID: UInt64, anomaly: Anomaly)
    /// A connection left the table; its record is final.
    case finished(ConnectionRecord)
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
}

/// One segment, placed in its connection.
public struct SegmentEvent: Sendable {
    public var connectionID: UInt64
    public var client: Endpoint
    public var server: Endpoint
    public var sender: Role
    public var segment: TCPSegment
}

/// Where the tracker delivers events. A generic parameter, not an
/// existential, so the per-segment path stays specialised.
public protocol ConnectionEventSink {
    mutating func receive(_ event: ConnectionEvent)
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
