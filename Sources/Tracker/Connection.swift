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
        /// Every segment so far carried RST, the first without SYN: a stray reset.
        static let onlyResets = Observations(rawValue: 1 << 6)
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
    /// The client's and the server's halves.
    var endpoints: EndpointPair
    /// The optional times below, in one group: apart, each took 16 bytes.
    private var times = CompactOptionals<3, Time, Timestamp>(placeholder: Timestamp(nanosecondsSinceEpoch: 0))
    let initiatorKnown: Bool
    /// The events reported besides `.finished`.
    let reports: ReportedEvents
    var observations: Observations = []
    /// Counted up to UInt32.max, where it stays.
    var synRetransmissions: UInt32 = 0
    /// The layers its segments came through (tunnels, labels).
    var encapsulation = EncapsulationTracking()
    /// tshark's per-segment analysis: what each direction remembers besides its endpoint's tracking.
    var clientAnalysis = DirectionAnalysis()
    var serverAnalysis = DirectionAnalysis()
    let addresses: AddressPair
    /// Set once the record has been reported; the entry lingers briefly to absorb stray segments.
    var isReported = false
    var zeek: ZeekConnection
    /// Both endpoints' state changes, timed from `firstSeen`.
    private(set) var transitionLog = TransitionLog()

    /// Places in `times`.
    enum Time: Int {
        case lastSYN, synAck, handshakeACK
    }

    var clientEndpoint: Endpoint {
        @inline(__always) get { addresses.client }
    }
    var serverEndpoint: Endpoint {
        @inline(__always) get { addresses.server }
    }
    /// When the client last sent its SYN (a retransmission moves it).
    var lastSYNTime: Timestamp? {
        get { times[.lastSYN] }
        set { times[.lastSYN] = newValue }
    }
    /// When the server first sent its SYN-ACK.
    var synAckTime: Timestamp? {
        get { times[.synAck] }
        set { times[.synAck] = newValue }
    }
    /// When the server received the ACK of its SYN-ACK.
    var handshakeACKTime: Timestamp? {
        get { times[.handshakeACK] }
        set { times[.handshakeACK] = newValue }
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
            endpoints = EndpointPair(client: EndpointTracking(state: .closed), server: EndpointTracking(state: .listen))
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
            endpoints = EndpointPair(client: client, server: EndpointTracking(state: .listen))
        } else {
            if flags.contains(.rst) { observations.insert(.onlyResets) }
            // Picked up mid-stream: the well-known (lower) port is the server's.
            let sourceIsServer = segment.source.port < segment.destination.port
                || (segment.source.port == segment.destination.port && segment.source < segment.destination)
            addresses = sourceIsServer ? AddressPair(client: segment.destination, server: segment.source)
                : AddressPair(client: segment.source, server: segment.destination)
            initiatorKnown = false
            let assumed = StateTransition(time: time, state: .established, inferred: true, assumed: true)
            transitionLog.append(assumed, of: .client, since: time)
            transitionLog.append(assumed, of: .server, since: time)
            endpoints = EndpointPair(client: EndpointTracking(state: .established),
                                     server: EndpointTracking(state: .established))
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
        guard let initial = endpoints[sender].initialSequence else {
            return isReported || endpoints[sender].packets > 0 && !initiatorKnown
        }
        return initial != segment.sequence
    }

    @inline(__always)
    var isClosed: Bool {
        endpoints[.client].state == .closed && (endpoints[.server].state == .closed || !transitionLog.contains(.server))
    }

    /// Both endpoints done: each CLOSED or in TIME_WAIT (so the peer of one
    /// in TIME_WAIT has had its last ACK), or a client alone that closed.
    @inline(__always)
    var isDone: Bool {
        endpoints[.client].state.isDone && (endpoints[.server].state.isDone || !transitionLog.contains(.server))
    }

    /// Reports the connection once both ends are closed, or once both are
    /// done and `closeLinger` has passed since its last segment; its entry
    /// then lingers, marked, to absorb stray segments and to see TIME_WAIT out.
    @inline(__always)
    mutating func reportIfClosed(now: Timestamp, closeLinger: Int64, sink: inout some ConnectionEventSink) {
        guard !isReported, isClosed || isDone && now - lastSeen >= closeLinger else { return }
        isReported = true
        sink.receive(.finished(record(reason: .closed)))
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
        guard let to = endpoints[role].state.next(on: event) else { return }
        enter(to, role, at: time, inferred: inferred, cause: cause, sink: &sink)
    }

    /// The segment to name as a transition's cause, or nil when transitions
    /// are not reported: making the optional copies the whole segment, and
    /// on the per-segment path those copies cost more than the tracking did.
    @inline(__always)
    func causeIfReported(_ segment: TCPSegment) -> TCPSegment? {
        reports.contains(.transitions) ? segment : nil
    }

    mutating func enter(_ to: TCPState, _ role: Role, at time: Timestamp, inferred: Bool, cause: TCPSegment?,
                                sink: inout some ConnectionEventSink) {
        let from = endpoints[role].state
        let transition = StateTransition(time: time, state: to, inferred: inferred)
        endpoints[role].state = to
        transitionLog.append(transition, of: role, since: firstSeen)
        guard reports.contains(.transitions) else { return }
        sink.receive(.transition(TransitionEvent(connectionID: id, client: clientEndpoint, server: serverEndpoint,
                                                 role: role, from: from, transition: transition, cause: cause,
                                                 followsRecord: isReported)))
    }
}
