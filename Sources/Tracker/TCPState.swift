/// An endpoint's connection state, RFC 9293 §3.3.2. LISTEN is never
/// reported: a server's list starts at SYN_RECEIVED (or CLOSED for a refusal).
public enum TCPState: String, Vocabulary {
    case closed = "CLOSED"
    case listen = "LISTEN"
    case synSent = "SYN_SENT"
    case synReceived = "SYN_RECEIVED"
    case established = "ESTABLISHED"
    case finWait1 = "FIN_WAIT_1"
    case finWait2 = "FIN_WAIT_2"
    case closeWait = "CLOSE_WAIT"
    case closing = "CLOSING"
    case lastAck = "LAST_ACK"
    case timeWait = "TIME_WAIT"

    /// CLOSED or TIME_WAIT: the endpoint sends nothing more of this connection.
    @inline(__always)
    var isDone: Bool { self == .closed || self == .timeWait }
}

/// What the capture shows an endpoint doing, or having done to it: the
/// events of RFC 9293's state diagram (figure 5), judged at the capture point.
public enum EndpointEvent: Equatable, Sendable, CaseIterable {
    case sendSYN
    case sendSYNACK
    /// A SYN without ACK from the peer (simultaneous open, or the client's SYN at a server).
    case receiveSYN
    /// A SYN-ACK that acknowledges this endpoint's SYN.
    case receiveSYNACK
    case receiveACKOfSYN
    case sendFIN
    /// The peer's FIN, after the same segment's ACK field was applied
    /// (`receiveACKOfFIN` first, as RFC 9293 §3.10.7.4 orders the checks).
    case receiveFIN
    case receiveACKOfFIN
    case sendRST
    /// An RST inside this endpoint's receive window (or acking its SYN, in SYN_SENT).
    case receiveRST
    /// 2×MSL of capture time passed in TIME_WAIT.
    case timeWaitExpired
    /// A new SYN with a new ISN on the same address/port pair.
    case portReused
}

extension TCPState {
    /// The state after `event`, or nil if the event does not move this state.
    ///
    ///     state          event                                  next
    ///     CLOSED         sends SYN                              SYN_SENT
    ///     LISTEN         sends SYN-ACK                          SYN_RECEIVED
    ///     SYN_SENT       receives SYN-ACK acking its SYN        ESTABLISHED
    ///     SYN_SENT       receives SYN (simultaneous open)       SYN_RECEIVED
    ///     SYN_RECEIVED   receives ACK of its SYN (or SYN-ACK)   ESTABLISHED
    ///     SYN_RECEIVED   sends FIN                              FIN_WAIT_1
    ///     SYN_RECEIVED   receives FIN                           CLOSE_WAIT
    ///     ESTABLISHED    sends FIN                              FIN_WAIT_1
    ///     ESTABLISHED    receives FIN                           CLOSE_WAIT
    ///     FIN_WAIT_1     receives ACK of its FIN                FIN_WAIT_2
    ///     FIN_WAIT_1     receives FIN (its FIN not yet acked)   CLOSING
    ///     FIN_WAIT_2     receives FIN                           TIME_WAIT
    ///     CLOSE_WAIT     sends FIN                              LAST_ACK
    ///     CLOSING        receives ACK of its FIN                TIME_WAIT
    ///     LAST_ACK       receives ACK of its FIN                CLOSED
    ///     TIME_WAIT      2×MSL passes, or the port is reused    CLOSED
    ///     any but CLOSED sends or receives an acceptable RST    CLOSED
    ///
    /// A FIN that also acknowledges the receiver's FIN is two events, the
    /// ACK then the FIN (§3.10.7.4 step five before step eight): FIN_WAIT_1
    /// → FIN_WAIT_2 → TIME_WAIT at one instant, as Linux logs it.
    ///
    /// A server that was never listening but sends a SYN (simultaneous
    /// open) leaves its implicit LISTEN like CLOSED does.
    public func next(on event: EndpointEvent) -> TCPState? {
        switch (self, event) {
        case (.closed, .sendSYN), (.listen, .sendSYN): return .synSent
        case (.listen, .sendSYNACK): return .synReceived
        case (.synSent, .receiveSYNACK): return .established
        case (.synSent, .receiveSYN): return .synReceived
        case (.synReceived, .receiveACKOfSYN), (.synReceived, .receiveSYNACK): return .established
        case (.synReceived, .sendFIN): return .finWait1
        case (.synReceived, .receiveFIN): return .closeWait
        case (.established, .sendFIN): return .finWait1
        case (.established, .receiveFIN): return .closeWait
        case (.finWait1, .receiveACKOfFIN): return .finWait2
        case (.finWait1, .receiveFIN): return .closing
        case (.finWait2, .receiveFIN): return .timeWait
        case (.closeWait, .sendFIN): return .lastAck
        case (.closing, .receiveACKOfFIN): return .timeWait
        case (.lastAck, .receiveACKOfFIN): return .closed
        case (.timeWait, .timeWaitExpired), (.timeWait, .portReused): return .closed
        case (.closed, .sendRST), (.closed, .receiveRST): return nil
        case (_, .sendRST), (_, .receiveRST): return .closed
        // Every other pair: the event does not move that state. One pattern
        // per event, so that a new event is a compile error until placed.
        case (_, .sendSYN), (_, .sendSYNACK), (_, .receiveSYN), (_, .receiveSYNACK), (_, .receiveACKOfSYN),
             (_, .sendFIN), (_, .receiveFIN), (_, .receiveACKOfFIN), (_, .timeWaitExpired), (_, .portReused):
            return nil
        }
    }
}
