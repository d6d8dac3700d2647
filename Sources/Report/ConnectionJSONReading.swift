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
        return ConnectionRecord(
            id: try fields.integer("id"), client: try fields.endpoint("client"), server: try fields.endpoint("server"),
            initiatorKnown: try fields.bool("initiator_known"), firstSeen: try fields.time("first_seen"),
            lastSeen: try fields.time("last_seen"), handshake: try fields.word("handshake"),
            close: try fields.word("close"), clientState: try fields.optionalWord("client_state"),
            serverState: try fields.optionalWord("server_state"),
            clientTransitions: try fields.transitions("client_transitions"),
            serverTransitions: try fields.transitions("server_transitions"),
            synToSynAck: try rtt.optionalTime("syn_synack")?.nanosecondsSinceEpoch,
            synAckToAck: try rtt.optionalTime("synack_ack")?.nanosecondsSinceEpoch,
            clientPackets: try fields.integer("client_packets"), serverPackets: try fields.integer("server_packets"),
            clientBytes: try fields.integer("client_bytes"), serverBytes: try fields.integer("server_bytes"),
            clientIPBytes: try fields.integer("client_ip_bytes"), serverIPBytes: try fields.integer("server_ip_bytes"),
            synRetransmissions: try fields.integer("syn_retransmissions"), anomalies: try fields.anomalies("anomalies"),
            zeekConnState: try fields.string("zeek_conn_state"), zeekHistory: try fields.string("zeek_history"),
            finishReason: try fields.word("end_reason"), encapsulation: try fields.encapsulation("encapsulation"))
    }

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

        func time(_ name: String) throws(ReadError) -> Timestamp {
            guard case .number(let text) = try member(name), let time = Self.timestamp(text) else {
                throw wrong(name, "a time in seconds")
            }
            return time
        }

        func optionalTime(_ name: String) throws(ReadError) -> Timestamp? {
            if case .null = try member(name) { return nil }
            return try time(name)
        }

        func word<Word: RawRepresentable & CaseIterable>(_ name: String) throws(ReadError) -> Word
            where Word.RawValue == String {
            let text = try string(name)
            guard let word = Word(rawValue: text) else {
                throw wrong(name, "one of " + Word.allCases.map(\.rawValue).joined(separator: ", ") + " ('\(text)')")
            }
            return word
        }

        func optionalWord<Word: RawRepresentable & CaseIterable>(_ name: String) throws(ReadError) -> Word?
            where Word.RawValue == String {
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
                                      firstSeen: try fields.time("first_seen"), count: try fields.integer("count")))
            }
            return result
        }

        /// Seconds with up to nine decimals, exactly: `1796135853.189463`.
        static func timestamp(_ text: Substring) -> Timestamp? {
            let negative = text.hasPrefix("-")
            let digits = negative ? text.dropFirst() : text
            let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard let seconds = Int64(parts[0]), parts[0].allSatisfy(\.isASCII) else { return nil }
            var nanoseconds: Int64 = 0
            if parts.count == 2 {
                let fraction = parts[1]
                guard !fraction.isEmpty, fraction.count <= 9, let value = Int64(fraction), value >= 0,
                      fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                nanoseconds = value * [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
                                       1_000_000_000][9 - fraction.count]
            }
            let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
            guard !overflow else { return nil }
            let total = scaled + nanoseconds
            return Timestamp(nanosecondsSinceEpoch: negative ? -total : total)
        }
    }
}
