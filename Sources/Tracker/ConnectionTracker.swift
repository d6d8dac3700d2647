import Wire

/// Follows every TCP connection in a stream of segments through both
/// endpoints' state machines. Pure and deterministic: time is the
/// capture's, and memory holds only the connections open at once.
///
///     var tracker = ConnectionTracker()
///     var sink = CollectingSink()
///     for segment in segments { tracker.process(segment, into: &sink) }
///     tracker.finish(into: &sink)
public struct ConnectionTracker {
    /// Counters over the whole run.
    public struct Statistics: Equatable, Sendable {
        public var segments = 0
        public var connections = 0
        /// Connections pushed out of a full table.
        public var evictions = 0
        /// Segments for a connection already reported, absorbed while it lingers.
        public var straySegments = 0
        /// The most connections held at once.
        public var peakOpen = 0
    }

    /// How long a reported connection's entry lingers to absorb stray segments
    /// (retransmissions crossing a RST, a last ACK) before it is removed.
    static let linger: Int64 = 5 * TrackerConfiguration.second
    /// Timeouts are checked once per this much capture time.
    static let sweepInterval: Int64 = TrackerConfiguration.second

    public let configuration: TrackerConfiguration
    public private(set) var statistics = Statistics()
    private var table = ConnectionTable()
    private var nextID: UInt64 = 1
    private var now = Timestamp(nanosecondsSinceEpoch: .min)
    private var nextSweep = Timestamp(nanosecondsSinceEpoch: .min)

    public init(configuration: TrackerConfiguration = TrackerConfiguration()) {
        self.configuration = configuration
    }

    /// Connections in the table now (reported ones that linger included).
    public var openConnections: Int { table.count }

    public mutating func process(_ segment: TCPSegment, into sink: inout some ConnectionEventSink) {
        statistics.segments += 1
        let wentBackwards = segment.timestamp < now
        if !wentBackwards { now = segment.timestamp }
        if now >= nextSweep { sweep(into: &sink) }

        let key = FlowKey(segment)
        if let slot = table.slot(for: key) {
            if startsNewConnection(segment, in: table[slot]) {
                replace(slot, with: segment, into: &sink)
                return
            }
            guard table[slot].reportedAt == nil else {
                statistics.straySegments += 1
                return
            }
            table.touch(slot)
            if wentBackwards {
                let sender = table[slot].role(ofSender: segment)
                table[slot].recordAnomaly(.timeWentBackwards, sender: sender, at: segment.timestamp, sink: &sink)
            }
            table[slot].process(segment, sink: &sink)
            reportIfClosed(slot, into: &sink)
        } else {
            open(segment, key: key, into: &sink)
        }
    }

    /// Reports every connection still open, in the order they were first
    /// seen, with what was sent but not yet proven received taken as
    /// received (marked inferred). Call once, at the end of the input.
    public mutating func finish(into sink: inout some ConnectionEventSink) {
        let open = table.occupiedSlots.sorted { table[$0].id < table[$1].id }
        for slot in open {
            if table[slot].reportedAt == nil {
                table[slot].settlePending(sink: &sink)
                let reason: FinishReason = table[slot].isClosed ? .closed : .endOfInput
                sink.receive(.finished(table[slot].record(reason: reason)))
            }
            table.remove(slot)
        }
    }

    /// Applies the passage of capture time without a segment, for live captures that go quiet.
    public mutating func advance(to time: Timestamp, into sink: inout some ConnectionEventSink) {
        guard time > now else { return }
        now = time
        if now >= nextSweep { sweep(into: &sink) }
    }

    // MARK: - Private

    /// A SYN with an ISN other than its sender's on this pair starts a new
    /// connection. One with ACK, FIN or RST beside it opens nothing.
    private func startsNewConnection(_ segment: TCPSegment, in connection: Connection) -> Bool {
        guard segment.flags.contains(.syn), segment.flags.isDisjoint(with: [.ack, .fin, .rst]) else {
            return false
        }
        let sender = connection.role(ofSender: segment)
        guard let initial = connection[sender].initialSequence else {
            return connection.reportedAt != nil || connection[sender].packets > 0 && !connection.initiatorKnown
        }
        return initial != segment.sequence
    }

    private mutating func replace(_ slot: Int32, with segment: TCPSegment, into sink: inout some ConnectionEventSink) {
        if table[slot].reportedAt == nil {
            let old = table[slot]
            let settled = old.client.state == .timeWait || old.client.state == .closed || old.client.state == .synSent
            if !settled {
                table[slot].recordAnomaly(.synInConnection, sender: old.role(ofSender: segment), at: segment.timestamp,
                                          sink: &sink)
            }
            table[slot].settlePending(sink: &sink)
            table[slot].closeForReuse(at: segment.timestamp, cause: segment, sink: &sink)
            sink.receive(.finished(table[slot].record(reason: .portReused)))
        }
        table.remove(slot)
        open(segment, key: FlowKey(segment), into: &sink)
    }

    private mutating func open(_ segment: TCPSegment, key: FlowKey, into sink: inout some ConnectionEventSink) {
        if table.count >= configuration.maximumConnections, let victim = table.leastRecentlyUsed {
            if table[victim].reportedAt == nil {
                statistics.evictions += 1
                sink.receive(.finished(table[victim].record(reason: .evicted)))
            }
            table.remove(victim)
        }
        var connection = Connection(id: nextID, first: segment)
        nextID += 1
        statistics.connections += 1
        connection.announceStartingStates(cause: segment, sink: &sink)
        connection.process(segment, sink: &sink)
        let slot = table.insert(connection, for: key)
        statistics.peakOpen = max(statistics.peakOpen, table.count)
        reportIfClosed(slot, into: &sink)
    }

    private mutating func reportIfClosed(_ slot: Int32, into sink: inout some ConnectionEventSink) {
        guard table[slot].isClosed, table[slot].reportedAt == nil else { return }
        table[slot].reportedAt = now
        sink.receive(.finished(table[slot].record(reason: .closed)))
    }

    /// Expires TIME_WAIT, idle connections and lingering reported ones.
    private mutating func sweep(into sink: inout some ConnectionEventSink) {
        nextSweep = now + Self.sweepInterval
        let timeWait = 2 * configuration.maximumSegmentLifetime
        for slot in table.occupiedSlots {
            if let reported = table[slot].reportedAt {
                if now - reported >= Self.linger { table.remove(slot) }
                continue
            }
            table[slot].expireTimeWait(now: now, timeWait: timeWait, sink: &sink)
            if table[slot].isClosed {
                table[slot].reportedAt = now
                sink.receive(.finished(table[slot].record(reason: .closed)))
                continue
            }
            let connection = table[slot]
            let timeout = max(configuration.idleTimeout(connection.client.state),
                              configuration.idleTimeout(connection.server.state))
            if now - connection.lastSeen >= timeout {
                sink.receive(.finished(connection.record(reason: .idle)))
                table.remove(slot)
            }
        }
    }
}
