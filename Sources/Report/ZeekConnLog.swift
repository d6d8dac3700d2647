import Tracker
import Wire

/// `--format zeek`: a conn.log as Zeek's ASCII writer lays it out, so
/// zeek-cut and whatever ingests conn.log read it. Fields and types follow
/// `Conn::Info` in Zeek's base/protocols/conn/main.zeek.
///
/// By default its rows are Zeek's own connections, ended by Zeek's timers
/// (`ZeekSessionTracker`: `.zeekRow` events); with `timers` off, one row per
/// handshake record (what `handshake merge` has). local_orig and local_resp
/// are unset (`-`): Zeek derives them from its site's networks. A
/// connection seen inside a tunnel names the tunnel in tunnel_parents by a
/// uid derived from the tunnel's outer endpoints (Zeek's is that of the
/// tunnel's own row, which handshake does not write). Duration and byte
/// counts are unset when the duration is zero, as Zeek does. `#open` and
/// `#close` carry capture time (Zeek writes the wall clock), so the same
/// capture gives the same log.
public struct ZeekConnLog: ConnectionRenderer {
    static let fields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service",
                         "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp",
                         "missed_bytes", "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes",
                         "tunnel_parents", "ip_proto"]
    static let types = ["time", "string", "addr", "port", "addr", "port", "enum", "string", "interval", "count",
                        "count", "string", "bool", "bool", "count", "string", "count", "count", "count", "count",
                        "set[string]", "count"]

    /// Whether rows are Zeek's connections (its timers emulated) or handshake's records.
    public let timers: Bool
    private var headerWritten = false
    private var lastTime: Timestamp?

    public init(timers: Bool = true) {
        self.timers = timers
    }

    /// Zeek's rows, or finished connections only.
    public var events: ReportedEvents { timers ? .zeekRows : [] }
    /// Zeek's rows come from Zeek's table alone.
    public var needsRecords: Bool { !timers }

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        switch event {
        case .zeekRow(let row) where timers: write(row, to: &output)
        case .finished(let record) where !timers: write(ZeekRow(record: record), to: &output)
        default: break
        }
    }

    private mutating func write(_ row: ZeekRow, to output: inout some LineSink) {
        if !headerWritten {
            headerWritten = true
            output.write("#separator \\x09")
            output.write("#set_separator\t,")
            output.write("#empty_field\t(empty)")
            output.write("#unset_field\t-")
            output.write("#path\tconn")
            output.write("#open\t" + Self.logTime(row.start))
            output.write("#fields\t" + Self.fields.joined(separator: "\t"))
            output.write("#types\t" + Self.types.joined(separator: "\t"))
        }
        lastTime = max(lastTime ?? row.lastTime, row.lastTime)
        output.write(Self.line(row))
    }

    public mutating func end(to output: inout some LineSink) {
        if let lastTime { output.write("#close\t" + Self.logTime(lastTime)) }
    }

    /// One conn.log line, tab-separated in `fields` order.
    static func line(_ row: ZeekRow) -> TextLine {
        let duration = row.lastTime - row.start
        var line = TextLine(capacity: 256)
        line.append(row.start, fractionDigits: 6)
        line.append("\t")
        appendUID(seed: uidSeed(row), to: &line)
        for endpoint in [row.originator, row.responder] {
            line.append("\t")
            line.append(endpoint.address)
            line.append("\t")
            line.append(Int(endpoint.port))
        }
        line.append("\ttcp\t")
        line.append(contentsOf: row.service.isEmpty ? "-" : row.service.joined(separator: ","))
        line.append("\t")
        if duration > 0 {
            line.append(Timestamp(nanosecondsSinceEpoch: duration), fractionDigits: 6)
            line.append("\t")
            line.append(row.originatorBytes)
            line.append("\t")
            line.append(row.responderBytes)
        } else {
            line.append("-\t-\t-")
        }
        line.append("\t")
        line.append(contentsOf: row.connState)
        line.append("\t-\t-\t")
        line.append(row.missedBytes)
        line.append("\t")
        line.append(contentsOf: row.history.isEmpty ? "-" : row.history)
        for count in [row.originatorPackets, row.originatorIPBytes, row.responderPackets, row.responderIPBytes] {
            line.append("\t")
            line.append(count)
        }
        line.append("\t")
        appendTunnelParent(row.encapsulation, to: &line)
        line.append("\t6")
        return line
    }

    /// The seed of a row's uid: its start and endpoints, so the same capture gives the same uids.
    static func uidSeed(_ row: ZeekRow) -> UInt64 {
        var hash = mix(UInt64(bitPattern: row.start.nanosecondsSinceEpoch))
        for endpoint in [row.originator, row.responder] {
            hash = mix(hash ^ endpoint.address.high)
            hash = mix(hash ^ endpoint.address.low)
            hash = mix(hash ^ UInt64(endpoint.port))
        }
        return hash
    }

    /// Zeek's `tunnel_parents`: the innermost tunnel the connection came
    /// through (MPLS and PPPoE are no tunnels to Zeek); `-` for none.
    static func appendTunnelParent(_ encapsulation: EncapsulationPath, to line: inout TextLine) {
        guard let tunnel = encapsulation.layers.last(where: \.kind.isTunnel) else { return line.append("-") }
        appendUID(seed: tunnelSeed(tunnel), to: &line)
    }

    /// FNV-1a of the tunnel's kind and outer endpoints, so the same tunnel
    /// has the same uid in every run. Not of its VNI or TEID: Zeek's parent
    /// is the outer flow, which carries many (GTP-U's differ each way).
    static func tunnelSeed(_ tunnel: EncapsulationLayer) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        let outer = EncapsulationLayer(kind: tunnel.kind, outer: tunnel.outer)
        for byte in outer.description.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }

    /// Zeek's uid shape, `C` and 17 base-62 characters, from `seed`.
    static func appendUID(seed: UInt64, to line: inout TextLine) {
        var state = seed
        line.append("C")
        for round in 0..<17 {
            if round % 8 == 0 { state = mix(state &+ UInt64(round)) }
            line.write(base62[Int(state % 62)])
            state /= 62
        }
    }

    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// SplitMix64's finaliser.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `YYYY-MM-DD-HH-MM-SS` in UTC, the ASCII writer's #open/#close format.
    static func logTime(_ time: Timestamp) -> String {
        let (year, month, day, seconds) = civil(time.seconds)
        let parts = [year, month, day, seconds / 3600, seconds % 3600 / 60, seconds % 60]
        return parts.enumerated().map { index, value in
            index == 0 ? String(value) : (value < 10 ? "0" : "") + String(value)
        }.joined(separator: "-")
    }

    /// Days since 1970 to a Gregorian date (Howard Hinnant's civil_from_days).
    static func civil(_ unixSeconds: Int64) -> (Int64, Int64, Int64, Int64) {
        let days = unixSeconds >= 0 ? unixSeconds / 86_400 : (unixSeconds - 86_399) / 86_400
        let secondOfDay = unixSeconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day, secondOfDay)
    }
}
