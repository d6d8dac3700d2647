import Wire

extension Role {
    var peer: Role { self == .client ? .server : .client }
    /// Where the role's endpoint sits in `Connection.endpoints`.
    var index: Int { self == .client ? 0 : 1 }
}

/// One connection being tracked: both endpoints' state machines, driven by
/// the segments the capture shows, plus what the record reports.
///
/// The rules, for each segment from a sender to a receiver:
/// 1. The sender's ACK says what it had received: a pending SYN or FIN
///    from the receiver that it covers is applied to the sender first (and
///    an ACK one past anything seen implies a FIN the capture missed).
/// 2. What the sender did moves its own state (SYN, SYN-ACK, FIN, RST).
/// 3. The receiver gets the segment: one carrying SYN or FIN waits as
///    pending until proven; anything else (ACK, data, RST) applies at once.
struct Connection {
    /// What the segments showed, from which the handshake and close outcomes follow.
    struct Observations: OptionSet {
        let rawValue: UInt8
        /// The client's first bare SYN.
        static let firstSYN = Observations(rawValue: 1 << 0)
        /// A bare SYN from the server too.
        static let simultaneousOpen = Observations(rawValue: 1 << 1)
        /// The client's SYN answered with an acceptable RST.
        static let refused = Observations(rawValue: 1 << 2)
        /// A FIN that did not cover the peer's FIN.
        static let finsCrossed = Observations(rawValue: 1 << 3)
        /// A FIN, seen or inferred.
        static let fin = Observations(rawValue: 1 << 4)
        /// An acceptable RST while either end was open.
        static let closedByRST = Observations(rawValue: 1 << 5)
    }

    // Every open connection is one of these, so the fields are ordered to
    // leave no padding: widest first, and the small ones where a group of
    // odd size ends. 349 bytes; plain fields and optionals took 625.
    let id: UInt64
    let firstSeen: Timestamp
    var lastSeen: Timestamp
    /// The time filed for it in the tracker's `DeadlineQueue`; never later than `deadline`.
    var scheduledDeadline = Timestamp(nanosecondsSinceEpoch: .max)
    var anomalies: [Anomaly] = []
    /// The client's and the server's halves, indexed by `Role.index`: an
    /// inline array is read and changed in place, where a role-switching
    /// accessor copied or allocated on every access.
    var endpoints: InlineArray<2, EndpointTracking>
    /// The optional times below, in one group: apart, each took 16 bytes.
    private var times = CompactOptionals<3, Timestamp>(placeholder: Timestamp(nanosecondsSinceEpoch: 0))
    let initiatorKnown: Bool
    /// The events reported besides `.finished`.
    let reports: ReportedEvents
    var observations: Observations = []
    /// Counted up to UInt32.max, where it stays.
    private(set) var synRetransmissions: UInt32 = 0
    let addresses: AddressPair
    /// Set once the record has been reported; the entry lingers briefly to absorb stray segments.
    var isReported = false
    var zeek: ZeekConnection
    /// Both endpoints' state changes, timed from `firstSeen`.
    private(set) var transitionLog = TransitionLog()

    /// Places in `times`.
    private enum Time {
        static let lastSYN = 0, synAck = 1, handshakeACK = 2
    }

    var clientEndpoint: Endpoint {
        @inline(__always) get { addresses.client }
    }
    var serverEndpoint: Endpoint {
        @inline(__always) get { addresses.server }
    }
    /// When the client last sent its SYN (a retransmission moves it).
    var lastSYNTime: Timestamp? {
        get { times[Time.lastSYN] }
        set { times[Time.lastSYN] = newValue }
    }
    /// When the server first sent its SYN-ACK.
    var synAckTime: Timestamp? {
        get { times[Time.synAck] }
        set { times[Time.synAck] = newValue }
    }
    /// When the server received the ACK of its SYN-ACK.
    var handshakeACKTime: Timestamp? {
        get { times[Time.handshakeACK] }
        set { times[Time.handshakeACK] = newValue }
    }

