import Tracker
import Wire

/// Passes on only the events of chosen connections (`--connection ID`,
/// `--conn HOST:PORT`); with no criterion, everything.
public struct ConnectionSelection<Inner: ConnectionRenderer>: ConnectionRenderer {
    public var inner: Inner
    public let criterion: ConnectionCriterion?
    /// Open connections that match, so their anomalies (which carry only an id) pass too.
    private var chosen: Set<UInt64> = []
    /// Finished connections that matched.
    public private(set) var matched = 0

    public init(_ inner: Inner, criterion: ConnectionCriterion?) {
        self.inner = inner
        self.criterion = criterion
    }

    /// The inner renderer's, and transitions with anomalies: an anomaly
    /// carries only an id, so a transition must show whose connection it is.
    public var events: ReportedEvents {
        inner.events.contains(.anomalies) ? inner.events.union(.transitions) : inner.events
    }
    public mutating func begin(to output: inout some LineSink) { inner.begin(to: &output) }
    public mutating func end(to output: inout some LineSink) { inner.end(to: &output) }

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        guard let criterion else { return inner.render(event, to: &output) }
        let selected: Bool
        switch event {
        case .segment(let segment):
            selected = note(segment.connectionID, criterion.matches(id: segment.connectionID, client: segment.client,
                                                                     server: segment.server))
        case .transition(let change):
            selected = note(change.connectionID, criterion.matches(id: change.connectionID, client: change.client,
                                                                    server: change.server))
        case .anomaly(let id, _):
            selected = chosen.contains(id)
        case .finished(let record):
            selected = criterion.matches(id: record.id, client: record.client, server: record.server)
            chosen.remove(record.id)
            if selected { matched += 1 }
        }
        if selected { inner.render(event, to: &output) }
    }

    private mutating func note(_ id: UInt64, _ matches: Bool) -> Bool {
        if matches { chosen.insert(id) }
        return matches
    }
}
