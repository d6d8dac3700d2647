import Tracker

/// `--format json`: one ConnectionJSON line per finished connection (NDJSON).
public struct JSONLines: ConnectionRenderer {
    public init() {}

    /// Finished connections only.
    public var events: ReportedEvents { [] }

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        if case .finished(let record) = event { output.write(ConnectionJSON.line(record)) }
    }
}