    /// Starts tracking at `segment`, the first one seen on its address/port pair.
    init(id: UInt64, first segment: TCPSegment, reports: ReportedEvents = .all) {
        self.id = id
        self.reports = reports
        let time = segment.timestamp
        firstSeen = time
        lastSeen = time
        let flags = segment.flags
        if flags.contains(.syn), !flags.contains(.ack) {
            // The sender of a bare SYN is the client (DESIGN.md, "Who is the client").
            addresses = AddressPair(client: segment.source, server: segment.destination)
            initiatorKnown = true
            endpoints = [EndpointTracking(state: .closed), EndpointTracking(state: .listen)]
        } else if flags.contains(.syn) {
            // A capture that starts with the SYN-ACK: its receiver is the client,
            // whose SYN_SENT is implied by the ACK field.
            addresses = AddressPair(client: segment.destination, server: segment.source)
            initiatorKnown = true
            var client = EndpointTracking(state: .synSent)
            transitionLog.append(StateTransition(time: time, state: .synSent, inferred: true), of: .client, since: time)
            client.initialSequence = segment.acknowledgment + UInt32.max
            client.firstDataSequence = segment.acknowledgment
            client.nextSequence = segment.acknowledgment
            endpoints = [client, EndpointTracking(state: .listen)]
        } else {
            // Picked up mid-stream: the well-known (lower) port is the server's.
            let sourceIsServer = segment.source.port < segment.destination.port
                || (segment.source.port == segment.destination.port && segment.source < segment.destination)
            addresses = sourceIsServer ? AddressPair(client: segment.destination, server: segment.source)
                : AddressPair(client: segment.source, server: segment.destination)
            initiatorKnown = false
            let assumed = StateTransition(time: time, state: .established, inferred: true, assumed: true)
            transitionLog.append(assumed, of: .client, since: time)
            transitionLog.append(assumed, of: .server, since: time)
            endpoints = [EndpointTracking(state: .established), EndpointTracking(state: .established)]
        }
        zeek = ZeekConnection(flipped: !addresses.isClient(segment.source))
    }

    // Inlined, as are the other non-mutating helpers the per-segment path
    // calls: a call copies the whole connection (352 bytes) to pass it.
    @inline(__always)
    func role(ofSender segment: TCPSegment) -> Role {
        addresses.isClient(segment.source) ? .client : .server
    }

    /// A SYN with an ISN other than its sender's on this pair starts a new
    /// connection. One with ACK, FIN or RST beside it opens nothing.
    @inline(__always)
    func isStartedAnew(by segment: TCPSegment) -> Bool {
        guard segment.flags.contains(.syn), segment.flags.isDisjoint(with: [.ack, .fin, .rst]) else { return false }
        let sender = role(ofSender: segment)
        guard let initial = endpoints[sender.index].initialSequence else {
            return isReported || endpoints[sender.index].packets > 0 && !initiatorKnown
        }
        return initial != segment.sequence
    }

    @inline(__always)
    var isClosed: Bool {
        endpoints[0].state == .closed && (endpoints[1].state == .closed || !transitionLog.contains(.server))
    }

    /// Reports the connection once both ends are closed; its entry then
    /// lingers, marked, to absorb stray segments.
    mutating func reportIfClosed(sink: inout some ConnectionEventSink) {
        guard isClosed, !isReported else { return }
        isReported = true
        sink.receive(.finished(record(reason: .closed)))
    }

    // MARK: - Segments

    mutating func process(_ segment: TCPSegment, sink: inout some ConnectionEventSink) {
        let sender = role(ofSender: segment)
        let receiver = sender.peer
        let flags = segment.flags
        lastSeen = max(lastSeen, segment.timestamp)
        if reports.contains(.segments) {
            sink.receive(.segment(SegmentEvent(connectionID: id, client: clientEndpoint, server: serverEndpoint,
                                               sender: sender, segment: segment)))
        }
        let advanced = endpoints[sender.index].recordSent(segment)
        zeek.update(segment, fromOriginator: sender == .client, advancedSequence: advanced)
        noteAnomalies(segment, sender: sender, advanced: advanced, sink: &sink)

        if flags.contains(.rst) {
            settlePendingReceipt(of: sender, by: segment, sink: &sink)
            processRST(segment, from: sender, sink: &sink)
            return
        }
        if flags.contains(.ack) {
            inferMissingSegments(acknowledgedBy: segment, from: sender, sink: &sink)
        }
        settlePendingReceipt(of: sender, by: segment, sink: &sink)
        if flags.contains(.ack) {
            endpoints[sender.index].recordAcknowledgment(segment.acknowledgment)
        }
        if flags.contains(.syn) {
            processSentSYN(segment, from: sender, sink: &sink)
        }
        if flags.contains(.fin) {
            processSentFIN(segment, from: sender, sink: &sink)
        }
        deliver(segment, to: receiver, sink: &sink)
    }

