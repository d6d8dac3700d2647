import Report
import Tracker
import Wire

/// Matches connections to an expect file's entries as they finish, so a
/// check keeps what the file names and nothing per connection seen.
///
/// A connection takes the first entry, in file order, that it fits and
/// that nothing took before. With every entry ranking connections by time
/// and every connection ranking entries by file order, the stable matching
/// is unique, so this is the same pairing as giving each entry in turn the
/// first connection it fits; but it needs no connection kept for later.
///
/// Entries are filed under what they name (server address, server port or
/// any, client address or any, client port or any). All entries under one
/// key fit the same connections, so the first unmatched one of each is the
/// only candidate: a connection looks at the six keys it could be filed
/// under, whatever the number of entries or connections.
public struct ExpectationMatcher: Sendable {
    /// The unexpected connections listed one by one; those beyond are counted.
    static let maximumListed = 20

    private struct Key: Hashable, Sendable {
        var server: IPAddress
        var serverPort: UInt16?
        var client: IPAddress?
        var clientPort: UInt16?
    }

    private let expected: [ExpectedConnections.Connection]
    /// Each key's entries not matched yet, in file order.
    private var waiting: [Key: ArraySlice<Int>] = [:]
    private var outcomes: [ExpectedConnections.Comparison?]
    /// How many connections each entry has taken (one at most, but for an entry with `count`).
    private var taken: [Int]
    /// How many of an entry's connections differ from it.
    private var differing: [Int]
    private var unexpected: [ExpectedConnections.Comparison] = []
    private var unlisted = 0

    /// The connections of an entry with `count` that differ, listed one by one; those beyond are counted.
    static let maximumListedPerEntry = 5

    public init(_ expectation: ExpectedConnections) {
        expected = expectation.connections
        outcomes = Array(repeating: nil, count: expected.count)
        taken = Array(repeating: 0, count: expected.count)
        differing = Array(repeating: 0, count: expected.count)
        var filed: [Key: [Int]] = [:]
        for (index, entry) in expected.enumerated() {
            // The decoder refused an entry whose endpoints do not parse.
            guard case .endpoint(let server, let serverPort)? = ConnectionCriterion(endpoint: entry.server) else { continue }
            var key = Key(server: server, serverPort: serverPort)
            if let client = entry.client, case .endpoint(let address, let port)? = ConnectionCriterion(endpoint: client) {
                key.client = address
                key.clientPort = port
            }
            filed[key, default: []].append(index)
        }
        waiting = filed.mapValues { $0[...] }
    }

    /// Pairs a finished connection with its entry, or notes it as unexpected.
    public mutating func match(_ record: ConnectionRecord) {
        var best: (index: Int, key: Key)?
        for serverPort in [record.server.port, nil] as [UInt16?] {
            for (client, clientPort) in [(nil, nil), (record.client.address, nil),
                                         (record.client.address, record.client.port)] as [(IPAddress?, UInt16?)] {
                let key = Key(server: record.server.address, serverPort: serverPort, client: client, clientPort: clientPort)
                if let index = waiting[key]?.first, index < best?.index ?? .max { best = (index, key) }
            }
        }
        guard let best else {
            if unexpected.count < Self.maximumListed {
                unexpected.append(.init(name: "unexpected \(ExpectedConnections.Connection(record).label)",
                                        seen: Self.describe(record), differences: [
                    "- nothing",
                    "+ a connection (handshake \(record.handshake.rawValue), close \(record.close.rawValue))",
                ]))
            } else {
                unlisted += 1
            }
            return
        }
        let entry = expected[best.index]
        taken[best.index] += 1
        if taken[best.index] == entry.count ?? 1 { waiting[best.key]?.removeFirst() }
        let differences = entry.differences(from: record)
        guard entry.count != nil else {
            outcomes[best.index] = .init(name: Self.name(best.index, entry), seen: Self.describe(record),
                                         differences: differences)
            return
        }
        // One of several alike: each that differs is named, up to a few; the rest are counted.
        var outcome = outcomes[best.index] ?? .init(name: Self.name(best.index, entry), differences: [])
        if !differences.isEmpty {
            differing[best.index] += 1
            if differing[best.index] <= Self.maximumListedPerEntry {
                outcome.differences += [Self.describe(record) + ":"] + differences.map { "  " + $0 }
            }
        }
        outcomes[best.index] = outcome
    }

    /// One comparison per entry, in file order, then the unexpected connections.
    public var comparisons: [ExpectedConnections.Comparison] {
        var comparisons = outcomes.enumerated().map { index, outcome in
            let entry = expected[index]
            guard let count = entry.count else {
                return outcome ?? .init(name: Self.name(index, entry),
                                        differences: ["- a connection \(entry.label)", "+ none seen"])
            }
            var comparison = outcome ?? .init(name: Self.name(index, entry), differences: [])
            if taken[index] < count {
                comparison.differences.insert(contentsOf: ["- \(counted(count, "connection"))",
                                                           "+ \(counted(taken[index], "connection")) seen"], at: 0)
            }
            let unlisted = differing[index] - Self.maximumListedPerEntry
            if unlisted > 0 { comparison.differences.append("… and \(unlisted) more differ") }
            return comparison
        }
        comparisons += unexpected
        if unlisted > 0 {
            comparisons.append(.init(name: "unexpected: \(unlisted) more connections",
                                     differences: ["- nothing", "+ \(unlisted) more connections nothing expected"]))
        }
        return comparisons
    }

    private static func name(_ index: Int, _ entry: ExpectedConnections.Connection) -> String {
        "connection \(index + 1): \(entry.label)"
    }

    private static func describe(_ record: ConnectionRecord) -> String {
        "#\(record.id) \(record.client) → \(record.server)"
    }
}
