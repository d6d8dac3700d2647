import Foundation
import Report
import Tracker
import Wire

/// `--expect FILE`: the connections a capture should show, in order.
///
///     {"connections": [{"client": "10.0.0.1", "server": "10.0.0.2:5432",
///                       "handshake": "complete", "close": "fin",
///                       "client_state": "TIME_WAIT", "server_state": "CLOSED",
///                       "client_transitions": ["SYN_SENT", "ESTABLISHED", ...]}]}
///
/// Only `server` is required; every other field is checked only if given.
/// `client` may omit the port, since ephemeral ports change between runs.
/// An entry with `count` stands for that many connections alike
/// (`{"server": "10.0.0.2:5432", "count": 30, "handshake": "complete",
/// "close": "fin"}`): it takes the first `count` connections it fits.
public struct ExpectedConnections: Codable, Equatable, Sendable {
    public struct Connection: Codable, Hashable, Sendable {
        public var client: String?
        public var server: String
        /// How many connections the entry stands for; nil is one.
        public var count: Int?
        public var handshake: String?
        public var close: String?
        public var clientState: String?
        public var serverState: String?
        public var clientTransitions: [String]?
        public var serverTransitions: [String]?

        enum CodingKeys: String, CodingKey {
            case client, server, count, handshake, close
            case clientState = "client_state", serverState = "server_state"
            case clientTransitions = "client_transitions", serverTransitions = "server_transitions"
        }