    /// What the sender's own segment says of the SYN or FIN it has pending:
    /// an ACK field that covers it proves it arrived; one that does not (or
    /// none) was sent before it arrived, so it arrived after this segment
    /// left: a crossing FIN or SYN reaches its receiver after the receiver's own.
    private mutating func settlePendingReceipt(of sender: Role, by segment: TCPSegment,
                                               sink: inout some ConnectionEventSink) {
        guard let pending = endpoints[sender.index].pending else { return }
        if segment.flags.contains(.ack), pending.end <= segment.acknowledgment {
            endpoints[sender.index].pending = nil
            applyReceipt(pending, to: sender, inferred: false, cause: causeIfReported(segment), sink: &sink)
        } else if pending.time < segment.timestamp {
            endpoints[sender.index].pending?.time = segment.timestamp
        }
    }

    private mutating func processSentSYN(_ segment: TCPSegment, from sender: Role, sink: inout some ConnectionEventSink) {
        let isSYNACK = segment.flags.contains(.ack)
        if let initial = endpoints[sender.index].initialSequence, initial == segment.sequence {
            if !isSYNACK, sender == .client {
                if synRetransmissions < .max { synRetransmissions += 1 }
                lastSYNTime = segment.timestamp
            }
        } else if endpoints[sender.index].initialSequence == nil {
            endpoints[sender.index].initialSequence = segment.sequence
            if let scale = segment.options.windowScale { endpoints[sender.index].offeredWindowScale = scale }
            if sender == .client, !isSYNACK {
                observations.insert(.firstSYN)
                lastSYNTime = segment.timestamp
            }
        }
        if isSYNACK {
            if sender == .server, synAckTime == nil {
                synAckTime = segment.timestamp
            }
            fire(.sendSYNACK, sender, at: segment.timestamp, cause: causeIfReported(segment), sink: &sink)
        } else {
            if sender == .server { observations.insert(.simultaneousOpen) }
            fire(.sendSYN, sender, at: segment.timestamp, cause: causeIfReported(segment), sink: &sink)
        }
    }

    private mutating func processSentFIN(_ segment: TCPSegment, from sender: Role, sink: inout some ConnectionEventSink) {
        guard endpoints[sender.index].finSequence == nil else { return }
        endpoints[sender.index].finSequence = segment.finSequence
        observations.insert(.fin)
        // A FIN that does not cover the peer's FIN was sent before that FIN arrived.
        let receiver = sender.peer
        if endpoints[receiver.index].finSequence != nil,
           !(segment.flags.contains(.ack) && endpoints[receiver.index].isFINAcknowledged(by: segment.acknowledgment)) {
            observations.insert(.finsCrossed)
        }
        fire(.sendFIN, sender, at: segment.timestamp, cause: causeIfReported(segment), sink: &sink)
    }

