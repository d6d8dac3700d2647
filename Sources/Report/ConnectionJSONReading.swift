import Tracker
import Wire

extension ConnectionJSON {
    /// Why a line is not a connection record.
    public struct ReadError: Error, Equatable, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// A record read back from one line `render` wrote (`handshake merge`).
    /// Members it does not know, such as the `sensor` the distributed
    /// runner adds, are ignored.
    public static func record(from line: Substring) throws(ReadError) -> ConnectionRecord {
        let value: JSONValue
        do throws(JSONValue.ParseError) {
            value = try JSONValue(parsing: line)
        } catch {
            throw ReadError(description: "not JSON at character \(error.offset + 1): \(error.reason)")
        }
        guard case .object(let object) = value else { throw ReadError(description: "not a JSON object") }
        let fields = Fields(object: object, path: "")
        let rtt = try fields.object("rtt")
        let record = ConnectionRecord(
            id: try fields.integer("id"), client: try fields.endpoint("client"), server: try fields.endpoint("server"),
            initiatorKnown: try fields.bool("initiator_known"), firstSeen: try fields.time("first_seen"),
            lastSeen: try fields.time("last_seen"), handshake: try fields.word("handshake"),
            close: try fields.word("close"), clientState: try fields.optionalWord("client_state"),
            serverState: try fields.optionalWord("server_state"),
            clientTransitions: try fields.transitions("client_transitions"),
            serverTransitions: try fields.transitions("server_transitions"),
            synToSynAck: try rtt.optionalTime("syn_synack")?.nanosecondsSinceEpoch,
            synAckToAck: try rtt.optionalTime("synack_ack")?.nanosecondsSinceEpoch,
            clientPackets: try fields.count("client_packets"), serverPackets: try fields.count("server_packets"),
            clientBytes: try fields.count("client_bytes"), serverBytes: try fields.count("server_bytes"),
            clientIPBytes: try fields.count("client_ip_bytes"), serverIPBytes: try fields.count("server_ip_bytes"),
            synRetransmissions: Int(try fields.integer("syn_retransmissions") as UInt32),
            anomalies: try fields.anomalies("anomalies"),
            zeekConnState: try fields.zeekConnState("zeek_conn_state"), zeekHistory: try fields.zeekHistory("zeek_history"),
            finishReason: try fields.word("end_reason"), encapsulation: try fields.encapsulation("encapsulation"))
        guard record.lastSeen >= record.firstSeen else {
            throw ReadError(description: "last_seen is before first_seen")
        }
        return record
    }

    /// The latest time a record may hold, 2^32 seconds after the epoch
    /// (2106, where pcap's own seconds end): so sums and differences of
    /// times and durations read back never overflow.
    static let latestTime: Int64 = 1 << 32 * 1_000_000_000
    /// The most packets or bytes one record may count: 2^53, what a JSON
    /// reader's double holds exactly, and far past a week of 100 Gb/s.
    static let largestCount = 1 << 53

    /// One object's members, read with the types the record needs.
    private struct Fields {
        let object: [String: JSONValue]
        /// Where this object is in the record, for messages: "", "client.", ….
        let path: String

        func member(_ name: String) throws(ReadError) -> JSONValue {
            guard let value = object[name] else { throw ReadError(description: "\(path)\(name) is missing") }
            return value
        }

        func wrong(_ name: String, _ expected: String) -> ReadError {
            ReadError(description: "\(path)\(name) is not \(expected)")
        }

        func object(_ name: String) throws(ReadError) -> Fields {
            guard case .object(let members) = try member(name) else { throw wrong(name, "an object") }
            return Fields(object: members, path: "\(path)\(name).")
        }

        func string(_ name: String) throws(ReadError) -> String {
            guard case .string(let text) = try member(name) else { throw wrong(name, "a string") }
            return text
        }

        func bool(_ name: String) throws(ReadError) -> Bool {
            guard case .bool(let value) = try member(name) else { throw wrong(name, "true or false") }
            return value
        }

        func integer<Value: FixedWidthInteger>(_ name: String) throws(ReadError) -> Value {
            guard case .number(let text) = try member(name), let value = Value(text) else {
                throw wrong(name, "a whole number from \(Value.min) to \(Value.max)")
            }
            return value
        }

        /// Packets or bytes: a whole number from 0 to `largestCount`.
        func count(_ name: String) throws(ReadError) -> Int {
            guard case .number(let text) = try member(name), let value = Int(text), value >= 0,
                  value <= ConnectionJSON.largestCount else {
                throw wrong(name, "a whole number from 0 to \(ConnectionJSON.largestCount)")
            }
            return value
        }

        /// Seconds, from 0 to `latestTime`: a time since the epoch, or a duration.
        func time(_ name: String) throws(ReadError) -> Timestamp {
            guard case .number(let text) = try member(name), let time = Self.timestamp(text),
                  time.nanosecondsSinceEpoch >= 0, time.nanosecondsSinceEpoch < ConnectionJSON.latestTime else {
                throw wrong(name, "a time in seconds from 0 to 4294967296")
            }
            return time
        }

