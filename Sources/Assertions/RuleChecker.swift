import Report
import Tracker
import Wire

/// Judges finished connections against the rules, limited to one server
/// if asked; collects the connections that break each rule, matches them to
/// an expect file and writes them as one, if asked. It keeps what the rules
/// and the expect file need, nothing per connection seen.
public struct RuleChecker: ConnectionRenderer {
    /// A rule and what broke it.
    public struct Verdict: Sendable {
        public var rule: CheckRule
        /// One line per offending connection (at most `maximumListed`).
        public var offenders: [String]
        /// Offending connections beyond the listed ones.
        public var unlisted: Int
        /// For rules about the whole capture, why it failed.
        public var summary: String?

        public var holds: Bool { offenders.isEmpty && summary == nil }
    }

    static let maximumListed = 20
    public let rules: [CheckRule]
    public let server: ConnectionCriterion?
    /// `--where`: only connections whose record satisfies it are judged.
    public let filter: RecordFilter?
    public private(set) var connections = 0
    /// `--expect`: the judged connections matched to the file's.
    public private(set) var expectation: ExpectationMatcher?
    /// `--write-expect`: the judged connections written as an expect file.
    private var expectFile: ExpectFileWriter?
    private var verdicts: [Verdict]

    /// Finished connections only.
    public var events: ReportedEvents { [] }

    public init(rules: [CheckRule], server: ConnectionCriterion?, filter: RecordFilter? = nil,
                expectation: ExpectedConnections? = nil, expectFile: ExpectFileWriter? = nil) {
        self.rules = rules
        self.server = server
        self.filter = filter
        self.expectation = expectation.map(ExpectationMatcher.init)
        self.expectFile = expectFile
        verdicts = rules.map { Verdict(rule: $0, offenders: [], unlisted: 0, summary: nil) }
    }

    public mutating func begin(to output: inout some LineSink) {
        expectFile?.begin()
    }

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        guard case .finished(let record) = event else { return }
        if let server, !server.matches(record.server) { return }
        if let filter, !filter.matches(record) { return }
        connections += 1
        expectation?.match(record)
        expectFile?.add(record)
        for index in verdicts.indices {
            guard let reason = Self.breaks(verdicts[index].rule, record) else { continue }
            if verdicts[index].offenders.count < Self.maximumListed {
                verdicts[index].offenders.append("#\(record.id) \(record.client) → \(record.server): \(reason)")
            } else {
                verdicts[index].unlisted += 1
            }
        }
    }

    public mutating func end(to output: inout some LineSink) {
        expectFile?.end()
    }

    /// The verdicts, including the rules about the whole capture.
    public var results: [Verdict] {
        verdicts.map { verdict in
            var verdict = verdict
            if case .expectConnections(let expected) = verdict.rule, expected != connections {
                verdict.summary = "saw " + counted(connections, "connection")
            }
            return verdict
        }
    }

    /// Why `record` breaks `rule`, or nil if it does not.
    static func breaks(_ rule: CheckRule, _ record: ConnectionRecord) -> String? {
        switch rule {
        case .failOn(let failure):
            guard failure.isShown(by: record) else { return nil }
            return "\(failure.rawValue) (handshake \(record.handshake.rawValue), close \(record.close.rawValue), "
                + "client \(record.clientState?.rawValue ?? "-"), server \(record.serverState?.rawValue ?? "-"))"
        case .maximumHandshakeRTT(let limit):
            guard let rtt = record.handshakeRTT, rtt > limit else { return nil }
            return "handshake took \(DurationText.text(rtt))"
        case .maximumConnectTime(let limit):
            guard let time = record.clientConnectTime, time > limit else { return nil }
            return "connect took \(DurationText.text(time)) (handshake RTT \(record.handshakeRTT.map(DurationText.text) ?? "-"), "
                + "\(counted(record.synRetransmissions, "SYN retransmission")))"
        case .expectConnections:
            return nil
        case .expectClose(let closes):
            guard !closes.contains(record.close) else { return nil }
            return "closed with \(record.close.rawValue)"
        }
    }
}