        /// Reads one expected connection, refusing values handshake never
        /// reports (`"close": "fine"`) and endpoints `--conn` would not take:
        /// such a file is a mistake to point out, not a connection that
        /// silently matches nothing. What passes is known text only, so
        /// nothing from the file reaches the terminal or the JUnit report raw.
        public init(from decoder: Decoder) throws {
            let values = try decoder.container(keyedBy: CodingKeys.self)
            func endpoint(_ key: CodingKeys, _ text: String) throws -> String {
                guard ConnectionCriterion(endpoint: text) != nil else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: values, debugDescription:
                        ConnectionCriterion.usageError(key.stringValue, Self.shown(text)))
                }
                return text
            }
            /// The word as handshake writes it now, an alias read as its word.
            func one<Value: Vocabulary>(_ key: CodingKeys, _: Value.Type) throws -> String? {
                guard let text = try values.decodeIfPresent(String.self, forKey: key) else { return nil }
                guard let value = Value(word: text) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: values, debugDescription:
                        "\(Self.quoted(text)) is not one of " + Value.words.joined(separator: ", "))
                }
                return value.rawValue
            }
            func states(_ key: CodingKeys) throws -> [String]? {
                guard let list = try values.decodeIfPresent([String].self, forKey: key) else { return nil }
                if let wrong = list.first(where: { TCPState(rawValue: $0) == nil }) {
                    throw DecodingError.dataCorruptedError(forKey: key, in: values, debugDescription:
                        "\(Self.quoted(wrong)) is not a state: " + TCPState.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return list
            }
            // Required: missing or null is an error, not a server named "".
            server = try endpoint(.server, values.decode(String.self, forKey: .server))
            client = try values.decodeIfPresent(String.self, forKey: .client).map { try endpoint(.client, $0) }
            count = try values.decodeIfPresent(Int.self, forKey: .count)
            if let count, count < 1 {
                throw DecodingError.dataCorruptedError(forKey: .count, in: values,
                                                       debugDescription: "\(count) is not a count of connections (1 or more)")
            }
            handshake = try one(.handshake, HandshakeOutcome.self)
            close = try one(.close, CloseOutcome.self)
            clientState = try one(.clientState, TCPState.self)
            serverState = try one(.serverState, TCPState.self)
            clientTransitions = try states(.clientTransitions)
            serverTransitions = try states(.serverTransitions)
        }

        /// A value from the file made harmless for a terminal, for the
        /// error that refuses it: control characters escaped, at most 40 shown.
        static func shown(_ text: String) -> String {
            text.unicodeScalars.prefix(40).map { scalar in
                scalar.properties.generalCategory == .control ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
            }.joined() + (text.unicodeScalars.count > 40 ? "…" : "")
        }

        static func quoted(_ text: String) -> String { "'" + shown(text) + "'" }

        /// What `--write-expect` records for a connection seen.
        public init(_ record: ConnectionRecord) {
            // An IPv6 client in brackets: bare, one ending in a decimal group
            // (2001:db8::1:80) would read as an address and a port.
            client = record.client.address.isIPv6 ? "[\(record.client.address)]" : record.client.address.description
            server = Self.text(record.server)
            handshake = record.handshake.rawValue
            close = record.close.rawValue
            clientState = record.clientState?.rawValue
            serverState = record.serverState?.rawValue
            clientTransitions = record.clientTransitions.map(\.state.rawValue)
            serverTransitions = record.serverTransitions.map(\.state.rawValue)
        }

        /// `10.0.0.2:5432` or `[2001:db8::1]:443`, as `--conn` takes them.
        static func text(_ endpoint: Endpoint) -> String {
            endpoint.address.isIPv6 ? "[\(endpoint.address)]:\(endpoint.port)" : "\(endpoint.address):\(endpoint.port)"
        }

        /// `10.99.0.1 → 10.99.0.2:8001`: the client's address (no port) and
        /// the server; `30 × any client → …` for an entry of 30.
        public var label: String { (count.map { "\($0) × " } ?? "") + "\(client ?? "any client") → \(server)" }

        /// How much of a connection `--write-expect` pins.
        public enum Level: String, CaseIterable, Sendable {
            /// Per server, how many connections ended how: `count`,
            /// `handshake` and `close`; reusable across runs of a workload.
            case outcome
            /// Per connection, its outcomes and both final states.
            case states
            /// Per connection, every state each end went through (the default).
            case transitions
        }

        /// This entry with only what `level` pins.
        public func pinned(to level: Level) -> Connection {
            var entry = self
            if level != .transitions {
                entry.clientTransitions = nil
                entry.serverTransitions = nil
            }
            if level == .outcome {
                entry.client = nil
                entry.clientState = nil
                entry.serverState = nil
            }
            return entry
        }

        /// `- expected` / `+ seen` lines for every field that differs.
        func differences(from record: ConnectionRecord) -> [String] {
            let seen = Connection(record)
            var lines: [String] = []
            func compare(_ name: String, _ expected: String?, _ actual: String?) {
                guard let expected, expected != actual else { return }
                lines.append("- \(name): \(expected)")
                lines.append("+ \(name): \(actual ?? "null")")
            }
            compare("handshake", handshake, seen.handshake)
            compare("close", close, seen.close)
            compare("client_state", clientState, seen.clientState)
            compare("server_state", serverState, seen.serverState)
            compare("client_transitions", clientTransitions?.joined(separator: " "),
                    seen.clientTransitions?.joined(separator: " "))
            compare("server_transitions", serverTransitions?.joined(separator: " "),
                    seen.serverTransitions?.joined(separator: " "))
            return lines
        }
    }

    public var connections: [Connection]

    public init(connections: [Connection]) {
        self.connections = connections
    }

    /// The comparison of one expected connection, or of one seen that nothing expected.
    public struct Comparison: Sendable {
        /// What stays the same from run to run: the entry, or for a
        /// connection nothing expected its client's address and server
        /// (`unexpected 10.99.0.1 → 10.99.0.2:8001`). JUnit's test name.
        public var name: String
        /// The connection seen, with what changes each run (its id and
        /// ephemeral port): `#7438428579564337 10.99.0.1.40127 → 10.99.0.2.9`.
        public var seen: String?
        /// Empty when it matched: `- expected` and `+ seen` lines otherwise.
        public var differences: [String]
        public var holds: Bool { differences.isEmpty }

        public init(name: String, seen: String? = nil, differences: [String]) {
            self.name = name
            self.seen = seen
            self.differences = differences
        }

        /// How `check` prints it: the name, then the connection seen.
        public var line: String { seen.map { "\(name) (\($0))" } ?? name }
    }

    /// Matches expected connections to seen ones in order (each seen one
    /// used once) and says how each differs; seen connections nothing
    /// expected are failures too. See `ExpectationMatcher`.
    public func compare(with records: [ConnectionRecord]) -> [Comparison] {
        var matcher = ExpectationMatcher(self)
        for record in records { matcher.match(record) }
        return matcher.comparisons
    }
}
