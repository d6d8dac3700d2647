import Wire

/// How a connection's handshake and close turned out, and its record.
extension Connection {
    var handshake: HandshakeOutcome {
        if !initiatorKnown { return observations.contains(.onlyResets) ? .stray : .midStream }
        if observations.contains(.simultaneousOpen) { return .simultaneous }
        if observations.contains(.refused) { return .refused }
        let firstSYNSeen = observations.contains(.firstSYN)
        if firstSYNSeen, synAckTime == nil, !transitionLog.contains(.server) { return .unanswered }
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
            clientState: transitionLog.contains(.client) ? endpoints[.client].state : nil,
            serverState: transitionLog.contains(.server) ? endpoints[.server].state : nil,
            transitionLog: transitionLog,
            synToSynAck: synToSynAck, synAckToAck: synAckToAck,
            clientPackets: endpoints[.client].packets, serverPackets: endpoints[.server].packets,
            clientBytes: endpoints[.client].bytes, serverBytes: endpoints[.server].bytes,
            clientIPBytes: endpoints[.client].ipBytes, serverIPBytes: endpoints[.server].ipBytes,
            synRetransmissions: Int(synRetransmissions), anomalies: anomalies,
            zeekConnState: zeek.connState(originatorBytes: endpoints[.client].bytes, responderBytes: endpoints[.server].bytes),
            zeekHistory: zeek.historyText, finishReason: reason, encapsulation: encapsulation.path)
    }

    /// Nanoseconds from `start` to `end` where both were seen. Capture time
    /// running backwards between them makes no round-trip time.
    static func elapsed(from start: Timestamp?, to end: Timestamp?) -> Int64? {
        guard let start, let end, start <= end else { return nil }
        return end - start
    }
}
