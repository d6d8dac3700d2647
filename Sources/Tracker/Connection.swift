import Wire

extension Role {
    var peer: Role { self == .client ? .server : .client }
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
    let id: UInt64
    let clientEndpoint: Endpoint
    let serverEndpoint: Endpoint
    let initiatorKnown: Bool
    let firstSeen: Timestamp
    var lastSeen: Timestamp
    var client: EndpointTracking
    var server: EndpointTracking
    var zeek: ZeekConnection
    var anomalies: [Anomaly] = []
    var synRetransmissions = 0
    var firstSYNSeen = false
    var simultaneousOpen = false
    var refused = false
    var finsCrossed = false
    var finSeen = false
    var closedByRST = false
    var lastSYNTime: Timestamp?
    var synAckTime: Timestamp?
    var handshakeACKTime: Timestamp?
    /// Set once the record has been reported; the entry lingers briefly to absorb stray segments.
    var reportedAt: Timestamp?

    /// Starts tracking at `segment`, the first one seen on its address/port pair.
    init(id: UInt64, first segment: TCPSegment) {
        self.id = id
        let time = segment.timestamp
        firstSeen = time
        lastSeen = time
        let flags = segment.flags
        if flags.contains(.syn), !flags.contains(.ack) {
            // The sender of a bare SYN is the client (DESIGN.md, "Who is the client").
            clientEndpoint = segment.source
            serverEndpoint = segment.destination
            initiatorKnown = true
            client = EndpointTracking(state: .closed, since: time)
            server = EndpointTracking(state: .listen, since: time)
        } else if flags.contains(.syn) {
            // A capture that starts with the SYN-ACK: its receiver is the client,
            // whose SYN_SENT is implied by the ACK field.
            clientEndpoint = segment.destination
            serverEndpoint = segment.source
            initiatorKnown = true
            client = EndpointTracking(state: .synSent, since: time)
            client.transitions.append(StateTransition(time: time, state: .synSent, inferred: true))
            client.initialSequence = segment.acknowledgment + UInt32.max
            client.firstDataSequence = segment.acknowledgment
            client.nextSequence = segment.acknowledgment
            server = EndpointTracking(state: .listen, since: time)
        } else {
            // Picked up mid-stream: the well-known (lower) port is the server's.
            let sourceIsServer = segment.source.port < segment.destination.port
                || (segment.source.port == segment.destination.port && segment.source < segment.destination)
            clientEndpoint = sourceIsServer ? segment.destination : segment.source
            serverEndpoint = sourceIsServer ? segment.source : segment.destination
            initiatorKnown = false
            let assumed = StateTransition(time: time, state: .established, inferred: true, assumed: true)
            client = EndpointTracking(state: .established, since: time)
            server = EndpointTracking(state: .established, since: time)
            client.transitions.append(assumed)
            server.transitions.append(assumed)
        }
        zeek = ZeekConnection(flipped: segment.source != clientEndpoint)
    }

    subscript(role: Role) -> EndpointTracking {
        get { role == .client ? client : server }
        _modify {
            if role == .client { yield &client } else { yield &server }
        }
    }

    func role(ofSender segment: TCPSegment) -> Role {
        segment.source == clientEndpoint ? .client : .server
    }

    var isClosed: Bool {
        client.state == .closed && (server.state == .closed || server.transitions.isEmpty)
    }

    // MARK: - Segments

    mutating func process(_ segment: TCPSegment, sink: inout some ConnectionEventSink) {
        let sender = role(ofSender: segment)
        let receiver = sender.peer
        let flags = segment.flags
        lastSeen = max(lastSeen, segment.timestamp)
        sink.receive(.segment(SegmentEvent(connectionID: id, client: clientEndpoint, server: serverEndpoint,
                                           sender: sender, segment: segment)))
        let advanced = self[sender].recordSent(segment)
        zeek.update(segment, fromOriginator: sender == .client, advancedSequence: advanced)
        noteAnomalies(segment, sender: sender, advanced: advanced, sink: &sink)

        if flags.contains(.rst) {
            processRST(segment, from: sender, sink: &sink)
            return
        }
        if flags.contains(.ack) {
            inferMissingSegments(acknowledgedBy: segment, from: sender, sink: &sink)
            if let pending = self[sender].pending, pending.end <= segment.acknowledgment {
                self[sender].pending = nil
                applyReceipt(pending, to: sender, at: segment.timestamp, inferred: false, cause: segment, sink: &sink)
            }
            self[sender].recordAcknowledgment(segment.acknowledgment)
        }
        if flags.contains(.syn) {
            processSentSYN(segment, from: sender, sink: &sink)
        }
        if flags.contains(.fin) {
            processSentFIN(segment, from: sender, sink: &sink)
        }
        deliver(segment, to: receiver, sink: &sink)
    }

