import Report
import Tracker

/// Every output format, in one list: `--format`'s values and help, the
/// golden tests and `make golden` all read it. A new format is a renderer
/// in `Report` plus a case here and its line in `withRenderer`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case transitions, table, conv, json, zeek, ladder, steps, mermaid, html, summary, segments

    /// What `--help` says of it, beside its name, if anything.
    public var note: String? {
        switch self {
        case .transitions: "one line per state change, the default"
        case .conv: "frames and bytes each way, as tshark -z conv,tcp"
        case .json: "NDJSON"
        case .zeek: "conn.log"
        case .ladder: "a sequence diagram"
        case .steps: "the study note's step table"
        case .html: "one self-contained page to open in a browser"
        case .segments: "tcpdump-like lines, no tracking"
        case .table, .mermaid, .summary: nil
        }
    }

    /// "transitions (one line per state change, the default), table, json (NDJSON), …"
    public static var helpText: String {
        allCases.map { format in format.note.map { "\(format.rawValue) (\($0))" } ?? format.rawValue }
            .joined(separator: ", ")
    }

    /// Whether a program parses it (NDJSON, zeek-cut, Mermaid, a browser):
    /// nothing else may share its stdout, so `--summary` goes to stderr.
    public var isMachineReadable: Bool {
        switch self {
        case .json, .zeek, .mermaid, .html: true
        case .transitions, .table, .conv, .ladder, .steps, .summary, .segments: false
        }
    }

    /// Whether a connection's record is all it draws, so it can be drawn
    /// from records read back (`handshake merge`); the others draw segments
    /// or transitions as they happened.
    public var drawsRecordsOnly: Bool {
        switch self {
        case .table, .json, .zeek, .summary, .html: true
        case .transitions, .conv, .ladder, .steps, .mermaid, .segments: false
        }
    }

    /// Whether it follows connections; `segments` lists decoded segments only.
    public var tracksConnections: Bool { self != .segments }

    /// Hands `visitor` this format's renderer, made for `options`; nil for
    /// `segments`, which has none. Generic, so the renderer's calls on the
    /// per-event path stay specialised.
    public func withRenderer<Visitor: RendererVisitor>(_ options: RenderingOptions,
                                                       _ visitor: inout Visitor) throws(Visitor.Failure) -> Visitor.Result? {
        switch self {
        case .transitions: try visitor.visit(TransitionLines(colors: options.colors))
        case .table: try visitor.visit(ConnectionRows())
        case .conv: try visitor.visit(ConversationRows(order: options.conversationOrder))
        case .json: try visitor.visit(JSONLines())
        case .zeek: try visitor.visit(ZeekConnLog(timers: options.zeekTimers))
        case .ladder: try visitor.visit(LadderDiagram())
        case .steps: try visitor.visit(StepTable(language: options.language))
        case .mermaid: try visitor.visit(MermaidDiagram())
        case .html: try visitor.visit(HTMLReport(detailLimit: options.htmlDetail))
        case .summary: try visitor.visit(Summary())
        case .segments: nil
        }
    }
}

extension OutputFormat {
    /// `events`, collected from the tracker, rendered as this format prints
    /// them; nil for `segments`. For tests, golden files and tools that
    /// have the events in hand.
    public func render(_ events: [ConnectionEvent], options: RenderingOptions = RenderingOptions()) -> String? {
        var rendering = EventRendering(events: events)
        return withRenderer(options, &rendering)
    }
}

/// Renders collected events with whichever renderer it is handed.
private struct EventRendering: RendererVisitor {
    let events: [ConnectionEvent]

    func visit<Renderer: ConnectionRenderer>(_ renderer: Renderer) -> String {
        renderAll(events, with: renderer)
    }
}

/// What a format's renderer depends on besides the events.
public struct RenderingOptions: Sendable {
    /// ANSI colours (the transitions format, on a terminal).
    public var colors: Bool
    /// The steps format's language.
    public var language: StepTable.Language
    /// The conv format's row order (`--sort`).
    public var conversationOrder: ConversationRows.Order
    /// Connections the html format draws a ladder for (`--html-detail`).
    public var htmlDetail: Int
    /// Whether the zeek format's rows are Zeek's connections, its timers
    /// emulated, or handshake's records (`--no-zeek-timers`, `handshake merge`).
    public var zeekTimers: Bool

    public init(colors: Bool = false, language: StepTable.Language = .en, conversationOrder: ConversationRows.Order = .start,
                htmlDetail: Int = 100, zeekTimers: Bool = true) {
        self.colors = colors
        self.language = language
        self.conversationOrder = conversationOrder
        self.htmlDetail = htmlDetail
        self.zeekTimers = zeekTimers
    }
}

/// Receives a format's renderer with its concrete type (see `OutputFormat.withRenderer`).
public protocol RendererVisitor {
    associatedtype Result
    /// What `visit` can throw: `Never` for a visitor that cannot fail.
    associatedtype Failure: Error = Never
    mutating func visit<Renderer: ConnectionRenderer>(_ renderer: Renderer) throws(Failure) -> Result
}