        func zeekConnState(_ name: String) throws(ReadError) -> String {
            let text = try string(name)
            guard ZeekRow.connStates.contains(text) else {
                throw wrong(name, "one of " + ZeekRow.connStates.joined(separator: ", "))
            }
            return text
        }

        /// Zeek's letters only: anything else would forge conn.log's fields or rows.
        func zeekHistory(_ name: String) throws(ReadError) -> String {
            let text = try string(name)
            guard text.allSatisfy(ZeekRow.historyLetters.contains) else { throw wrong(name, "Zeek's history letters") }
            return text
        }

        func optionalTime(_ name: String) throws(ReadError) -> Timestamp? {
            if case .null = try member(name) { return nil }
            return try time(name)
        }

        /// A word of its vocabulary, or an alias: records of earlier versions read.
        func word<Word: Vocabulary>(_ name: String) throws(ReadError) -> Word {
            let text = try string(name)
            guard let word = Word(word: text) else {
                throw wrong(name, "one of " + Word.words.joined(separator: ", ") + " ('\(text)')")
            }
            return word
        }

        func optionalWord<Word: Vocabulary>(_ name: String) throws(ReadError) -> Word? {
            if case .null = try member(name) { return nil }
            return try word(name) as Word
        }

        func endpoint(_ name: String) throws(ReadError) -> Endpoint {
            let fields = try object(name)
            guard let address = IPAddress(try fields.string("ip")) else { throw fields.wrong("ip", "an IP address") }
            return Endpoint(address: address, port: try fields.integer("port"))
        }

        func list(_ name: String) throws(ReadError) -> [Fields] {
            guard case .array(let elements) = try member(name) else { throw wrong(name, "a list") }
            var result: [Fields] = []
            for (index, element) in elements.enumerated() {
                guard case .object(let members) = element else { throw wrong("\(name).\(index)", "an object") }
                result.append(Fields(object: members, path: "\(path)\(name).\(index)."))
            }
            return result
        }

        func transitions(_ name: String) throws(ReadError) -> [StateTransition] {
            var result: [StateTransition] = []
            for fields in try list(name) {
                result.append(StateTransition(time: try fields.time("t"), state: try fields.word("state"),
                                              inferred: try fields.bool("inferred"), assumed: try fields.bool("assumed")))
            }
            return result
        }

        /// The layers; absent in records written before there were any.
        func encapsulation(_ name: String) throws(ReadError) -> EncapsulationPath {
            guard object[name] != nil else { return .none }
            guard case .array(let elements) = try member(name) else { throw wrong(name, "a list") }
            var layers: [EncapsulationLayer] = []
            for (index, element) in elements.enumerated() {
                guard case .string(let text) = element, let layer = EncapsulationLayer(parsing: text) else {
                    throw wrong("\(name).\(index)", "an encapsulation layer such as \"vxlan vni 42 10.0.0.1 <-> 10.0.0.2.4789\"")
                }
                layers.append(layer)
            }
            let countName = ConnectionJSON.unlistedEncapsulationKey
            let unlisted = object[countName] == nil ? 0 : try integer(countName) as UInt32
            return EncapsulationPath(layers: layers, unlistedSegments: Int(unlisted))
        }

        func anomalies(_ name: String) throws(ReadError) -> [Anomaly] {
            var result: [Anomaly] = []
            for fields in try list(name) {
                result.append(Anomaly(kind: try fields.word("kind"), sender: try fields.word("from"),
                                      firstSeen: try fields.time("first_seen"),
                                      count: Int(try fields.integer("count") as UInt32)))
            }
            return result
        }

        /// Seconds as JSON writes a number, to the nanosecond: a plain
        /// decimal with up to nine decimals (`1796135853.189463`, as
        /// handshake writes), or with an exponent (`1.8e-05`, as jq writes),
        /// whose digits past the ninth decimal are dropped. Nil past Int64.
        static func timestamp(_ text: Substring) -> Timestamp? {
            let negative = text.hasPrefix("-")
            var mantissa = negative ? text.dropFirst() : text
            var exponent = 0
            if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                let power = mantissa[mantissa.index(after: e)...]
                guard let value = Int(power.hasPrefix("+") ? power.dropFirst() : power), abs(value) <= 30 else { return nil }
                exponent = value
                mantissa = mantissa[..<e]
            }
            let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let whole = parts[0], fraction = parts.count == 2 ? parts[1] : ""
            guard !whole.isEmpty, parts.count == 1 || !fraction.isEmpty,
                  (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            guard exponent != 0 || fraction.count <= 9 else { return nil }
            // The digits, and where the point falls among them once shifted nine places for nanoseconds.
            let digits = Array((whole + fraction).utf8)
            let point = whole.count + exponent + 9
            var total: Int64 = 0
            for (index, digit) in digits.enumerated() where index < point {
                let (scaled, overflowed) = total.multipliedReportingOverflow(by: 10)
                let (sum, carried) = scaled.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
                guard !overflowed, !carried else { return nil }
                total = sum
            }
            for _ in digits.count..<max(point, digits.count) {
                let (scaled, overflowed) = total.multipliedReportingOverflow(by: 10)
                guard !overflowed else { return nil }
                total = scaled
            }
            return Timestamp(nanosecondsSinceEpoch: negative ? -total : total)
        }
    }
}
