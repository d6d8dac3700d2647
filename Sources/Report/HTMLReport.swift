import Tracker
import Wire

/// `--format html`: one self-contained page to look at and to share. The
/// overview (counts, the handshake RTT histogram, a timeline of the
/// connections with each endpoint's states), the connection table, and for
/// the most anomalous connections a ladder in SVG (`HTMLLadder`) under
/// `#c<id>`. Everything is rendered here, so the page reads with
/// JavaScript off; its script only sorts, filters and scrolls the table,
/// which it draws a screenful at a time from data embedded as JSON.
/// Nothing is fetched: CSS, script and SVG are inline, and a
/// Content-Security-Policy forbids any request.
///
/// Written at the end: each connection keeps its table row as text (about
/// 150 bytes), the first `staticRows` their cells too, and, for the
/// timeline, its states while there are fewer than `timelineLimit`;
/// ladders are drawn as connections finish and only the `detailLimit`
/// most anomalous are kept.
public struct HTMLReport: ConnectionRenderer {
    /// Connections with a ladder (`--html-detail`).
    public let detailLimit: Int
    static let timelineLimit = 1_000
    /// Rows written into the page itself, for readers without JavaScript.
    static let staticRows = 200

    /// A connection's row, kept as text: holding its record instead took
    /// 400 MB for 100,000 connections.
    struct Row {
        var id: UInt64
        /// The cells as the script reads them (`HTMLPage.dataRow`).
        var data: String
        /// The cells as the page shows them, for the first `staticRows` only.
        var cells: [String]?
        var hasDetail = false
    }

    struct Detail {
        var id: UInt64
        var html: String
    }

    private var histories = ConnectionHistories()
    private var rows: [Row] = []
    private var details: HighestScored<Detail>
    private var overview = HTMLOverview()

    public init(detailLimit: Int = 100) {
        self.detailLimit = detailLimit
        details = HighestScored(limit: detailLimit)
    }

    public var events: ReportedEvents { [.segments, .transitions] }

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        guard let (record, history) = histories.record(event) else { return }
        let failures = Failure.allCases.filter { $0.isShown(by: record) }
        overview.add(record, failures: failures, keepsTimeline: rows.count < Self.timelineLimit)
        let anomalies = record.anomalies.reduce(0) { $0 + $1.count }
        let cells = HTMLPage.cells(record, anomalies: anomalies)
        rows.append(Row(id: record.id, data: HTMLPage.dataRow(cells),
                        cells: rows.count < Self.staticRows ? cells : nil))
        keepDetail(record, history, score: failures.count * 1_000 + min(anomalies, 999))
    }

    /// The most anomalous connections keep their ladders: a reset, a failed
    /// handshake or a marked segment counts before an ordinary close (`score`:
    /// failures by the thousand, then marked segments).
    private mutating func keepDetail(_ record: ConnectionRecord, _ history: ConnectionHistories.History, score: Int) {
        guard details.wouldKeep(score: score) else { return }
        details.offer(Detail(id: record.id, html: Self.detail(record, history)), score: score)
    }

    /// Whether `end` writes the page; `check --html` writes it itself, with its verdicts.
    public var writesAtEnd = true

    /// A rule of `handshake check` and how it went, for the page's section of them.
    public struct CheckResult: Sendable {
        public var name: String
        public var holds: Bool
        /// The lines that explain it: `#12 10.0.0.1.5000 → …: refused (…)`.
        public var details: [String]

        public init(name: String, holds: Bool, details: [String]) {
            self.name = name
            self.holds = holds
            self.details = details
        }
    }

    public mutating func end(to output: inout some LineSink) {
        guard writesAtEnd else { return }
        for line in page() { output.write(line) }
    }

    /// The whole page, with `check`'s verdicts at the top if there are any.
    public func page(check: [CheckResult] = []) -> [String] {
        let details = details.items
        let kept = Set(details.map(\.id))
        var rows = rows
        for index in rows.indices where kept.contains(rows[index].id) { rows[index].hasDetail = true }
        return HTMLPage.lines(overview: overview, check: check, rows: rows, details: details.sorted { $0.id < $1.id },
                              detailLimit: detailLimit)
    }

    /// One connection's section: its facts, Zeek's history letter by letter, the ladder, a
    /// time-sequence plot each way, and the Mermaid source to copy.
    static func detail(_ record: ConnectionRecord, _ history: ConnectionHistories.History) -> String {
        var parts = ["<section class=\"connection\" id=\"c\(record.id)\">"]
        parts.append("<h3>#\(record.id) \(MarkupText.escaped(record.client.description)) → "
                     + "\(MarkupText.escaped(record.server.description))</h3>")
        var facts = [("handshake", record.handshake.rawValue), ("close", record.close.rawValue),
                     ("client", record.clientState?.rawValue ?? "-"), ("server", record.serverState?.rawValue ?? "-"),
                     ("ended", record.finishReason.rawValue), ("zeek", record.zeekConnState)]
        if let connect = record.clientConnectTime {
            facts.append(("connect", TimeText.milliseconds(connect) + " ms"))
        }
        if let rtt = record.handshakeRTT {
            facts.append(("RTT", TimeText.milliseconds(rtt) + " ms"))
        }
        parts.append("<dl class=\"facts\">" + facts.map { "<dt>\($0.0)</dt><dd>\(MarkupText.escaped($0.1))</dd>" }.joined()
                     + "</dl>")
        if !record.anomalies.isEmpty {
            parts.append("<p class=\"anomalies\">" + record.anomalies.map {
                MarkupText.escaped("\($0.kind.rawValue) from \($0.sender.rawValue) ×\($0.count)")
            }.joined(separator: ", ") + "</p>")
        }
        parts.append("<p class=\"history\">Zeek history <code>\(MarkupText.escaped(record.zeekHistory))</code>: "
                     + MarkupText.escaped(ZeekHistoryText.describe(record.zeekHistory)) + "</p>")
        parts.append("<div class=\"ladder-frame\">" + HTMLLadder.svg(record, history) + "</div>")
        let plots = [Role.client, .server].compactMap { HTMLSequencePlot.svg(record, history, sender: $0) }
        if !plots.isEmpty { parts.append("<div class=\"plots\">" + plots.joined(separator: "\n") + "</div>") }
        parts.append("<details class=\"mermaid\"><summary>Mermaid source</summary><pre>"
                     + MarkupText.escaped(MermaidDiagram.source(record, history).joined(separator: "\n")) + "</pre></details>")
        parts.append("</section>")
        return parts.joined(separator: "\n")
    }
}
