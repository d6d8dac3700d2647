import Wire

/// One connection as Zeek holds it: from the packet that creates it to the
/// timer that removes it, which is when Zeek writes its conn.log row.
///
/// The removal timers are those of Zeek's TCP session adapter
/// (src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc) with the
/// defaults of base/init-bare.zeek:
///
///     timer            armed when                          removes when it fires
///     attempt   5 s    the originator's first SYN          still no answer (S0)
///     delete    5 s    a close completes (both FINs, a RST,  always
///                      or a FIN with a silent peer)
///     reset     5 s    a RST after the sender's FIN        always
///     expire    5 s,   creation; 6 s after a half close    idle 5 s and closed or reset
///               then every 6 s                             on one side, or never answered
///     inactivity 5 min the last packet                     always
///
/// Timers are not kept as events: the earliest removal the session's state
/// allows is computed when asked (`removal`), since nothing changes between
/// packets.
struct ZeekSession {
    let start: Timestamp
    let originator: Endpoint
    let responder: Endpoint
    /// Zeek's `Conn()->LastTime()`: the last packet, until both ends have closed.
    private(set) var lastTime: Timestamp
    private(set) var view: ZeekConnection
    private(set) var originatorDirection = ZeekDirection()
    private(set) var responderDirection = ZeekDirection()
    private var encapsulation = EncapsulationTracking()
    private(set) var service = ServiceDetection()
    /// Whether the analyzer's timers still run (Zeek's `is_active`): a
    /// completed close or an abort stops them; only delete and inactivity remain.
    private var isActive = true
    /// Zeek's `is_partial`: a side's first packet showed its handshake was
    /// missed. Zeek's content signatures need the beginning of the stream,
    /// so only analyzers it attaches by port name the service then.
    private var isPartial = false
    private var originatorSeen = false
    private var responderSeen = false
    /// When the attempt, delete and reset timers fire; `distantFuture` when
    /// not armed (optionals took 8 bytes more each).
    private var attemptAt = Timestamp.distantFuture
    private var deleteAt = Timestamp.distantFuture
    private var resetAt = Timestamp.distantFuture
    private var expireTimers: ExpireTimers

    static let attemptDelay: Int64 = 5 * TrackerConfiguration.second
    static let closeDelay: Int64 = 5 * TrackerConfiguration.second
    static let resetDelay: Int64 = 5 * TrackerConfiguration.second
    static let synTimeout: Int64 = 5 * TrackerConfiguration.second
    static let sessionTimer: Int64 = 6 * TrackerConfiguration.second
    static let connectionLinger: Int64 = 5 * TrackerConfiguration.second
    static let inactivityTimeout: Int64 = 300 * TrackerConfiguration.second

    /// Starts the session `segment` creates, with Zeek's choice of
    /// originator (`TCPAnalyzer::WantConnection`): the sender of a bare SYN;
    /// otherwise the sender, unless its port is a likely server port and
    /// the receiver's is not (or both are, the segment is no SYN-ACK, and
    /// the sender's port is the lower).
    init(first segment: TCPSegment) {
        let flags = segment.flags
        var flipped = false
        if !flags.contains(.syn) || flags.contains(.ack) {
            let source = segment.source.port, destination = segment.destination.port
            if LikelyServerPorts.contains(source) {
                flipped = LikelyServerPorts.contains(destination) ? !flags.contains(.syn) && source < destination : true
            }
        }
        originator = flipped ? segment.destination : segment.source
        responder = flipped ? segment.source : segment.destination
        start = segment.timestamp
        lastTime = segment.timestamp
        view = ZeekConnection(flipped: flipped)
        expireTimers = ExpireTimers(first: segment.timestamp + Self.synTimeout)
    }

    /// The earliest time a timer removes the session, as things stand.
    var removal: Timestamp {
        var earliest = lastTime + Self.inactivityTimeout
        earliest = min(earliest, deleteAt)
        guard isActive else { return earliest }
        earliest = min(earliest, resetAt)
        if view.originator.state == .synSent || view.originator.state == .synAckSent,
           view.responder.state == .inactive {
            earliest = min(earliest, attemptAt)
        }
        if expiresWhenIdle, let firing = expireTimers.firstFiring(after: lastTime + Self.connectionLinger) {
            earliest = min(earliest, firing)
        }
        return earliest
    }

