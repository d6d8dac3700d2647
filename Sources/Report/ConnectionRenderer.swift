import Tracker

/// Where renderers write: whole lines, in order.
public protocol LineSink {
    mutating func write(_ line: String)
    /// A line as UTF-8 bytes, valid only during the call. Sinks that keep
    /// bytes take them as they are: the JSON and Zeek lines are built as
    /// bytes, and making each a `String` first was a copy and an allocation.
    mutating func write(utf8 line: UnsafeBufferPointer<UInt8>)
}

extension LineSink {
    public mutating func write(utf8 line: UnsafeBufferPointer<UInt8>) {
        write(String(decoding: line, as: UTF8.self))
    }

    mutating func write(_ line: borrowing TextLine) {
        line.withUTF8 { write(utf8: $0) }
    }
}

/// Collects lines in memory, for tests and golden files. A class, so that
/// a writer holding it and its owner see the same lines.
public final class LineBuffer: LineSink {
    public private(set) var lines: [String] = []
    public init() {}
    public func write(_ line: String) { lines.append(line) }
    public var text: String { lines.map { $0 + "\n" }.joined() }
}

/// One output format: turns the tracker's events into lines.
public protocol ConnectionRenderer {
    /// The events it draws besides `.finished`; the tracker builds no others.
    var events: ReportedEvents { get }
    /// Whether it draws handshake's connections (`.finished` and the events
    /// above); false for one that draws only Zeek's rows, so the tracker
    /// need not run. True unless a renderer says otherwise.
    var needsRecords: Bool { get }

    /// Lines before any event (column headers, log headers).
    mutating func begin(to output: inout some LineSink)
    mutating func render(_ event: ConnectionEvent, to output: inout some LineSink)
    /// Lines after the last event (totals, footers).
    mutating func end(to output: inout some LineSink)
}

extension ConnectionRenderer {
    public var needsRecords: Bool { true }
    public mutating func begin(to output: inout some LineSink) {}
    public mutating func end(to output: inout some LineSink) {}
}

/// Two renderers, one after the other: a format followed by `--summary`.
public struct RendererPair<First: ConnectionRenderer, Second: ConnectionRenderer>: ConnectionRenderer {
    public var first: First
    public var second: Second

    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }

    public var events: ReportedEvents { first.events.union(second.events) }
    public var needsRecords: Bool { first.needsRecords || second.needsRecords }

    public mutating func begin(to output: inout some LineSink) {
        first.begin(to: &output)
        second.begin(to: &output)
    }

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        first.render(event, to: &output)
        second.render(event, to: &output)
    }

    public mutating func end(to output: inout some LineSink) {
        first.end(to: &output)
        second.end(to: &output)
    }

    /// Both renderers, as they stand.
    public var parts: (First, Second) { (first, second) }
}

/// Renders every event of a run into a string: for tests and golden files.
public func renderAll(_ events: [ConnectionEvent], with renderer: some ConnectionRenderer) -> String {
    var renderer = renderer
    var buffer = LineBuffer()
    renderer.begin(to: &buffer)
    for event in events { renderer.render(event, to: &buffer) }
    renderer.end(to: &buffer)
    return buffer.text
}

/// A renderer whose lines go to a sink of its own, not to the run's
/// output: `--summary` on stderr beside a format a program reads on stdout.
public struct RedirectedRenderer<Renderer: ConnectionRenderer, Sink: LineSink & AnyObject>: ConnectionRenderer {
    public var renderer: Renderer
    public var sink: Sink

    public init(_ renderer: Renderer, to sink: Sink) {
        self.renderer = renderer
        self.sink = sink
    }

    public var events: ReportedEvents { renderer.events }
    public var needsRecords: Bool { renderer.needsRecords }

    public mutating func begin(to output: inout some LineSink) { renderer.begin(to: &sink) }
    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        renderer.render(event, to: &sink)
    }
    public mutating func end(to output: inout some LineSink) { renderer.end(to: &sink) }
}
