import Tracker
import Wire

/// Passes on only the events of chosen connections: by id or endpoint
/// (`--connection ID`, `--conn HOST:PORT`) and by what their record shows
/// (`--where`); with neither, everything.
///
/// A record is known only when its connection finishes, so with `--where`
/// a connection's other events (transitions, segments, anomalies) are held
/// until then and passed on together, or dropped.
public struct ConnectionSelection<Inner: ConnectionRenderer>: ConnectionRenderer {
    public var inner: Inner
    public let criterion: ConnectionCriterion?
    public let filter: RecordFilter?
    /// Open connections that match, so their anomalies (which carry only an id) pass too.
    private var chosen: Set<UInt64> = []
    /// With `--where`: the events of each open connection, until its record decides.
    private var held: [UInt64: [ConnectionEvent]] = [:]
    /// Finished connections that matched.
    public private(set) var matched = 0

    public init(_ inner: Inner, criterion: ConnectionCriterion?, filter: RecordFilter? = nil) {
        self.inner = inner
        self.criterion = criterion
        self.filter = filter
    }

    /// The inner renderer's, and transitions with anomalies: an anomaly
    /// carries only an id, so a transition must show whose connection it is.
    public var events: ReportedEvents {
        inner.events.contains(.anomalies) ? inner.events.union(.transitions) : inner.events
    }
    public var needsRecords: Bool { inner.needsRecords }
    public mutating func begin(to output: inout some LineSink) { inner.begin(to: &output) }
    public mutating func end(to output: inout some LineSink) { inner.end(to: &output) }

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        guard criterion != nil || filter != nil else { return inner.render(event, to: &output) }
        if case .zeekRow(let row) = event {
            // Zeek's rows have no record to judge: only an endpoint chooses them.
            guard criterion.map({ $0.matches(row.originator) || $0.matches(row.responder) }) ?? true else { return }
            return inner.render(event, to: &output)
        }
        if case .finished(let record) = event {
            chosen.remove(record.id)
            let earlier = held.removeValue(forKey: record.id) ?? []
            guard isChosen(record), filter?.matches(record) ?? true else { return }
            matched += 1
            for event in earlier { inner.render(event, to: &output) }
            return inner.render(event, to: &output)
        }
        guard let id = chosenID(event) else { return }
        if filter != nil {
            held[id, default: []].append(event)
        } else {
            inner.render(event, to: &output)
        }
    }

    private func isChosen(_ record: ConnectionRecord) -> Bool {
        criterion?.matches(id: record.id, client: record.client, server: record.server) ?? true
    }

    /// The connection of an event that is not a record, if it is chosen so far.
    private mutating func chosenID(_ event: ConnectionEvent) -> UInt64? {
        switch event {
        case .segment(let segment):
            return note(segment.connectionID, criterion?.matches(id: segment.connectionID, client: segment.client,
                                                                 server: segment.server))
        case .transition(let change) where change.followsRecord:
            // Its connection is finished: nothing is left to remember it for.
            return criterion?.matches(id: change.connectionID, client: change.client, server: change.server) ?? true
                ? change.connectionID : nil
        case .transition(let change):
            return note(change.connectionID, criterion?.matches(id: change.connectionID, client: change.client,
                                                                server: change.server))
        case .anomaly(let id, _):
            return criterion == nil || chosen.contains(id) ? id : nil
        case .finished(let record):
            return record.id
        case .zeekRow:
            return nil
        }
    }

    /// `id` if it matches (or nothing is asked of it), remembered for its anomalies.
    private mutating func note(_ id: UInt64, _ matches: Bool?) -> UInt64? {
        guard matches ?? true else { return nil }
        if criterion != nil { chosen.insert(id) }
        return id
    }
}