    /// The receiver's side of a non-RST segment.
    private mutating func deliver(_ segment: TCPSegment, to receiver: Role, sink: inout some ConnectionEventSink) {
        let flags = segment.flags
        let carriesControl = flags.contains(.syn) || flags.contains(.fin)
        if let pending = endpoints[receiver.index].pending {
            // TCP delivers in order: a later segment arriving means the
            // pending one arrived before it. So does a SYN-ACK repeating a
            // pending bare SYN (simultaneous open): it carries that SYN too.
            // A plain copy proves nothing: the first may have been lost, and
            // then this copy is the one the receiver processed, so its time
            // is the one the transition will carry once proven.
            let later = pending.end <= segment.sequence
            let synBecameSYNACK = flags.contains(.syn) && flags.contains(.ack) && pending.flags.contains(.syn)
                && !pending.flags.contains(.ack) && pending.sequence == segment.sequence
            if later || synBecameSYNACK {
                endpoints[receiver.index].pending = nil
                applyReceipt(pending, to: receiver, inferred: false, cause: causeIfReported(segment), sink: &sink)
            } else if carriesControl {
                if segment.sequenceEnd == pending.end { endpoints[receiver.index].pending?.time = segment.timestamp }
                return
            }
        }
        if carriesControl {
            endpoints[receiver.index].pending = PendingReceipt(segment)
        } else if flags.contains(.ack) {
            applyReceipt(PendingReceipt(segment), to: receiver, inferred: false, cause: causeIfReported(segment),
                         sink: &sink)
        }
    }

    /// What arriving at `role` does to it (RFC 9293 §3.10.7, seen from outside),
    /// stamped when the capture last saw the segment on its way there: the
    /// kernel changes state as the segment arrives, not when its ACK (which
    /// a delayed ACK holds back for tens of milliseconds) proves it did.
    private mutating func applyReceipt(_ receipt: PendingReceipt, to role: Role, inferred: Bool, cause: TCPSegment?,
                                       sink: inout some ConnectionEventSink) {
        let time = receipt.time
        let hasACK = receipt.flags.contains(.ack)
        let acksSYN = hasACK && endpoints[role.index].isSYNAcknowledged(by: receipt.acknowledgment)
        if receipt.flags.contains(.syn) {
            if !hasACK {
                fire(.receiveSYN, role, at: time, inferred: inferred, cause: cause, sink: &sink)
            } else if acksSYN {
                fire(.receiveSYNACK, role, at: time, inferred: inferred, cause: cause, sink: &sink)
            }
        } else if acksSYN {
            if role == .server, handshakeACKTime == nil { handshakeACKTime = time }
            fire(.receiveACKOfSYN, role, at: time, inferred: inferred, cause: cause, sink: &sink)
        }
        let acksFIN = hasACK && endpoints[role.index].isFINAcknowledged(by: receipt.acknowledgment)
        receiveFIN(receipt.flags.contains(.fin), acknowledgingOurs: acksFIN, at: role, time: time, inferred: inferred,
                   cause: cause, sink: &sink)
    }

    /// The ACK field, then the FIN bit, in RFC 9293 §3.10.7.4's order (step
    /// five before step eight): a FIN that acks `role`'s FIN in FIN_WAIT_1
    /// takes it to FIN_WAIT_2 and then TIME_WAIT at one instant, as Linux
    /// logs it. An ACK of its FIN alone moves FIN_WAIT_1, CLOSING and LAST_ACK.
    private mutating func receiveFIN(_ fin: Bool, acknowledgingOurs acksFIN: Bool, at role: Role, time: Timestamp,
                                     inferred: Bool, cause: TCPSegment?, sink: inout some ConnectionEventSink) {
        if acksFIN {
            fire(.receiveACKOfFIN, role, at: time, inferred: inferred, cause: cause, sink: &sink)
        }
        if fin, !endpoints[role.index].processedPeerFIN {
            endpoints[role.index].processedPeerFIN = true
            fire(.receiveFIN, role, at: time, inferred: inferred, cause: cause, sink: &sink)
        }
    }