    /// What Zeek's `ExpireTimer` removes once idle: a side closed, with the
    /// other closed, reset or silent; or nothing answered at all.
    private var expiresWhenIdle: Bool {
        let originatorState = view.originator.state, responderState = view.responder.state
        if originatorDirection.didClose || responderDirection.didClose {
            if originatorDirection.didClose && responderDirection.didClose { return true }
            if originatorState == .reset || responderState == .reset { return true }
            if originatorState == .inactive || responderState == .inactive { return true }
        }
        return responderState == .inactive && originatorState == .inactive
    }

    /// Whether a segment between these endpoints, either way, belongs here.
    func joins(_ source: Endpoint, _ destination: Endpoint) -> Bool {
        source == originator ? destination == responder : source == responder && destination == originator
    }

    /// Zeek's `IsReuse`: a SYN that starts a new connection on this pair
    /// (either end closed, or a different initial sequence number).
    func isReused(by segment: TCPSegment) -> Bool {
        let flags = segment.flags
        guard flags.contains(.syn) else { return false }
        var starter = originatorDirection
        if flags.contains(.ack) {
            guard view.originator.state == .inactive else { return false }
            starter = responderDirection
        }
        if originatorDirection.didClose || responderDirection.didClose { return true }
        return starter.isInitialized && starter.relative(segment.sequence) != 0
    }

    /// One packet, as `TCPSessionAdapter::Process` takes it. Expire timers
    /// that fired before it found the session busy, so their chains move on.
    mutating func process(_ segment: TCPSegment, payload: UnsafeRawBufferPointer) {
        let time = segment.timestamp
        expireTimers.moveOn(past: time)
        if attemptAt <= time { attemptAt = .distantFuture }
        encapsulation.add(segment.encapsulation)
        let isOriginator = segment.source == originator
        let flags = segment.flags
        if isOriginator, !originatorSeen {
            originatorSeen = true
            isPartial = !flags.contains(.syn) || flags.contains(.ack)
        } else if !isOriginator, !responderSeen {
            responderSeen = true
            if !isPartial { isPartial = !flags.contains(.syn) }
        }
        if !(originatorDirection.didClose && responderDirection.didClose) { lastTime = max(lastTime, time) }
        // Each direction is worked on in place: copies of the two cost more than the work.
        let change = isOriginator
            ? Self.follow(segment, from: &originatorDirection, to: &responderDirection, view: &view, isOriginator: true)
            : Self.follow(segment, from: &responderDirection, to: &originatorDirection, view: &view, isOriginator: false)
        if segment.payloadLength > 0, !flags.contains(.rst) {
            service.inspect(payload, fromOriginator: isOriginator, originator: originator, responder: responder,
                            partial: isPartial)
        }
        applyTimers(change, isOriginator: isOriginator, at: time)
    }

    /// What one segment does to its sender's and receiver's directions and to the state machine.
    private static func follow(_ segment: TCPSegment, from sender: inout ZeekDirection, to receiver: inout ZeekDirection,
                               view: inout ZeekConnection, isOriginator: Bool) -> ZeekConnection.Change {
        let flags = segment.flags
        sender.packets += 1
        sender.ipBytes += segment.ipLength
        let dataLength = flags.contains(.rst) ? 0 : Int64(segment.payloadLength)
        let sequenceLength = dataLength + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
        let senderState = isOriginator ? view.originator.state : view.responder.state
        if senderState == .inactive, !sender.isInitialized || flags.contains(.syn) {
            sender.begin(segment, sequenceLength: sequenceLength)
        }
        let position = sender.relative(segment.sequence)
        if flags.contains(.fin) { sender.noteFIN(at: position + sequenceLength) }
        let receiverState = isOriginator ? view.responder.state : view.originator.state
        if flags.contains(.ack) {
            if receiverState == .inactive {
                receiver.begin(acknowledgedBy: segment.acknowledgment)
            } else if !flags.contains(.rst) {
                receiver.acknowledge(upTo: receiver.relative(segment.acknowledgment))
            }
        }
        let advanced = sender.advance(to: position + sequenceLength, flags: flags, isReset: senderState == .reset)
        let change = view.update(segment, fromOriginator: isOriginator, advancedSequence: advanced)
        if flags.contains(.ack), receiverState != .inactive,
           view.originator.state == .established, view.responder.state == .established {
            let missed = receiver.acknowledgmentRevealsGap(upTo: receiver.relative(segment.acknowledgment))
            if missed > 0 {
                receiver.missedBytes += missed
                view.recordGap(inOriginatorData: !isOriginator)
            }
        }
        if dataLength > 0 { sender.deliver(from: position + (flags.contains(.syn) ? 1 : 0), length: Int(dataLength)) }
        return change
    }

