import Tracker
import Wire

/// Builds a segment sequence between a client and a server, one line per
/// segment, with times in milliseconds from the start:
///
///     var c = Conversation()
///     c.client(.syn, seq: 100, at: 0)
///     c.server([.syn, .ack], seq: 300, ack: 101, at: 1)
struct Conversation {
    var clientEndpoint = Endpoint(address: IPAddress("10.0.0.1")!, port: 51514)
    var serverEndpoint = Endpoint(address: IPAddress("10.0.0.2")!, port: 80)
    var segments: [TCPSegment] = []
    static let start: Int64 = 1_700_000_000 * 1_000_000_000

    static func time(_ milliseconds: Double) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: start + Int64(milliseconds * 1_000_000))
    }

    mutating func client(_ flags: TCPFlags, seq: UInt32, ack: UInt32 = 0, len: Int = 0, window: UInt16 = 64240,
                         at milliseconds: Double) {
        segment(fromClient: true, flags, seq: seq, ack: ack, len: len, window: window, at: milliseconds)
    }

    mutating func server(_ flags: TCPFlags, seq: UInt32, ack: UInt32 = 0, len: Int = 0, window: UInt16 = 65160,
                         at milliseconds: Double) {
        segment(fromClient: false, flags, seq: seq, ack: ack, len: len, window: window, at: milliseconds)
    }

    private mutating func segment(fromClient: Bool, _ flags: TCPFlags, seq: UInt32, ack: UInt32, len: Int,
                                  window: UInt16, at milliseconds: Double) {
        segments.append(TCPSegment(timestamp: Self.time(milliseconds),
                                   source: fromClient ? clientEndpoint : serverEndpoint,
                                   destination: fromClient ? serverEndpoint : clientEndpoint,
                                   sequence: SequenceNumber(seq), acknowledgment: SequenceNumber(ack), flags: flags,
                                   window: window, payloadLength: len))
    }

    /// The classic open: client ISN 100, server ISN 300, at 0, 1 and 2 ms.
    mutating func handshake() {
        client(.syn, seq: 100, at: 0)
        server([.syn, .ack], seq: 300, ack: 101, at: 1)
        client(.ack, seq: 101, ack: 301, at: 2)
    }

    /// Runs the segments through a fresh tracker and the end of input.
    func run(_ configuration: TrackerConfiguration = TrackerConfiguration()) -> Outcome {
        var tracker = ConnectionTracker(configuration: configuration)
        var sink = CollectingSink()
        for segment in segments { tracker.process(segment, into: &sink) }
        tracker.finish(into: &sink)
        return Outcome(events: sink.events, statistics: tracker.statistics)
    }
}

/// What a run produced, with compact views for exact assertions.
struct Outcome {
    var events: [ConnectionEvent]
    var statistics: ConnectionTracker.Statistics

    var records: [ConnectionRecord] {
        events.compactMap { if case .finished(let record) = $0 { record } else { nil } }
    }

    /// The only record; fails the test if there is not exactly one.
    var record: ConnectionRecord {
        precondition(records.count == 1, "expected one connection, got \(records.count)")
        return records[0]
    }

    var anomalies: [(UInt64, Anomaly)] {
        events.compactMap { if case .anomaly(let id, let anomaly) = $0 { (id, anomaly) } else { nil } }
    }
}

/// `STATE@ms` for each transition, `*` when inferred, `~` when assumed:
/// `SYN_SENT@0 ESTABLISHED@2`.
func trace(_ transitions: EndpointTransitions) -> String {
    transitions.map { transition in
        let milliseconds = Double(transition.time.nanosecondsSinceEpoch - Conversation.start) / 1_000_000
        let time = milliseconds == milliseconds.rounded() ? String(Int(milliseconds)) : String(milliseconds)
        return "\(transition.state.rawValue)@\(time)" + (transition.assumed ? "~" : transition.inferred ? "*" : "")
    }.joined(separator: " ")
}

extension ConnectionRecord {
    var clientTrace: String { trace(clientTransitions) }
    var serverTrace: String { trace(serverTransitions) }
}
