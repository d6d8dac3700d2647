import Tracker
import Wire

/// A field of a connection record that `--where` can name: its name in the
/// JSON contract, the kind of value it holds, and how to read it.
struct RecordField: Sendable {
    enum Kind: Sendable {
        /// Packets, bytes, ports, ids.
        case count
        /// Nanoseconds, written `10ms`, `1.5s` or bare seconds.
        case duration
        /// Seconds since the epoch.
        case time
        /// One of a few words (an outcome, a state): `words`.
        case word
        /// Free text (Zeek's history letters).
        case text
        /// A list of `words`, asked with `contains`.
        case list
        /// An endpoint, asked as `--conn` takes one (`10.0.0.2:5432`, `[2001:db8::1]`, `10.0.0.2`).
        case endpoint
    }

    enum Value: Sendable {
        /// A duration or a time: compared as a Double.
        case number(Double)
        /// A count: compared exactly, ids included.
        case whole(UInt64)
        case text(String)
        case list([String])
        case endpoint(Endpoint)
        case criterion(ConnectionCriterion)
    }

    let name: String
    let kind: Kind
    /// The values a word or a list may hold. Apart from `kind`: an array in
    /// an enum payload shares its pointer's spare bits with the case, and
    /// LeakSanitizer took the global table's lists for leaks.
    var words: [String] = []
    /// Other words read as `words` (`syn_only` for `unanswered`), by word.
    var aliases: [String: String] = [:]
    /// The largest value a count may hold (a port 65535, an id 2^64 - 1).
    var largest: UInt64 = 0
    let read: @Sendable (ConnectionRecord) -> Value?

    /// The comparisons that mean something for this kind of value.
    var comparisons: [RecordFilter.Comparison] {
        switch kind {
        case .count, .duration, .time: [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
        case .word, .endpoint: [.equal, .notEqual]
        case .text: [.equal, .notEqual, .contains]
        case .list: [.contains]
        }
    }

    /// The expression's value for this field, or why it is not one.
    func value(_ text: String) -> Result<Value, RecordFilter.ParseError> {
        func failure(_ why: String) -> Result<Value, RecordFilter.ParseError> { .failure(.init(description: why)) }
        switch kind {
        case .count:
            guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = UInt64(text), number <= largest else {
                return failure("\(name) needs a whole number from 0 to \(largest), not '\(text)'")
            }
            return .success(.whole(number))
        case .duration:
            guard let nanoseconds = DurationText.nanoseconds(text) else {
                return failure("\(name) needs a duration such as 10ms, 1.5s or 2 (seconds), not '\(text)'")
            }
            return .success(.number(Double(nanoseconds)))
        case .time:
            guard let seconds = DurationText.decimal(text) else {
                return failure("\(name) needs seconds since the epoch, not '\(text)'")
            }
            return .success(.number(seconds))
        case .word, .list:
            guard let word = words.contains(text) ? text : aliases[text] else {
                return failure("'\(text)' is not a \(name) value: " + words.joined(separator: ", "))
            }
            return .success(.text(word))
        case .text:
            return .success(.text(text))
        case .endpoint:
            guard let criterion = ConnectionCriterion(endpoint: text) else {
                return failure(ConnectionCriterion.usageError(name, text))
            }
            return .success(.criterion(criterion))
        }
    }

    /// The record's value for this field; nil when it has none.
    func value(of record: ConnectionRecord) -> Value? { read(record) }

    static func named(_ name: String) -> RecordField? { all.first { $0.name == name } }

    /// Every field, in the JSON contract's order.
    static let all: [RecordField] = {
        let states = TCPState.allCases.map(\.rawValue)
        func count<Count: FixedWidthInteger>(_ name: String, largest: Count,
                                             _ read: @escaping @Sendable (ConnectionRecord) -> Count) -> RecordField {
            RecordField(name: name, kind: .count, largest: UInt64(largest)) { .whole(UInt64(read($0))) }
        }
        let largestCount = ConnectionJSON.largestCount
        func duration(_ name: String, _ read: @escaping @Sendable (ConnectionRecord) -> Int64?) -> RecordField {
            RecordField(name: name, kind: .duration) { read($0).map { .number(Double($0)) } }
        }
        func word(_ name: String, _ words: [String], _ read: @escaping @Sendable (ConnectionRecord) -> String?) -> RecordField {
            RecordField(name: name, kind: .word, words: words) { read($0).map(Value.text) }
        }
        func word<Word: Vocabulary>(_ name: String, _: Word.Type,
                                    _ read: @escaping @Sendable (ConnectionRecord) -> Word?) -> RecordField {
            RecordField(name: name, kind: .word, words: Word.words, aliases: Word.aliases.mapValues(\.rawValue)) {
                read($0).map { .text($0.rawValue) }
            }
        }
        return [
            count("id", largest: UInt64.max) { $0.id },
            count("ip_version", largest: UInt8(6)) { $0.ipVersion },
            RecordField(name: "client", kind: .endpoint) { .endpoint($0.client) },
            RecordField(name: "server", kind: .endpoint) { .endpoint($0.server) },
            count("client.port", largest: UInt16.max) { $0.client.port },
            count("server.port", largest: UInt16.max) { $0.server.port },
            word("initiator_known", ["true", "false"]) { String($0.initiatorKnown) },
            RecordField(name: "first_seen", kind: .time) { .number(Double($0.firstSeen.nanosecondsSinceEpoch) / 1e9) },
            RecordField(name: "last_seen", kind: .time) { .number(Double($0.lastSeen.nanosecondsSinceEpoch) / 1e9) },
            duration("duration") { $0.lastSeen - $0.firstSeen },
            word("handshake", HandshakeOutcome.self) { $0.handshake },
            word("close", CloseOutcome.self) { $0.close },
            word("client_state", TCPState.self) { $0.clientState },
            word("server_state", TCPState.self) { $0.serverState },
            RecordField(name: "client_transitions", kind: .list, words: states) {
                .list($0.clientTransitions.map(\.state.rawValue))
            },
            RecordField(name: "server_transitions", kind: .list, words: states) {
                .list($0.serverTransitions.map(\.state.rawValue))
            },
            // The whole handshake, SYN to the client's ACK: tshark's tcp.analysis.initial_rtt,
            // and what `check --max-handshake-rtt` limits.
            duration("rtt") { $0.handshakeRTT },
            duration("rtt.syn_synack") { $0.synToSynAck },
            duration("rtt.synack_ack") { $0.synAckToAck },
            // The client's first SYN to its ESTABLISHED, lost SYNs included: what `check --max-connect-time` limits.
            duration("connect_time") { $0.clientConnectTime },
            duration("connect_time.client") { $0.clientConnectTime },
            duration("connect_time.server") { $0.connectTimes.server },
            count("client_packets", largest: largestCount) { max(0, $0.clientPackets) },
            count("server_packets", largest: largestCount) { max(0, $0.serverPackets) },
            count("client_bytes", largest: largestCount) { max(0, $0.clientBytes) },
            count("server_bytes", largest: largestCount) { max(0, $0.serverBytes) },
            count("syn_retransmissions", largest: Int(UInt32.max)) { max(0, $0.synRetransmissions) },
            RecordField(name: "anomalies", kind: .list, words: Anomaly.Kind.allCases.map(\.rawValue)) {
                .list($0.anomalies.map(\.kind.rawValue))
            },
            word("zeek_conn_state", ZeekRow.connStates) { $0.zeekConnState },
            RecordField(name: "zeek_history", kind: .text) { .text($0.zeekHistory) },
            word("end_reason", FinishReason.self) { $0.finishReason },
        ]
    }()
}
