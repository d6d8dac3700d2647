import Report
import TestSupport
import Testing
import Tracker

/// `--where`: expressions over the JSON contract's fields, checked when
/// read, and what they keep of real records.
struct RecordFilterTests {
    /// One record of each fixture named, as the tracker reports it.
    static func record(_ fixture: String, _ index: Int = 0) throws -> ConnectionRecord {
        try FixtureTracking.records(FixtureFiles.path(fixture))[index]
    }

    static func keeps(_ expression: String, _ fixture: String, _ index: Int = 0) throws -> Bool {
        try RecordFilter(expression).matches(record(fixture, index))
    }

    @Test(arguments: [
        // half-close.pcap ends with the server in CLOSE_WAIT; rst-abort.pcap with an RST after a 0.023 ms handshake.
        ("server_state == CLOSE_WAIT", "half-close.pcap", true),
        ("server_state == CLOSE_WAIT", "rst-abort.pcap", false),
        ("server_state != CLOSE_WAIT", "rst-abort.pcap", true),
        ("rtt < 10ms and close == rst", "rst-abort.pcap", true),
        ("rtt > 10ms and close == rst", "rst-abort.pcap", false),
        ("rtt > 10ms or close == rst", "rst-abort.pcap", true),
        // `and` binds tighter than `or`; parentheses and `not` change that.
        ("close == fin or close == rst and rtt > 1", "rst-abort.pcap", false),
        ("(close == fin or close == rst) and rtt < 1", "rst-abort.pcap", true),
        ("not close == rst", "rst-abort.pcap", false),
        ("!(close == fin) && handshake == complete", "rst-abort.pcap", true),
        // No RTT without a SYN-ACK: a comparison with nothing holds neither way.
        ("rtt < 1s", "refused.pcap", false),
        ("rtt >= 1s", "refused.pcap", false),
        ("not rtt >= 1s", "refused.pcap", true),
        // lost-first-syn.pcap: the first SYN was dropped, so the connect took a second and the RTT 90 µs.
        ("connect_time > 1s and rtt < 1ms", "lost-first-syn.pcap", true),
        ("connect_time.server > 1s", "lost-first-syn.pcap", true),
        ("connect_time > 1s", "rst-abort.pcap", false),
        // tshark's `in {…}`: any of the values, commas or not; `contains` any of them for a list.
        ("handshake in {refused, unanswered}", "refused.pcap", true),
        ("handshake in {refused unanswered}", "unanswered-syn.pcap", true),
        ("handshake in {complete}", "refused.pcap", false),
        ("server.port in {80, 443, 9}", "refused.pcap", true),
        ("not server in {10.99.0.2:9, [2001:db8::1]:443}", "refused.pcap", false),
        ("anomalies in {zero_window, retransmission}", "unanswered-syn.pcap", true),
        // One vocabulary; the words of before read as aliases.
        ("handshake == unanswered", "unanswered-syn.pcap", true),
        ("handshake == syn_only", "unanswered-syn.pcap", true),
        ("handshake == not_seen", "mid-stream.pcap", true),
        ("handshake != mid_stream", "mid-stream.pcap", false),
        ("server == 10.99.0.2:9", "refused.pcap", true),
        ("server == 10.99.0.2", "refused.pcap", true),
        ("server != 10.99.0.2:9", "refused.pcap", false),
        ("server.port == 9 and client.port > 1024", "refused.pcap", true),
        ("client_transitions contains SYN_SENT", "refused.pcap", true),
        ("server_transitions contains SYN_RECEIVED", "refused.pcap", false),
        ("zeek_conn_state == REJ and zeek_history == \"Sr\"", "refused.pcap", true),
        ("zeek_history contains r", "refused.pcap", true),
        ("syn_retransmissions >= 4", "unanswered-syn.pcap", true),
        ("server_state == CLOSED", "unanswered-syn.pcap", false),
        ("initiator_known == false", "mid-stream.pcap", true),
        ("client_bytes == 10 and server_packets == 3", "mid-stream.pcap", true),
        ("duration > 250ms and duration < 0.251", "mid-stream.pcap", true),
        ("end_reason == closed", "mid-stream.pcap", true),
        ("end_reason == end_of_input", "half-close.pcap", true),
        ("ip_version == 6", "ipv6-loopback.pcap", true),
        ("first_seen > 1796135000 and last_seen < 1796136000", "refused.pcap", true),
    ])
    func keeps(expression: String, fixture: String, kept: Bool) throws {
        #expect(try Self.keeps(expression, fixture) == kept, "\(expression) on \(fixture)")
    }

    @Test func anomaliesAreAskedByKind() throws {
        // retransmitted-fin.pcap: the client sends its FIN again.
        #expect(try Self.keeps("anomalies contains retransmission", "retransmitted-fin.pcap"))
        #expect(try !Self.keeps("anomalies contains retransmission", "refused.pcap"))
    }

