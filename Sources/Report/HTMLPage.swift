import Tracker
import Wire

/// The report page around its parts: head with the Content-Security-Policy
/// and the style, the overview, the connection table (its first rows in the
/// page, all of them as JSON for the script), the ladders, the script.
enum HTMLPage {
    /// Nothing leaves the page: no fetch, no image, no font, no form. (frame-ancestors
    /// would be ignored in a meta element, and says so on the console.)
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        + "img-src data:; base-uri 'none'; form-action 'none'"

    static let columns = ["#", "client", "server", "handshake", "close", "client state", "server state", "RTT ms",
                          "connect ms", "duration s", "packets c/s", "anomalies", "zeek", "history"]
    /// The cells the script compares, sorts as numbers or shows with fixed
    /// decimals (`HTMLAssets.script`'s `column`), by their heading in `columns`.
    enum Column: String, CaseIterable {
        case id = "#", rtt = "RTT ms", connect = "connect ms", duration = "duration s", anomalies = "anomalies"

        var name: String { String(describing: self) }
        /// Its place in a row: its heading's in `columns`.
        var place: Int {
            guard let place = columns.firstIndex(of: rawValue) else { preconditionFailure("no column \(rawValue)") }
            return place
        }
        static let byPlace = Dictionary(uniqueKeysWithValues: allCases.map { ($0.place, $0) })
        /// Decimals shown: milliseconds to the microsecond, seconds to it too.
        var decimals: Int? {
            switch self {
            case .rtt, .connect: 3
            case .duration: 6
            case .id, .anomalies: nil
            }
        }
    }

    /// The script's table of columns: each named one's place, the count, and the decimals.
    static var columnScript: String {
        let places = Column.allCases.map { "\($0.name): \($0.place)" }.joined(separator: ", ")
        let decimals = Column.allCases.compactMap { column in column.decimals.map { "\(column.place): \($0)" } }
        return "const column = { \(places), count: \(columns.count) };\n"
            + "const decimals = { \(decimals.joined(separator: ", ")) };"
    }

    static func lines(overview: HTMLOverview, check: [HTMLReport.CheckResult], rows: [HTMLReport.Row],
                      details: [HTMLReport.Detail], detailLimit: Int) -> [String] {
        var lines = [
            "<!DOCTYPE html>",
            "<html lang=\"en\">",
            "<head>",
            "<meta charset=\"utf-8\">",
            "<meta http-equiv=\"Content-Security-Policy\" content=\"\(contentSecurityPolicy)\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>handshake report: \(rows.count) connections</title>",
            "<style>", HTMLAssets.style, "</style>",
            "</head>",
            "<body>",
            "<header><h1>handshake report</h1><p>\(rows.count) connections, both endpoints' RFC 9293 states. "
                + "<button id=\"theme\" type=\"button\" hidden>dark / light</button></p></header>",
        ]
        if !check.isEmpty { lines += checkSection(check, ladders: Set(details.map(\.id))) }
        lines += overview.html
        lines.append("<section id=\"connections\"><h2>Connections</h2>")
        lines.append("<p class=\"controls\" hidden><input id=\"filter\" type=\"search\" placeholder=\"filter: text, "
                     + "rtt>10, connect>1000, dur<1, anomalies\" aria-label=\"filter\"> <span id=\"shown\"></span></p>")
        lines.append("<div id=\"table-frame\"><table id=\"table\"><thead><tr>"
                     + columns.enumerated().map { "<th data-column=\"\($0.offset)\">\(MarkupText.escaped($0.element))</th>" }
                         .joined() + "</tr></thead><tbody>")
        for row in rows.prefix(HTMLReport.staticRows) {
            if let cells = row.cells { lines.append(tableRow(row, cells)) }
        }
        lines.append("</tbody></table></div>")
        if rows.count > HTMLReport.staticRows {
            lines.append("<p class=\"noscript-note\">The first \(HTMLReport.staticRows) of \(rows.count) connections; "
                         + "with JavaScript on, the table holds all of them.</p>")
        }
        lines.append("<script type=\"application/json\" id=\"data\">[")
        for (index, row) in rows.enumerated() {
            lines.append(row.data + (row.hasDetail ? ",1]" : ",0]") + (index < rows.count - 1 ? "," : ""))
        }
        lines.append("]</script>")
        lines.append("</section>")
        lines.append("<section id=\"details\"><h2>Connections in detail</h2>")
        lines.append("<p>Ladders for \(details.count) of \(rows.count) connections"
                     + (rows.count > details.count ? ", the most anomalous first (at most \(detailLimit), "
                        + "--html-detail)" : "") + ". Hover a state for the rule that moved it.</p>")
        lines += details.map(\.html)
        lines.append("</section>")
        lines.append("<script>")
        lines.append(columnScript)
        lines.append(HTMLAssets.script)
        lines.append("</script>")
        lines.append("</body>")
        lines.append("</html>")
        return lines
    }