    /// An ACK that proves a segment the capture does not hold: a SYN-ACK
    /// before the client's first ACK, or a FIN one past the peer's data.
    private mutating func inferMissingSegments(acknowledgedBy segment: TCPSegment, from sender: Role,
                                               sink: inout some ConnectionEventSink) {
        let receiver = sender.peer
        let time = segment.timestamp
        if sender == .client, endpoints[0].state == .synSent, endpoints[1].initialSequence == nil,
           !segment.flags.contains(.syn) {
            endpoints[1].initialSequence = segment.acknowledgment + UInt32.max
            endpoints[1].firstDataSequence = segment.acknowledgment
            endpoints[1].nextSequence = segment.acknowledgment
            fire(.sendSYNACK, .server, at: time, inferred: true, cause: causeIfReported(segment), sink: &sink)
            fire(.receiveSYNACK, .client, at: time, inferred: true, cause: causeIfReported(segment), sink: &sink)
            if handshakeACKTime == nil { handshakeACKTime = time }
            return
        }
        guard endpoints[receiver.index].finSequence == nil, let next = endpoints[receiver.index].nextSequence,
              segment.acknowledgment == next + 1 else { return }
        endpoints[receiver.index].finSequence = next
        endpoints[receiver.index].nextSequence = segment.acknowledgment
        observations.insert(.fin)
        fire(.sendFIN, receiver, at: time, inferred: true, cause: causeIfReported(segment), sink: &sink)
        let acksOurFIN = endpoints[receiver.index].highestAcknowledgment.map { endpoints[sender.index].isFINAcknowledged(by: $0) } ?? false
        receiveFIN(true, acknowledgingOurs: acksOurFIN, at: sender, time: time, inferred: true,
                   cause: causeIfReported(segment), sink: &sink)
    }

    /// RFC 9293 §3.10.7: in SYN_SENT an RST is acceptable if it acks the SYN;
    /// otherwise if its sequence number is in the receiver's window. An
    /// unacceptable RST closes nothing.
    private mutating func processRST(_ segment: TCPSegment, from sender: Role, sink: inout some ConnectionEventSink) {
        let receiver = sender.peer
        if let pending = endpoints[receiver.index].pending, pending.end <= segment.sequence {
            endpoints[receiver.index].pending = nil
            applyReceipt(pending, to: receiver, inferred: false, cause: causeIfReported(segment), sink: &sink)
        }
        guard isAcceptableRST(segment, to: receiver) else {
            recordAnomaly(.rstOutOfWindow, sender: sender, at: segment.timestamp, sink: &sink)
            return
        }
        if endpoints[receiver.index].state == .synSent, receiver == .client { observations.insert(.refused) }
        if endpoints[sender.index].state != .closed || endpoints[receiver.index].state != .closed {
            observations.insert(.closedByRST)
        }
        fire(.sendRST, sender, at: segment.timestamp, cause: causeIfReported(segment), sink: &sink)
        fire(.receiveRST, receiver, at: segment.timestamp, cause: causeIfReported(segment), sink: &sink)
    }

    private func isAcceptableRST(_ segment: TCPSegment, to receiver: Role) -> Bool {
        let endpoint = endpoints[receiver.index]
        if endpoint.state == .synSent {
            return segment.flags.contains(.ack) && endpoint.initialSequence.map { $0 + 1 == segment.acknowledgment } ?? true
        }
        guard let expected = endpoint.highestAcknowledgment ?? endpoints[receiver.peer.index].nextSequence else { return true }
        let scale = endpoint.offeredWindowScale != nil && endpoints[receiver.peer.index].offeredWindowScale != nil
            ? UInt32(min(endpoint.offeredWindowScale ?? 0, 14)) : 0
        let window = max(Int64(endpoint.window) << scale, 1)
        let offset = Int64(segment.sequence - expected)
        return offset >= 0 && offset < window
    }

    // MARK: - Time

    /// The earliest capture time at which a sweep has something to do here:
    /// the end of its linger once reported; otherwise TIME_WAIT running out
    /// or its states' idle timeout, whichever comes first. Segments move it
    /// later; state changes and reporting can move it earlier.
    ///
    /// A reported connection's deadline is asked for only at the moment it
    /// is reported (its later segments are strays), so it lingers from `now`.
    @inline(__always)
    func deadline(_ configuration: TrackerConfiguration, linger: Int64, now: Timestamp) -> Timestamp {
        if isReported { return now + linger }
        var deadline = lastSeen + max(configuration.idleTimeout(endpoints[0].state),
                                      configuration.idleTimeout(endpoints[1].state))
        for role in [Role.client, .server] {
            if let end = timeWaitEnd(role, timeWait: configuration.timeWait) { deadline = min(deadline, end) }
        }
        return deadline
    }