    @Test(arguments: [
        ("rttt > 1", "unknown field 'rttt'; fields: id, ip_version, client, server, client.port, server.port, "
            + "initiator_known, first_seen, last_seen, duration, handshake, close, client_state, server_state, "
            + "client_transitions, server_transitions, rtt, rtt.syn_synack, rtt.synack_ack, connect_time, "
            + "connect_time.client, connect_time.server, client_packets, "
            + "server_packets, client_bytes, server_bytes, syn_retransmissions, anomalies, zeek_conn_state, "
            + "zeek_history, end_reason"),
        ("close == fine", "'fine' is not a close value: fin, simultaneous, rst, none"),
        ("rtt => 1", "unknown operator '=>'; operators: == != < <= > >= contains"),
        ("close > fin", "close takes == !=, not >"),
        ("anomalies == retransmission", "anomalies takes contains, not =="),
        ("rtt > fast", "rtt needs a duration such as 10ms, 1.5s or 2 (seconds), not 'fast'"),
        ("server == ::1:8080", "server needs HOST:PORT, [IPv6]:PORT or HOST, not '::1:8080': write [::1]:8080 for a port, "
            + "or [::1:8080] for the address alone"),
        ("client_bytes >= many", "client_bytes needs a whole number from 0 to 9007199254740992, not 'many'"),
        // Every value is checked against what the field can hold (issue 31).
        ("client.port == 65536", "client.port needs a whole number from 0 to 65535, not '65536'"),
        ("client.port < -5", "client.port needs a whole number from 0 to 65535, not '-5'"),
        ("id == -1", "id needs a whole number from 0 to 18446744073709551615, not '-1'"),
        ("id == 18446744073709551616", "id needs a whole number from 0 to 18446744073709551615, not '18446744073709551616'"),
        ("rtt > 0x10", "rtt needs a duration such as 10ms, 1.5s or 2 (seconds), not '0x10'"),
        ("rtt > 1e3ms", "rtt needs a duration such as 10ms, 1.5s or 2 (seconds), not '1e3ms'"),
        ("first_seen > nan", "first_seen needs seconds since the epoch, not 'nan'"),
        ("close == fin and", "expected a field, found the end"),
        ("(close == fin", "expected ')', found the end"),
        ("close == fin close == rst", "expected 'and', 'or' or the end, found 'close'"),
        ("close fin", "expected an operator after close, found 'fin'"),
        ("zeek_history == \"Sr", "a quote is not closed"),
        ("", "is empty"),
        ("handshake in {}", "handshake in {} holds no value"),
        ("handshake in {refused", "expected a value or '}' in handshake's set, found the end"),
        ("handshake in refused", "expected '{' after handshake in, found 'refused'"),
        ("handshake in {done}", "'done' is not a handshake value: complete, simultaneous, unanswered, refused, partial, "
            + "mid_stream, stray"),
    ])
    func aMistakeIsNamed(expression: String, error: String) {
        #expect(throws: RecordFilter.ParseError(description: error)) { try RecordFilter(expression) }
    }

    /// Each level of nesting is a stack frame: 30,000 parentheses overflowed
    /// the stack (SIGSEGV) where 64 are more than anyone writes.
    @Test func nestingIsLimited() throws {
        let error = RecordFilter.ParseError(description: "nests parentheses and 'not' deeper than 64")
        let deep: String = String(repeating: "(", count: 30_000) + "close == fin" + String(repeating: ")", count: 30_000)
        #expect(throws: error) { try RecordFilter(deep) }
        let negated: String = String(repeating: "not ", count: 65) + "close == fin"
        #expect(throws: error) { try RecordFilter(negated) }
        let deepest: String = String(repeating: "(", count: 64) + "close == fin" + String(repeating: ")", count: 64)
        #expect(try !RecordFilter(deepest).matches(Self.record("refused.pcap")))
    }

    /// Ids are 64-bit hashes: compared exactly, the largest included, where
    /// converting one to Int trapped ("Not enough bits").
    @Test func idsCompareExactlyOverTheWholeRange() throws {
        var record = try Self.record("refused.pcap")
        record.id = .max
        #expect(try !RecordFilter("id == 3").matches(record))
        #expect(try RecordFilter("id == 18446744073709551615").matches(record))
        #expect(try !RecordFilter("id == 18446744073709551614").matches(record))
        #expect(try RecordFilter("id > 9223372036854775807").matches(record))
    }

    /// A chain of thousands of `or`s is one list, evaluated and freed without recursion.
    @Test func aLongChainOfOrsIsFine() throws {
        let filter = try RecordFilter(Array(repeating: "close == fin", count: 50_000).joined(separator: " or ")
                                      + " or server.port == 9")
        #expect(try filter.matches(Self.record("refused.pcap")))
    }

    /// With `--where`, a connection's earlier events wait for its record:
    /// port-reuse.pcap has two connections on one address pair, and only
    /// the second ends with the client in TIME_WAIT.
    @Test func heldEventsPassOnlyForAKeptConnection() throws {
        let events = try FixtureTracking.events(FixtureFiles.path("port-reuse.pcap"))
        var selection = ConnectionSelection(TransitionLines(colors: false), criterion: nil,
                                            filter: try RecordFilter("client_state == TIME_WAIT"))
        let lines = LineBuffer()
        var sink = lines
        for event in events { selection.render(event, to: &sink) }
        #expect(lines.lines.count == 11)
        #expect(lines.lines.allSatisfy { $0.contains(" #6453179011550871 ") })
        #expect(selection.matched == 1)
    }
}
