import Report
import Tracker

/// `check --write-expect FILE`: the connections seen, written as an expect
/// file while they finish, so none is kept until the end.
///
/// The text is what `JSONEncoder` writes for `ExpectedConnections` with
/// `.prettyPrinted` and `.sortedKeys`, the format files were written in
/// before they were streamed (a test holds the two equal), so regenerated
/// files show no churn in review.
public struct ExpectFileWriter {
    /// Shared with its owner, which flushes and closes it (a file's output).
    private var sink: any LineSink & AnyObject
    /// The entry before: its closing brace waits to learn if a comma follows.
    private var entries = 0
    /// How much of each connection is pinned (`--write-expect-level`).
    public let level: ExpectedConnections.Connection.Level
    /// At `outcome`: one entry per server and way of ending, counted, in
    /// the order first seen; written at the end (one per server and outcome, not per connection).
    private var outcomes: [ExpectedConnections.Connection] = []
    private var outcomePlaces: [ExpectedConnections.Connection: Int] = [:]

    public init(to sink: some LineSink & AnyObject, level: ExpectedConnections.Connection.Level = .transitions) {
        self.sink = sink
        self.level = level
    }

    public mutating func begin() {
        sink.write("{")
        sink.write("  \"connections\" : [")
    }

    public mutating func add(_ record: ConnectionRecord) {
        let entry = ExpectedConnections.Connection(record).pinned(to: level)
        guard level == .outcome else { return write(entry) }
        if let place = outcomePlaces[entry] {
            outcomes[place].count = (outcomes[place].count ?? 1) + 1
        } else {
            outcomePlaces[entry] = outcomes.count
            outcomes.append(entry)
        }
    }

    private mutating func write(_ entry: ExpectedConnections.Connection) {
        if entries > 0 { sink.write("    },") }
        entries += 1
        // Sorted by key, as JSONEncoder's .sortedKeys; absent ones omitted.
        let fields: [(String, Value?)] = [
            ("client", entry.client.map(Value.text)),
            ("client_state", entry.clientState.map(Value.text)),
            ("client_transitions", entry.clientTransitions.map(Value.list)),
            ("close", entry.close.map(Value.text)),
            ("count", entry.count.map(Value.number)),
            ("handshake", entry.handshake.map(Value.text)),
            ("server", .text(entry.server)),
            ("server_state", entry.serverState.map(Value.text)),
            ("server_transitions", entry.serverTransitions.map(Value.list)),
        ]
        let present = fields.compactMap { key, value in value.map { (key, $0) } }
        sink.write("    {")
        for (position, (key, value)) in present.enumerated() {
            let comma = position < present.count - 1 ? "," : ""
            switch value {
            case .text(let text):
                sink.write("      \"\(key)\" : \"\(text)\"\(comma)")
            case .number(let number):
                sink.write("      \"\(key)\" : \(number)\(comma)")
            case .list(let items):
                sink.write("      \"\(key)\" : [")
                // JSONEncoder writes an empty array as an empty line in brackets.
                if items.isEmpty { sink.write("") }
                for (index, item) in items.enumerated() {
                    sink.write("        \"\(item)\"" + (index < items.count - 1 ? "," : ""))
                }
                sink.write("      ]\(comma)")
            }
        }
    }

    public mutating func end() {
        for entry in outcomes { write(entry) }
        sink.write(entries > 0 ? "    }" : "")
        sink.write("  ]")
        sink.write("}")
    }

    /// Values are addresses, ports and state names handshake wrote itself:
    /// none holds a quote, a backslash or a control character to escape.
    private enum Value {
        case text(String)
        case number(Int)
        case list([String])
    }
}