    /// Marks the deadline as filed and returns it when it comes before the
    /// one on file; nil while the filed one still holds.
    @inline(__always)
    mutating func refileDeadline(_ configuration: TrackerConfiguration, linger: Int64, now: Timestamp) -> Timestamp? {
        let next = deadline(configuration, linger: linger, now: now)
        guard next < scheduledDeadline else { return nil }
        scheduledDeadline = next
        return next
    }

    /// When `role`'s TIME_WAIT runs out, 2×MSL after it began, if it is in TIME_WAIT.
    @inline(__always)
    func timeWaitEnd(_ role: Role, timeWait: Int64) -> Timestamp? {
        // TIME_WAIT is only ever entered by a transition, so there is a last one.
        guard endpoints[role.index].state == .timeWait, let since = transitionLog.lastTime(of: role, since: firstSeen) else {
            return nil
        }
        return since + timeWait
    }

    /// Closes each endpoint whose TIME_WAIT has run out; the transition is stamped when it did.
    mutating func expireTimeWait(now: Timestamp, timeWait: Int64, sink: inout some ConnectionEventSink) {
        for role in [Role.client, .server] {
            if let end = timeWaitEnd(role, timeWait: timeWait), end <= now {
                fire(.timeWaitExpired, role, at: end, sink: &sink)
            }
        }
    }

    /// At end of input (or eviction), what was sent but not yet proven
    /// received is taken as received, marked inferred.
    mutating func settlePending(sink: inout some ConnectionEventSink) {
        for role in [Role.client, .server] {
            if let pending = endpoints[role.index].pending {
                endpoints[role.index].pending = nil
                applyReceipt(pending, to: role, inferred: true, cause: nil, sink: &sink)
            }
        }
    }

    /// A new SYN reused the pair: an endpoint in TIME_WAIT closes now.
    mutating func closeForReuse(at time: Timestamp, cause: TCPSegment, sink: inout some ConnectionEventSink) {
        for role in [Role.client, .server] {
            fire(.portReused, role, at: time, cause: causeIfReported(cause), sink: &sink)
        }
    }

    // MARK: - Events

    /// Reports the states a connection starts in without a transition of its
    /// own: the assumed ESTABLISHED of a mid-stream pickup, the inferred
    /// SYN_SENT of a capture that starts with the SYN-ACK.
    func announceStartingStates(cause: TCPSegment, sink: inout some ConnectionEventSink) {
        for role in [Role.client, .server] {
            for transition in transitionLog.transitions(of: role, since: firstSeen) {
                sink.receive(.transition(TransitionEvent(
                    connectionID: id, client: clientEndpoint, server: serverEndpoint, role: role,
                    from: role == .client ? .closed : .listen, transition: transition, cause: cause)))
            }
        }
    }

    /// Applies `event` to one endpoint; if it moves the state, records the
    /// transition and reports it with the segment that caused it, if any
    /// (none for a timer or the end of the capture).
    mutating func fire(_ event: EndpointEvent, _ role: Role, at time: Timestamp, inferred: Bool = false,
                       cause: TCPSegment? = nil, sink: inout some ConnectionEventSink) {
        guard let to = endpoints[role.index].state.next(on: event) else { return }
        enter(to, role, at: time, inferred: inferred, cause: cause, sink: &sink)
    }

    /// The segment to name as a transition's cause, or nil when transitions
    /// are not reported: making the optional copies the whole segment, and
    /// on the per-segment path those copies cost more than the tracking did.
    @inline(__always)
    private func causeIfReported(_ segment: TCPSegment) -> TCPSegment? {
        reports.contains(.transitions) ? segment : nil
    }

    private mutating func enter(_ to: TCPState, _ role: Role, at time: Timestamp, inferred: Bool, cause: TCPSegment?,
                                sink: inout some ConnectionEventSink) {
        let from = endpoints[role.index].state
        let transition = StateTransition(time: time, state: to, inferred: inferred)
        endpoints[role.index].state = to
        transitionLog.append(transition, of: role, since: firstSeen)
        guard reports.contains(.transitions) else { return }
        sink.receive(.transition(TransitionEvent(connectionID: id, client: clientEndpoint, server: serverEndpoint,
                                                 role: role, from: from, transition: transition, cause: cause)))
    }