    private mutating func processSentSYN(_ segment: TCPSegment, from sender: Role, sink: inout some ConnectionEventSink) {
        let isSYNACK = segment.flags.contains(.ack)
        if let initial = self[sender].initialSequence, initial == segment.sequence {
            if !isSYNACK, sender == .client {
                synRetransmissions += 1
                lastSYNTime = segment.timestamp
            }
        } else if self[sender].initialSequence == nil {
            self[sender].initialSequence = segment.sequence
            if let scale = segment.options.windowScale { self[sender].offeredWindowScale = scale }
            if sender == .client, !isSYNACK {
                firstSYNSeen = true
                lastSYNTime = segment.timestamp
            }
        }
        if isSYNACK {
            if sender == .server, synAckTime == nil {
                synAckTime = segment.timestamp
            }
            fire(.sendSYNACK, sender, at: segment.timestamp, cause: segment, sink: &sink)
        } else {
            if sender == .server { simultaneousOpen = true }
            fire(.sendSYN, sender, at: segment.timestamp, cause: segment, sink: &sink)
        }
    }

    private mutating func processSentFIN(_ segment: TCPSegment, from sender: Role, sink: inout some ConnectionEventSink) {
        guard self[sender].finSequence == nil else { return }
        self[sender].finSequence = segment.finSequence
        finSeen = true
        // A FIN that does not cover the peer's FIN was sent before that FIN arrived.
        let receiver = sender.peer
        if self[receiver].finSequence != nil,
           !(segment.flags.contains(.ack) && self[receiver].isFINAcknowledged(by: segment.acknowledgment)) {
            finsCrossed = true
        }
        fire(.sendFIN, sender, at: segment.timestamp, cause: segment, sink: &sink)
    }

    /// The receiver's side of a non-RST segment.
    private mutating func deliver(_ segment: TCPSegment, to receiver: Role, sink: inout some ConnectionEventSink) {
        let flags = segment.flags
        let carriesControl = flags.contains(.syn) || flags.contains(.fin)
        if let pending = self[receiver].pending {
            // TCP delivers in order: a later segment arriving means the
            // pending one arrived before it. So does a SYN-ACK repeating a
            // pending bare SYN (simultaneous open): it carries that SYN too.
            // A plain copy proves nothing: the first may have been lost.
            let later = pending.end <= segment.sequence
            let synBecameSYNACK = flags.contains(.syn) && flags.contains(.ack) && pending.flags.contains(.syn)
                && !pending.flags.contains(.ack) && pending.sequence == segment.sequence
            if later || synBecameSYNACK {
                self[receiver].pending = nil
                applyReceipt(pending, to: receiver, at: segment.timestamp, inferred: false, cause: segment, sink: &sink)
            } else if carriesControl {
                return
            }
        }
        if carriesControl {
            self[receiver].pending = PendingReceipt(segment)
        } else if flags.contains(.ack) {
            applyReceipt(PendingReceipt(segment), to: receiver, at: segment.timestamp, inferred: false,
                         cause: segment, sink: &sink)
        }
    }