    /// The timers a state change arms or stops, and `ConnectionClosed`.
    private mutating func applyTimers(_ change: ZeekConnection.Change, isOriginator: Bool, at time: Timestamp) {
        if change.contains(.attempts), attemptAt == .distantFuture { attemptAt = time + Self.attemptDelay }
        if change.contains(.resetsAfterClose) { resetAt = min(resetAt, time + Self.resetDelay) }
        if change.contains(.aborts) { isActive = false }
        guard change.contains(.closes) else { return }
        let endpoint = isOriginator ? view.originator : view.responder
        let peer = isOriginator ? view.responder : view.originator
        let peerDidClose = isOriginator ? responderDirection.didClose : originatorDirection.didClose
        if isOriginator {
            guard !originatorDirection.didClose else { return }
            originatorDirection.didClose = true
        } else {
            guard !responderDirection.didClose else { return }
            responderDirection.didClose = true
        }
        if endpoint.state == .reset || peerDidClose || peer.state == .inactive {
            // A complete close: every analyzer timer is cancelled, and the
            // session is deleted after the close delay.
            isActive = false
            expireTimers = ExpireTimers()
            deleteAt = min(deleteAt, lastTime + Self.closeDelay)
        } else if endpoint.previousState != .inactive {
            expireTimers.add(lastTime + Self.sessionTimer)
        }
    }

    /// The conn.log row, written when the session is removed.
    func row() -> ZeekRow {
        let originatorBytes = originatorDirection.size, responderBytes = responderDirection.size
        return ZeekRow(
            start: start, lastTime: lastTime, originator: originator, responder: responder,
            originatorBytes: originatorBytes, responderBytes: responderBytes,
            connState: view.connState(originatorBytes: originatorBytes, responderBytes: responderBytes),
            history: view.historyText,
            missedBytes: originatorDirection.missedBytes + responderDirection.missedBytes,
            service: service.services,
            originatorPackets: originatorDirection.packets, originatorIPBytes: originatorDirection.ipBytes,
            responderPackets: responderDirection.packets, responderIPBytes: responderDirection.ipBytes,
            encapsulation: encapsulation.path)
    }
}

/// The chains of Zeek's expire timer: each fires, and fires again every
/// `tcp_session_timer`, until it removes the session. Almost every session
/// has one chain, kept in place; a half close starts another.
private struct ExpireTimers {
    /// Each chain's next firing; `first` is `distantFuture` when there is none.
    private var first: Timestamp
    private var others: [Timestamp] = []

    init(first: Timestamp = .distantFuture) {
        self.first = first
    }

    mutating func add(_ time: Timestamp) {
        if first == .distantFuture { first = time } else { others.append(time) }
    }

    /// Moves each chain past `time`: the firings until then found the session busy.
    mutating func moveOn(past time: Timestamp) {
        if first <= time { first = Self.firing(of: first, after: time) }
        for index in others.indices where others[index] <= time {
            others[index] = Self.firing(of: others[index], after: time)
        }
    }

    /// The first firing of any chain later than `time`.
    func firstFiring(after time: Timestamp) -> Timestamp? {
        var earliest = first == .distantFuture ? nil : Self.firing(of: first, after: time)
        for next in others {
            let firing = Self.firing(of: next, after: time)
            earliest = min(earliest ?? firing, firing)
        }
        return earliest
    }

    /// The first of `next`, `next` + 6 s, … later than `time`.
    private static func firing(of next: Timestamp, after time: Timestamp) -> Timestamp {
        next > time ? next : next + ((time - next) / ZeekSession.sessionTimer + 1) * ZeekSession.sessionTimer
    }
}

extension Timestamp {
    static let distantFuture = Timestamp(nanosecondsSinceEpoch: .max)
}