    /// `handshake check`'s rules, each held or broken, with the connections
    /// that broke it linked to their ladders where the page has one.
    static func checkSection(_ results: [HTMLReport.CheckResult], ladders: Set<UInt64>) -> [String] {
        let broken = results.filter { !$0.holds }.count
        var lines = ["<section id=\"check\"><h2>Check: " + (broken == 0 ? "all \(results.count) hold"
                                                            : "\(broken) of \(results.count) failed") + "</h2><ul>"]
        for result in results {
            lines.append("<li class=\"\(result.holds ? "pass" : "fail")\"><b>\(result.holds ? "PASS" : "FAIL")</b> "
                         + MarkupText.escaped(result.name))
            if !result.details.isEmpty {
                lines.append("<ul>" + result.details.map { "<li>" + linked($0, ladders) + "</li>" }.joined() + "</ul>")
            }
            lines.append("</li>")
        }
        lines.append("</ul></section>")
        return lines
    }

    /// `#12 …` with `#12` a link to connection 12's ladder, if the page has it.
    private static func linked(_ line: String, _ ladders: Set<UInt64>) -> String {
        guard line.hasPrefix("#"), let id = UInt64(line.dropFirst().prefix { $0.isNumber }), ladders.contains(id) else {
            return MarkupText.escaped(line)
        }
        let number = "#\(id)"
        return "<a href=\"#c\(id)\">\(number)</a>" + MarkupText.escaped(String(line.dropFirst(number.count)))
    }

    static func cells(_ record: ConnectionRecord, anomalies: Int) -> [String] {
        let rtt = record.handshakeRTT.map(TimeText.milliseconds)
        let connect = record.clientConnectTime.map(TimeText.milliseconds)
        return [String(record.id), record.client.description, record.server.description, record.handshake.rawValue,
                record.close.rawValue, record.clientState?.rawValue ?? "-", record.serverState?.rawValue ?? "-",
                rtt ?? "-", connect ?? "-", TimeText.seconds(roundedToMicroseconds: record.lastSeen - record.firstSeen),
                "\(record.clientPackets)/\(record.serverPackets)", String(anomalies), record.zeekConnState,
                record.zeekHistory]
    }

    static func tableRow(_ row: HTMLReport.Row, _ cells: [String]) -> String {
        let first = row.hasDetail ? "<a href=\"#c\(row.id)\">\(cells[0])</a>" : cells[0]
        return "<tr><td>\(first)</td>" + cells.dropFirst().map { "<td>\(MarkupText.escaped($0))</td>" }.joined() + "</tr>"
    }

    /// A row as the script reads it: the cells in order, numbers as
    /// numbers; the page adds whether it has a ladder (`,1]` or `,0]`).
    static func dataRow(_ cells: [String]) -> String {
        let values = cells.enumerated().map { index, cell in
            guard let column = Column.byPlace[index] else { return MarkupText.jsonString(cell) }
            return cell != "-" ? cell : column.decimals != nil ? "null" : MarkupText.jsonString(cell)
        }
        return "[" + values.joined(separator: ",")
    }
}
