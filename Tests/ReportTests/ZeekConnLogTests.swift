import Report
import Testing
import Tracker
import Wire

/// The conn.log against Zeek's documented layout: the `Conn::Info` record of
/// base/protocols/conn/main.zeek (fields with &log, in order) and the ASCII
/// writer's header lines, read the way zeek-cut reads them.
struct ZeekConnLogTests {
    /// `Conn::Info`'s logged fields, in declaration order (main.zeek).
    static let documentedFields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
                                   "service", "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig",
                                   "local_resp", "missed_bytes", "history", "orig_pkts", "orig_ip_bytes",
                                   "resp_pkts", "resp_ip_bytes", "tunnel_parents", "ip_proto"]

    /// The log of one connection: Zeek's rows (its timers emulated), or with `timers` off the record's row.
    func log(timers: Bool = true) -> [String] {
        let client = Endpoint(address: IPAddress("192.0.2.1")!, port: 40000)
        let server = Endpoint(address: IPAddress("198.51.100.7")!, port: 443)
        let start: Int64 = 1_600_000_000_000_000_000
        func segment(_ flags: TCPFlags, fromClient: Bool, seq: UInt32, ack: UInt32, at micros: Int64, len: Int = 0) -> TCPSegment {
            TCPSegment(timestamp: Timestamp(nanosecondsSinceEpoch: start + micros * 1000),
                       source: fromClient ? client : server, destination: fromClient ? server : client,
                       sequence: SequenceNumber(seq), acknowledgment: SequenceNumber(ack), flags: flags,
                       payloadLength: len)
        }
        let segments = [
            segment(.syn, fromClient: true, seq: 10, ack: 0, at: 0),
            segment([.syn, .ack], fromClient: false, seq: 50, ack: 11, at: 100),
            segment(.ack, fromClient: true, seq: 11, ack: 51, at: 200),
            segment([.psh, .ack], fromClient: true, seq: 11, ack: 51, at: 300, len: 20),
        ]
        var tracker = ConnectionTracker()
        var sessions = ZeekSessionTracker()
        var sink = CollectingSink()
        var rows: [ZeekRow] = []
        for item in segments {
            tracker.process(item, into: &sink)
            sessions.process(item, payload: UnsafeRawBufferPointer(start: nil, count: 0), into: &rows)
        }
        tracker.finish(into: &sink)
        sessions.finish(into: &rows)
        sink.events += rows.map { .zeekRow($0) }
        return renderAll(sink.events, with: ZeekConnLog(timers: timers)).split(separator: "\n").map(String.init)
    }

    /// Both ways of making rows give the same row for a connection Zeek's timers leave whole.
    @Test func sessionsAndRecordsAgreeOnAWholeConnection() {
        let emulated = log(), recorded = log(timers: false)
        #expect(emulated.count == 10 && recorded.count == 10)
        #expect(emulated == recorded)
    }

    @Test func headerFollowsTheASCIIWriter() {
        let lines = log()
        #expect(lines[0] == "#separator \\x09")
        #expect(lines[1] == "#set_separator\t,")
        #expect(lines[2] == "#empty_field\t(empty)")
        #expect(lines[3] == "#unset_field\t-")
        #expect(lines[4] == "#path\tconn")
        #expect(lines[5] == "#open\t2020-09-13-12-26-40")
        #expect(lines[6] == "#fields\t" + Self.documentedFields.joined(separator: "\t"))
        #expect(lines[7].split(separator: "\t").count == Self.documentedFields.count + 1)
        #expect(lines.last == "#close\t2020-09-13-12-26-40")
    }

    /// What `zeek-cut id.orig_h id.resp_p conn_state history` would print.
    @Test func rowsReadLikeZeekCut() throws {
        let lines = log()
        let fields = lines[6].split(separator: "\t").dropFirst().map(String.init)
        let rows = lines.filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.count == fields.count)
        func cut(_ name: String) -> String { String(row[fields.firstIndex(of: name)!]) }
        #expect(cut("ts") == "1600000000.000000")
        #expect(cut("uid").count == 18)
        #expect(cut("uid").hasPrefix("C"))
        #expect(cut("id.orig_h") == "192.0.2.1")
        #expect(cut("id.resp_p") == "443")
        #expect(cut("proto") == "tcp")
        #expect(cut("duration") == "0.000300")
        #expect(cut("orig_bytes") == "20")
        #expect(cut("resp_bytes") == "0")
        #expect(cut("conn_state") == "S1")
        #expect(cut("history") == "ShAD")
        #expect(cut("orig_pkts") == "3")
        #expect(cut("orig_ip_bytes") == "140")
        #expect(cut("service") == "-")
        #expect(cut("ip_proto") == "6")
    }
}
