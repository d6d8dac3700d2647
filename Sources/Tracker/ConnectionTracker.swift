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
        /// Evicted connections whose flow came back: picked up again, each
        /// marked `resumedAfterEviction`, and not counted in `connections`.
        public var resumedAfterEviction = 0
        /// Segments for a connection already reported, absorbed while it lingers.
        public var straySegments = 0
        /// The most connections held at once.
        public var peakOpen = 0
        /// Segments of connections that belong to other shards (`TrackerConfiguration.shard`).
        public var otherShards = 0

        public init() {}
    }

    /// How long a reported connection's entry lingers to absorb stray segments
    /// (retransmissions crossing a RST, a last ACK) before it is removed:
    /// long enough for those, short enough that closed connections do not
    /// pile up in the table on a busy capture.
    static let linger: Int64 = TrackerConfiguration.second

    public let configuration: TrackerConfiguration
    public private(set) var statistics = Statistics()
    private var table = ConnectionTable()
    private var deadlines = DeadlineQueue()
    private var clock: CaptureClock
    private var evicted = EvictedFlows()

    public init(configuration: TrackerConfiguration = TrackerConfiguration()) {
        self.configuration = configuration
        clock = CaptureClock(jumpLimit: configuration.clockJumpLimit)
    }

    private var now: Timestamp { clock.now }

    /// Connections in the table now (reported ones that linger included).
    public var openConnections: Int { table.count }

    /// How many segments ahead a connection's memory is asked for: enough
    /// for the memory to arrive (about the time of two segments' work).
    static let prefetchDistance = 2

    /// Processes the segments of `batch` in order, as `process(_:into:)`
    /// would one by one, and empties it. Faster: every segment's index entry
    /// is asked of memory first, and each connection a few segments ahead.
    @inlinable
    public mutating func process(_ batch: inout SegmentBatch, into sink: inout some ConnectionEventSink) {
        forwarding(to: &sink) { $0.process(&batch, forwardingTo: &$1) }
    }

    @usableFromInline
    mutating func process(_ batch: inout SegmentBatch, forwardingTo sink: inout EventForwarder) {
        var hashes = SegmentBatch.PerSegment<UInt32>(repeating: 0)
        for index in 0..<batch.count {
            hashes[index] = table.hash(batch[index].source, batch[index].destination)
            table.prefetchIndexEntry(hash: hashes[index])
        }
        for index in 0..<batch.count {
            if index + Self.prefetchDistance < batch.count {
                table.prefetchConnection(hash: hashes[index + Self.prefetchDistance])
            }
            process(batch[index], hash: hashes[index], into: &sink)
        }
        batch.removeAll()
    }

    @inlinable
    public mutating func process(_ segment: TCPSegment, into sink: inout some ConnectionEventSink) {
        forwarding(to: &sink) { $0.process(segment, forwardingTo: &$1) }
    }

    @usableFromInline
    mutating func process(_ segment: TCPSegment, forwardingTo sink: inout EventForwarder) {
        process(segment, hash: table.hash(segment.source, segment.destination), into: &sink)
    }

    /// `hash` is the table's hash of the segment's address/port pair.
    /// Inlined into the batch loop, where it ran before the clock rule made
    /// it large enough for the optimiser to leave it a call (+1% instructions).
    @inline(__always)
    private mutating func process(_ segment: TCPSegment, hash: UInt32, into sink: inout some ConnectionEventSink) {
        statistics.segments += 1
        let timeAnomaly = clock.admit(segment.timestamp)
        if clock.sweepIsDue { sweep(at: now, into: &sink) }
        if let shard = configuration.shard, !shard.owns(hash: FlowHash.symmetric(segment.source, segment.destination)) {
            statistics.otherShards += 1
            return
        }
        track(segment, hash: hash, timeAnomaly: timeAnomaly, into: &sink)
    }

    /// Follows a segment of a connection this tracker owns, judged by the clock already.
    @inline(__always)
    private mutating func track(_ segment: TCPSegment, hash: UInt32, timeAnomaly: Anomaly.Kind?,
                                into sink: inout some ConnectionEventSink) {
        guard let slot = table.slot(from: segment.source, to: segment.destination, hash: hash) else {
            return open(segment, into: &sink)
        }
        let now = self.now, configuration = self.configuration
        let outcome = table.withConnection(slot) { connection -> SegmentOutcome in
            if connection.isStartedAnew(by: segment) { return .startsAnew }
            guard !connection.isReported else { return .stray }
            if let timeAnomaly {
                connection.recordAnomaly(timeAnomaly, sender: connection.role(ofSender: segment),
                                         at: segment.timestamp, sink: &sink)
            }
            connection.process(segment, sink: &sink)
            connection.reportIfClosed(now: now, closeLinger: configuration.closeLinger, sink: &sink)
            return .processed(refiled: connection.refileDeadline(configuration, linger: Self.linger, now: now))
        }
        switch outcome {
        case .processed(let refiled):
            table.touch(slot)
            if let refiled { deadlines.schedule(slot, at: refiled, id: table[slot].id) }
        case .stray: statistics.straySegments += 1
        case .startsAnew: replace(slot, with: segment, into: &sink)
        }
    }

    /// What a segment for a known address/port pair turned out to be.
    private enum SegmentOutcome {
        /// With the connection's new deadline if it came earlier than the filed one.
        case processed(refiled: Timestamp?)
        /// For a connection already reported, lingering.
        case stray
        /// A new SYN on the pair: the old connection ends, a new one begins.
        case startsAnew
    }

    /// Reports every connection still open, in the order they were first
    /// seen, with what was sent but not yet proven received taken as
    /// received (marked inferred). Call once, at the end of the input.
    @inlinable
    public mutating func finish(into sink: inout some ConnectionEventSink) {
        forwarding(to: &sink) { $0.finish(forwardingTo: &$1) }
    }

    @usableFromInline
    mutating func finish(forwardingTo sink: inout EventForwarder) {
        // Every connection is still in memory here, so this is the run's
        // peak: the timers go first, and the order is one array sorted in
        // place. It holds (first seen, id, slot), because comparing connections in
        // place read each one, a cache miss, log n times.
        deadlines.removeAll()
        var open: [(firstSeen: Timestamp, id: UInt64, slot: Int32)] = []
        open.reserveCapacity(table.count)
        for slot in table.occupiedSlots { open.append((table[slot].firstSeen, table[slot].id, slot)) }
        open.sort { ($0.firstSeen, $0.id) < ($1.firstSeen, $1.id) }
        for (firstSeen, id, slot) in open where !table[slot].isReported {
            sink.connectionEventsFollow(orderedBy: firstSeen, id: id)
            table.withConnection(slot) { connection in
                connection.settlePending(sink: &sink)
                let reason: FinishReason = connection.isDone ? .closed : .endOfInput
                sink.receive(.finished(connection.record(reason: reason)))
            }
        }
        table = ConnectionTable()
    }

    /// The earliest capture time at which a timer comes due (TIME_WAIT, an
    /// idle timeout, a linger), if any connection has one: how long a live
    /// capture may wait for packets before calling `advance(to:)`.
    public var nextDeadline: Timestamp? { deadlines.earliest }

    /// Applies the passage of time without a segment, for live captures
    /// that go quiet: reports what came due by `time`. The clock that
    /// segments are checked against does not move: the kernel may stamp the
    /// next packet a little before `time`, and that is not time running backwards.
    @inlinable
    public mutating func advance(to time: Timestamp, into sink: inout some ConnectionEventSink) {
        forwarding(to: &sink) { $0.advance(to: time, forwardingTo: &$1) }
    }

    @usableFromInline
    mutating func advance(to time: Timestamp, forwardingTo sink: inout EventForwarder) {
        guard time > now else { return }
        sweep(at: time, into: &sink)
    }

    /// A segment of a connection this tracker owns, judged by a clock kept
    /// elsewhere (`CaptureClock`): how `ParallelAnalysis` splits one run's
    /// connections between trackers that all judge time as one tracker would.
    /// The timers are run separately, with `runTimers(at:into:)`.
    @inlinable
    public mutating func process(_ segment: TCPSegment, reading: ClockReading, into sink: inout some ConnectionEventSink) {
        forwarding(to: &sink) { $0.process(segment, reading: reading, forwardingTo: &$1) }
    }

    @usableFromInline
    mutating func process(_ segment: TCPSegment, reading: ClockReading, forwardingTo sink: inout EventForwarder) {
        statistics.segments += 1
        clock.follow(reading.now)
        track(segment, hash: table.hash(segment.source, segment.destination), timeAnomaly: reading.timeAnomaly,
              into: &sink)
    }

    /// Runs the timers due at `time`, when the clock kept elsewhere says it is time to look at them.
    @inlinable
    public mutating func runTimers(at time: Timestamp, into sink: inout some ConnectionEventSink) {
        forwarding(to: &sink) { $0.runTimers(at: time, forwardingTo: &$1) }
    }

    @usableFromInline
    mutating func runTimers(at time: Timestamp, forwardingTo sink: inout EventForwarder) {
        clock.follow(time)
        sweep(at: time, into: &sink)
    }

    /// Runs `body` with a sink that passes each event on to `sink`.
    ///
    /// The tracker's per-segment code is compiled once, inside this module,
    /// for that one sink; the public entry points above are inlined into
    /// their callers, so each event reaches the caller's own sink,
    /// specialised there, through one indirect call. Without this, a caller
    /// in another module ran the whole per-segment path unspecialised (4%
    /// more instructions) unless every module was built with
    /// -cross-module-optimization, which a package cannot ask of its users.
    /// The sink travels as a pointer and a static function of its type: a
    /// closure capturing it cost an allocation per call, one per batch.
    @inlinable
    mutating func forwarding<Sink: ConnectionEventSink>(to sink: inout Sink,
                                                         _ body: (inout ConnectionTracker, inout EventForwarder) -> Void) {
        withUnsafeMutablePointer(to: &sink) { pointer in
            var forwarder = EventForwarder(sink: UnsafeMutableRawPointer(pointer), deliver: Sink.deliver,
                                           deliverOrder: Sink.deliverOrder)
            body(&self, &forwarder)
        }
    }

    // MARK: - Private

    private mutating func replace(_ slot: Int32, with segment: TCPSegment, into sink: inout some ConnectionEventSink) {
        if table[slot].isReported {
            // Reported in TIME_WAIT after the close linger: that TIME_WAIT ends now.
            table[slot].closeForReuse(at: segment.timestamp, cause: segment, sink: &sink)
        } else {
            let settled = [.timeWait, .closed, .synSent].contains(table[slot].endpoints[.client].state)
            if !settled {
                let sender = table[slot].role(ofSender: segment)
                table[slot].recordAnomaly(.synInConnection, sender: sender, at: segment.timestamp, sink: &sink)
            }
            table[slot].settlePending(sink: &sink)
            table[slot].closeForReuse(at: segment.timestamp, cause: segment, sink: &sink)
            sink.receive(.finished(table[slot].record(reason: .portReused)))
        }
        remove(slot)
        open(segment, into: &sink)
    }

    private mutating func open(_ segment: TCPSegment, into sink: inout some ConnectionEventSink) {
        if table.count >= configuration.maximumConnections, let victim = table.leastRecentlyUsed {
            if !table[victim].isReported {
                statistics.evictions += 1
                sink.receive(.finished(table[victim].record(reason: .evicted)))
                evicted.insert(EvictedFlows.Key(table[victim].clientEndpoint, table[victim].serverEndpoint))
            }
            remove(victim)
        }
        let resumed = evicted.remove(EvictedFlows.Key(segment.source, segment.destination))
        // Inserted first and then worked on in place: a connection built in a
        // local was copied whole into each call and into the table.
        let slot = table.insert(Connection(id: FlowHash.connectionID(first: segment), first: segment,
                                           reports: configuration.reportedEvents))
        if resumed {
            statistics.resumedAfterEviction += 1
        } else {
            statistics.connections += 1
        }
        statistics.peakOpen = max(statistics.peakOpen, table.count)
        let now = self.now, configuration = self.configuration
        let refiled = table.withConnection(slot) { connection in
            if connection.reports.contains(.transitions) { connection.announceStartingStates(cause: segment, sink: &sink) }
            if resumed {
                connection.recordAnomaly(.resumedAfterEviction, sender: connection.role(ofSender: segment),
                                         at: segment.timestamp, sink: &sink)
            }
            connection.process(segment, sink: &sink)
            connection.reportIfClosed(now: now, closeLinger: configuration.closeLinger, sink: &sink)
            return connection.refileDeadline(configuration, linger: Self.linger, now: now)
        }
        if let refiled { deadlines.schedule(slot, at: refiled, id: table[slot].id) }
    }

    /// Expires TIME_WAIT, idle connections, close lingers and lingering
    /// reported ones: only those whose deadline has come by `time`, earliest first.
    private mutating func sweep(at time: Timestamp, into sink: inout some ConnectionEventSink) {
        clock.swept()
        let configuration = self.configuration
        while let due = deadlines.popDue(at: time) {
            let slot = due.slot
            sink.connectionEventsFollow(orderedBy: due.time, id: due.id)
            table[slot].scheduledDeadline = Timestamp(nanosecondsSinceEpoch: .max)
            table[slot].expireTimeWait(now: time, timeWait: configuration.timeWait, sink: &sink)
            if table[slot].isReported {
                // Its linger is over, or the TIME_WAIT it was reported in.
                guard let end = table[slot].earliestTimeWaitEnd(timeWait: configuration.timeWait) else {
                    remove(slot)
                    continue
                }
                table[slot].scheduledDeadline = end
                deadlines.schedule(slot, at: end, id: table[slot].id)
                continue
            }
            table[slot].reportIfClosed(now: time, closeLinger: configuration.closeLinger, sink: &sink)
            // Nothing is on file now, so this is the next deadline. Still due
            // means idle: one just reported lingers from now.
            guard let next = table.withConnection(slot, { $0.refileDeadline(configuration, linger: Self.linger, now: time) })
            else { continue }
            if next <= time {
                sink.receive(.finished(table[slot].record(reason: .idle)))
                remove(slot)
                continue
            }
            deadlines.schedule(slot, at: next, id: table[slot].id)
        }
    }

    /// Drops a connection from the table and its deadline from the queue.
    private mutating func remove(_ slot: Int32) {
        table.remove(slot)
        deadlines.remove(slot)
    }
}