    /// What arriving at `role` does to it (RFC 9293 §3.10.7, seen from outside).
    private mutating func applyReceipt(_ receipt: PendingReceipt, to role: Role, at time: Timestamp, inferred: Bool,
                                       cause: TCPSegment?, sink: inout some ConnectionEventSink) {
        let hasACK = receipt.flags.contains(.ack)
        let acksSYN = hasACK && self[role].isSYNAcknowledged(by: receipt.acknowledgment)
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
        let acksFIN = hasACK && self[role].isFINAcknowledged(by: receipt.acknowledgment)
        if receipt.flags.contains(.fin), !self[role].processedPeerFIN {
            self[role].processedPeerFIN = true
            fire(.receiveFIN(acksOurFIN: acksFIN), role, at: time, inferred: inferred, cause: cause, sink: &sink)
        } else if acksFIN {
            fire(.receiveACKOfFIN, role, at: time, inferred: inferred, cause: cause, sink: &sink)
        }
    }

    /// An ACK that proves a segment the capture does not hold: a SYN-ACK
    /// before the client's first ACK, or a FIN one past the peer's data.
    private mutating func inferMissingSegments(acknowledgedBy segment: TCPSegment, from sender: Role,
                                               sink: inout some ConnectionEventSink) {
        let receiver = sender.peer
        let time = segment.timestamp
        if sender == .client, client.state == .synSent, server.initialSequence == nil, !segment.flags.contains(.syn) {
            server.initialSequence = segment.acknowledgment + UInt32.max
            server.firstDataSequence = segment.acknowledgment
            server.nextSequence = segment.acknowledgment
            fire(.sendSYNACK, .server, at: time, inferred: true, cause: segment, sink: &sink)
            fire(.receiveSYNACK, .client, at: time, inferred: true, cause: segment, sink: &sink)
            if handshakeACKTime == nil { handshakeACKTime = time }
            return
        }
        guard self[receiver].finSequence == nil, let next = self[receiver].nextSequence,
              segment.acknowledgment == next + 1 else { return }
        self[receiver].finSequence = next
        self[receiver].nextSequence = segment.acknowledgment
        finSeen = true
        fire(.sendFIN, receiver, at: time, inferred: true, cause: segment, sink: &sink)
        if !self[sender].processedPeerFIN {
            self[sender].processedPeerFIN = true
            let acksOurFIN = self[receiver].highestAcknowledgment.map { self[sender].isFINAcknowledged(by: $0) } ?? false
            fire(.receiveFIN(acksOurFIN: acksOurFIN), sender, at: time, inferred: true, cause: segment, sink: &sink)
        }
    }

    /// RFC 9293 §3.10.7: in SYN_SENT an RST is acceptable if it acks the SYN;
    /// otherwise if its sequence number is in the receiver's window. An
    /// unacceptable RST closes nothing.
    private mutating func processRST(_ segment: TCPSegment, from sender: Role, sink: inout some ConnectionEventSink) {
        let receiver = sender.peer
        if let pending = self[receiver].pending, pending.end <= segment.sequence {
            self[receiver].pending = nil
            applyReceipt(pending, to: receiver, at: segment.timestamp, inferred: false, cause: segment, sink: &sink)
        }
        guard isAcceptableRST(segment, to: receiver) else {
            recordAnomaly(.rstOutOfWindow, sender: sender, at: segment.timestamp, sink: &sink)
            return
        }
        if self[receiver].state == .synSent, receiver == .client { refused = true }
        if self[sender].state != .closed || self[receiver].state != .closed { closedByRST = true }
        fire(.sendRST, sender, at: segment.timestamp, cause: segment, sink: &sink)
        fire(.receiveRST, receiver, at: segment.timestamp, cause: segment, sink: &sink)
    }

    private func isAcceptableRST(_ segment: TCPSegment, to receiver: Role) -> Bool {
        let endpoint = self[receiver]
        if endpoint.state == .synSent {
            return segment.flags.contains(.ack) && endpoint.initialSequence.map { $0 + 1 == segment.acknowledgment } ?? true
        }
        guard let expected = endpoint.highestAcknowledgment ?? self[receiver.peer].nextSequence else { return true }
        let scale = endpoint.offeredWindowScale != nil && self[receiver.peer].offeredWindowScale != nil
            ? UInt32(min(endpoint.offeredWindowScale ?? 0, 14)) : 0
        let window = max(Int64(endpoint.window) << scale, 1)
        let offset = Int64(segment.sequence - expected)
        return offset >= 0 && offset < window
    }

    // MARK: - Time

