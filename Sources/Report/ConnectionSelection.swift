import Tracker
import Wire

/// Passes on only the events of chosen connections (`--connection ID`,
/// `--conn HOST:PORT`); with no criterion, everything.
public struct ConnectionSelection<Inner: ConnectionRenderer>: ConnectionRenderer {
    /// Which connections to follow.
    public enum Criterion: Equatable, Sendable {
        case id(UInt64)
        /// Connections with this address (and port, if given) at either end.
        case endpoint(IPAddress, port: UInt16?)

        /// Parses `10.0.0.1:5432`, `[2001:db8::1]:443`, `10.0.0.1`, `2001:db8::1`.
        public init?(endpoint text: String) {
            if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
                guard let address = IPAddress(text[text.index(after: text.startIndex)..<close]) else { return nil }
                let rest = text[text.index(after: close)...]
                if rest.isEmpty { self = .endpoint(address, port: nil); return }
                guard rest.first == ":", let port = UInt16(rest.dropFirst()) else { return nil }
                self = .endpoint(address, port: port)
            } else if let address = IPAddress(text) {
                self = .endpoint(address, port: nil)
            } else if let colon = text.lastIndex(of: ":"), let address = IPAddress(text[..<colon]),
                      let port = UInt16(text[text.index(after: colon)...]) {
                self = .endpoint(address, port: port)
            } else {
                return nil
            }
        }

        func matches(id: UInt64, client: Endpoint, server: Endpoint) -> Bool {
            if case .id(let wanted) = self { return id == wanted }
            return matches(client) || matches(server)
        }

        /// Whether this one endpoint is the one named (an id names no endpoint).
        public func matches(_ endpoint: Endpoint) -> Bool {
            guard case .endpoint(let address, let port) = self else { return false }
            return endpoint.address == address && (port == nil || endpoint.port == port)
        }
    }

    public var inner: Inner
    public let criterion: Criterion?
    /// Open connections that match, so their anomalies (which carry only an id) pass too.
    private var chosen: Set<UInt64> = []

    public init(_ inner: Inner, criterion: Criterion?) {
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
        }
        if selected { inner.render(event, to: &output) }
    }

    private mutating func note(_ id: UInt64, _ matches: Bool) -> Bool {
        if matches { chosen.insert(id) }
        return matches
    }
}