    private mutating func noteAnomalies(_ segment: TCPSegment, sender: Role, advanced: Bool,
                                        sink: inout some ConnectionEventSink) {
        let flags = segment.flags
        let controls = (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0) + (flags.contains(.rst) ? 1 : 0)
        if controls > 1 { recordAnomaly(.impossibleFlags, sender: sender, at: segment.timestamp, sink: &sink) }
        if !advanced, segment.payloadLength > 0 || flags.contains(.fin), !flags.contains(.rst) {
            recordAnomaly(.retransmission, sender: sender, at: segment.timestamp, sink: &sink)
        }
        if segment.window == 0, !flags.contains(.rst) {
            recordAnomaly(.zeroWindow, sender: sender, at: segment.timestamp, sink: &sink)
        }
    }

    /// Counts an anomaly; the first of each kind and sender is reported as an event.
    mutating func recordAnomaly(_ kind: Anomaly.Kind, sender: Role, at time: Timestamp,
                                sink: inout some ConnectionEventSink) {
        if let index = anomalies.firstIndex(where: { $0.kind == kind && $0.sender == sender }) {
            anomalies[index].count += 1
            return
        }
        let anomaly = Anomaly(kind: kind, sender: sender, firstSeen: time, count: 1)
        anomalies.append(anomaly)
        guard reports.contains(.anomalies) else { return }
        sink.receive(.anomaly(connectionID: id, anomaly: anomaly))
    }
}

extension Connection {
    var handshake: HandshakeOutcome {
        if !initiatorKnown { return .notSeen }
        if observations.contains(.simultaneousOpen) { return .simultaneous }
        if observations.contains(.refused) { return .refused }
        let firstSYNSeen = observations.contains(.firstSYN)
        if firstSYNSeen, synAckTime == nil, !transitionLog.contains(.server) { return .synOnly }
        if firstSYNSeen, synAckTime != nil, handshakeACKTime != nil { return .complete }
        return .partial
    }

    var close: CloseOutcome {
        if observations.contains(.closedByRST) { return .rst }
        if observations.contains(.finsCrossed) { return .simultaneous }
        return observations.contains(.fin) ? .fin : .none
    }

    func record(reason: FinishReason) -> ConnectionRecord {
        let synToSynAck = Self.elapsed(from: lastSYNTime, to: synAckTime)
        let synAckToAck = Self.elapsed(from: synAckTime, to: handshakeACKTime)
        // Fields are read from `endpoints` in place: each use of the
        // `client` and `server` copies copied a whole endpoint.
        return ConnectionRecord(
            id: id, client: clientEndpoint, server: serverEndpoint, initiatorKnown: initiatorKnown,
            firstSeen: firstSeen, lastSeen: lastSeen, handshake: handshake, close: close,
            clientState: transitionLog.contains(.client) ? endpoints[0].state : nil,
            serverState: transitionLog.contains(.server) ? endpoints[1].state : nil,
            transitionLog: transitionLog,
            synToSynAck: synToSynAck, synAckToAck: synAckToAck,
            clientPackets: endpoints[0].packets, serverPackets: endpoints[1].packets,
            clientBytes: endpoints[0].bytes, serverBytes: endpoints[1].bytes,
            clientIPBytes: endpoints[0].ipBytes, serverIPBytes: endpoints[1].ipBytes,
            synRetransmissions: Int(synRetransmissions), anomalies: anomalies,
            zeekConnState: zeek.connState(originatorBytes: endpoints[0].bytes, responderBytes: endpoints[1].bytes),
            zeekHistory: zeek.historyText, finishReason: reason)
    }

    /// Nanoseconds from `start` to `end` where both were seen. Capture time
    /// running backwards between them makes no round-trip time.
    private static func elapsed(from start: Timestamp?, to end: Timestamp?) -> Int64? {
        guard let start, let end, start <= end else { return nil }
        return end - start
    }
}