    /// TIME_WAIT ends 2×MSL after it began; the transition is stamped then.
    mutating func expireTimeWait(now: Timestamp, timeWait: Int64, sink: inout some ConnectionEventSink) {
        for role in [Role.client, .server] where self[role].state == .timeWait {
            let expiry = self[role].stateSince + timeWait
            if expiry <= now { fire(.timeWaitExpired, role, at: expiry, cause: nil, sink: &sink) }
        }
    }

    /// At end of input (or eviction), what was sent but not yet proven
    /// received is taken as received, marked inferred.
    mutating func settlePending(sink: inout some ConnectionEventSink) {
        for role in [Role.client, .server] {
            if let pending = self[role].pending {
                self[role].pending = nil
                applyReceipt(pending, to: role, at: pending.time, inferred: true, cause: nil, sink: &sink)
            }
        }
    }

    /// A new SYN reused the pair: an endpoint in TIME_WAIT closes now.
    mutating func closeForReuse(at time: Timestamp, cause: TCPSegment, sink: inout some ConnectionEventSink) {
        for role in [Role.client, .server] {
            fire(.portReused, role, at: time, cause: cause, sink: &sink)
        }
    }

    // MARK: - Events

    /// Reports the states a connection starts in without a transition of its
    /// own: the assumed ESTABLISHED of a mid-stream pickup, the inferred
    /// SYN_SENT of a capture that starts with the SYN-ACK.
    func announceStartingStates(cause: TCPSegment, sink: inout some ConnectionEventSink) {
        for role in [Role.client, .server] {
            for transition in self[role].transitions {
                sink.receive(.transition(TransitionEvent(
                    connectionID: id, client: clientEndpoint, server: serverEndpoint, role: role,
                    from: role == .client ? .closed : .listen, transition: transition, cause: cause)))
            }
        }
    }

    mutating func fire(_ event: EndpointEvent, _ role: Role, at time: Timestamp, inferred: Bool = false,
                       cause: TCPSegment?, sink: inout some ConnectionEventSink) {
        let from = self[role].state
        guard let to = from.next(on: event) else { return }
        let transition = StateTransition(time: time, state: to, inferred: inferred)
        self[role].state = to
        self[role].stateSince = time
        self[role].transitions.append(transition)
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
        sink.receive(.anomaly(connectionID: id, anomaly: anomaly))
    }
}

extension Connection {
    var handshake: HandshakeOutcome {
        if !initiatorKnown { return .notSeen }
        if simultaneousOpen { return .simultaneous }
        if refused { return .refused }
        if firstSYNSeen, synAckTime == nil, server.transitions.isEmpty { return .synOnly }
        if firstSYNSeen, synAckTime != nil, handshakeACKTime != nil { return .complete }
        return .partial
    }

    var close: CloseOutcome {
        if closedByRST { return .rst }
        if finsCrossed { return .simultaneous }
        return finSeen ? .fin : .none
    }

    func record(reason: FinishReason) -> ConnectionRecord {
        let synToSynAck = lastSYNTime.flatMap { syn in synAckTime.map { $0 - syn } }.flatMap { $0 >= 0 ? $0 : nil }
        let synAckToAck = synAckTime.flatMap { synAck in handshakeACKTime.map { $0 - synAck } }
        return ConnectionRecord(
            id: id, client: clientEndpoint, server: serverEndpoint, initiatorKnown: initiatorKnown,
            firstSeen: firstSeen, lastSeen: lastSeen, handshake: handshake, close: close,
            clientState: client.transitions.isEmpty ? nil : client.state,
            serverState: server.transitions.isEmpty ? nil : server.state,
            clientTransitions: client.transitions, serverTransitions: server.transitions,
            synToSynAck: synToSynAck, synAckToAck: synAckToAck,
            clientPackets: client.packets, serverPackets: server.packets,
            clientBytes: client.bytes, serverBytes: server.bytes,
            clientIPBytes: client.ipBytes, serverIPBytes: server.ipBytes,
            synRetransmissions: synRetransmissions, anomalies: anomalies,
            zeekConnState: zeek.connState(originatorBytes: client.bytes, responderBytes: server.bytes),
            zeekHistory: zeek.historyText, finishReason: reason)
    }
}
