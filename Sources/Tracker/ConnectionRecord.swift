import Wire

/// Which side of a connection an endpoint is.
public enum Role: String, Vocabulary {
    /// Sent the first SYN without ACK (or received the first SYN-ACK).
    case client
    case server
}

/// One state change of one endpoint.
public struct StateTransition: Equatable, Sendable {
    public var time: Timestamp
    public var state: TCPState
    /// The segment that proves it was not captured; later evidence implies it.
    public var inferred: Bool
    /// Not observed at all: a connection picked up mid-stream starts ESTABLISHED by assumption.
    public var assumed: Bool

    public init(time: Timestamp, state: TCPState, inferred: Bool = false, assumed: Bool = false) {
        self.time = time
        self.state = state
        self.inferred = inferred
        self.assumed = assumed
    }
}

/// How the opening went.
public enum HandshakeOutcome: String, Vocabulary {
    /// SYN, SYN-ACK and ACK all seen.
    case complete
    /// Both sides sent a SYN (simultaneous open).
    case simultaneous
    /// SYN(s) with no answer.
    case unanswered
    /// The SYN was answered with RST.
    case refused
    /// Part of a handshake: it began before the capture or did not finish.
    case partial
    /// Picked up mid-stream: no handshake segment seen.
    case midStream = "mid_stream"
    /// Nothing but RSTs on a pair with no connection seen: the reset of a
    /// connection the capture missed, or backscatter (Zeek logs each such
    /// row as `OTH` with history `R`).
    case stray

    /// What records said before there was one vocabulary.
    public static let aliases: [String: HandshakeOutcome] = ["syn_only": .unanswered, "not_seen": .midStream]
}

/// How the connection ended.
public enum CloseOutcome: String, Vocabulary {
    case fin
    /// The FINs crossed: both ends went through CLOSING.
    case simultaneous
    case rst
    case none
}

/// Why a connection left the table.
public enum FinishReason: String, Vocabulary {
    /// Both endpoints reached CLOSED.
    case closed
    /// Idle longer than its state's timeout.
    case idle
    /// Pushed out of a full table (least recently used).
    case evicted
    /// A new SYN reused the address/port pair.
    case portReused = "port_reused"
    /// The capture ended with the connection still open.
    case endOfInput = "end_of_input"
}

/// Something unusual about a connection, counted per kind and sender.
public struct Anomaly: Equatable, Sendable {
    public enum Kind: String, Vocabulary {
        /// An RST whose sequence number is outside the receiver's window (ignored).
        case rstOutOfWindow = "rst_out_of_window"
        /// Payload, SYN or FIN sent again (tshark's tcp.analysis.retransmission).
        case retransmission
        /// Sent again after two or more duplicate ACKs asked for it.
        case fastRetransmission = "fast_retransmission"
        /// Sent again though the receiver had acknowledged it.
        case spuriousRetransmission = "spurious_retransmission"
        /// Below the highest sequence sent, within a round trip of it.
        case outOfOrder = "out_of_order"
        /// An ACK that repeats the one before: the receiver is missing data.
        case duplicateAck = "duplicate_ack"
        /// One byte past a zero window.
        case zeroWindowProbe = "zero_window_probe"
        /// Data that fills the receiver's advertised window.
        case windowFull = "window_full"
        /// A segment one byte behind the next sequence number, to keep the connection alive.
        case keepAlive = "keep_alive"
        /// An ACK for data the capture never showed.
        case ackedUnseenSegment = "acked_unseen_segment"
        /// A gap in the sequence numbers: the capture missed a segment.
        case previousSegmentNotCaptured = "previous_segment_not_captured"
        /// A SYN with a different ISN inside a connection that was still open.
        case synInConnection = "syn_in_connection"
        /// A zero receive window.
        case zeroWindow = "zero_window"
        /// Timestamps went backwards in the capture.
        case timeWentBackwards = "time_went_backwards"
        /// Dated more than `clockJumpLimit` after the segment before, and not
        /// confirmed by the segment after: the capture clock stayed.
        case timeJumpedAhead = "time_jumped_ahead"
        /// Picked up again after its flow was evicted from a full table: this
        /// record continues an earlier one that ended with `evicted`.
        case resumedAfterEviction = "resumed_after_eviction"
        /// SYN with FIN or RST, or FIN with RST: no TCP sends these.
        case impossibleFlags = "impossible_flags"
    }

    public var kind: Kind
    /// Who sent the segment.
    public var sender: Role
    /// When it was first seen.
    public var firstSeen: Timestamp
    public var count: Int

    public init(kind: Kind, sender: Role, firstSeen: Timestamp, count: Int) {
        self.kind = kind
        self.sender = sender
        self.firstSeen = firstSeen
        self.count = count
    }
}

/// Everything known about one connection when it finishes: the JSON
/// contract of DESIGN.md, as Swift values.
public struct ConnectionRecord: Sendable {
    public var id: UInt64
    public var client: Endpoint
    public var server: Endpoint
    public var initiatorKnown: Bool
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    public var handshake: HandshakeOutcome
    public var close: CloseOutcome
    /// nil when nothing shows what the endpoint did (a server that never answered).
    public var clientState: TCPState?
    public var serverState: TCPState?
    /// Both endpoints' changes; read them as `clientTransitions` and `serverTransitions`.
    let transitionLog: TransitionLog
    /// SYN → SYN-ACK and SYN-ACK → ACK, in nanoseconds, where both were seen.
    public var synToSynAck: Int64?
    public var synAckToAck: Int64?
    public var clientPackets: Int
    public var serverPackets: Int
    /// Payload bytes, counted in sequence space like Zeek's orig_bytes/resp_bytes.
    public var clientBytes: Int
    public var serverBytes: Int
    /// IP-level bytes, from the IP length fields, like Zeek's orig_ip_bytes/resp_ip_bytes.
    public var clientIPBytes: Int
    public var serverIPBytes: Int
    public var synRetransmissions: Int
    public var anomalies: [Anomaly]
    public var zeekConnState: String
    public var zeekHistory: String
    public var finishReason: FinishReason
    /// The layers its segments came through (tunnels, labels); `.none` for
    /// a connection seen as plain IP.
    public var encapsulation = EncapsulationPath.none

    public var ipVersion: UInt8 { client.address.version }

    /// The whole handshake, SYN to the client's ACK (tshark's
    /// tcp.analysis.initial_rtt), where both parts were seen. It starts at
    /// the last SYN: a connect whose first SYNs were lost took far longer
    /// (`clientConnectTime`).
    public var handshakeRTT: Int64? {
        guard let synToSynAck, let synAckToAck else { return nil }
        return synToSynAck + synAckToAck
    }

    /// How long each side took to connect, in nanoseconds: the client from
    /// its first SYN to its ESTABLISHED, retransmitted SYNs included (what
    /// `connect()` waited), the server from that first SYN seen to its own
    /// ESTABLISHED. Nil where either end was not seen (or only assumed).
    public var connectTimes: (client: Int64?, server: Int64?) {
        let offsets = transitionLog.connectOffsets()
        guard let start = offsets.synSent else { return (nil, nil) }
        func since(_ end: Int64?) -> Int64? { end.flatMap { $0 >= start ? $0 - start : nil } }
        return (since(offsets.clientEstablished), since(offsets.serverEstablished))
    }

    /// The client's side of `connectTimes`: what `check --max-connect-time` limits.
    public var clientConnectTime: Int64? { connectTimes.client }

    /// The client's state changes, in order.
    public var clientTransitions: EndpointTransitions { transitionLog.transitions(of: .client, since: firstSeen) }
    /// The server's state changes, in order.
    public var serverTransitions: EndpointTransitions { transitionLog.transitions(of: .server, since: firstSeen) }
}

extension ConnectionRecord {
    /// A record from its parts, as read back from JSON (`handshake merge`):
    /// each endpoint's transitions in order, as `clientTransitions` and
    /// `serverTransitions` give them.
    public init(id: UInt64, client: Endpoint, server: Endpoint, initiatorKnown: Bool, firstSeen: Timestamp,
                lastSeen: Timestamp, handshake: HandshakeOutcome, close: CloseOutcome, clientState: TCPState?,
                serverState: TCPState?, clientTransitions: [StateTransition], serverTransitions: [StateTransition],
                synToSynAck: Int64?, synAckToAck: Int64?, clientPackets: Int, serverPackets: Int, clientBytes: Int,
                serverBytes: Int, clientIPBytes: Int, serverIPBytes: Int, synRetransmissions: Int,
                anomalies: [Anomaly], zeekConnState: String, zeekHistory: String, finishReason: FinishReason,
                encapsulation: EncapsulationPath = .none) {
        // The log holds both endpoints' changes in the order they happened;
        // only each endpoint's own order is read back, so time order with
        // the client first on ties keeps both.
        var log = TransitionLog()
        var clients = clientTransitions[...], servers = serverTransitions[...]
        while !clients.isEmpty || !servers.isEmpty {
            if let client = clients.first, servers.first.map({ client.time <= $0.time }) ?? true {
                log.append(client, of: .client, since: firstSeen)
                clients.removeFirst()
            } else if let server = servers.popFirst() {
                log.append(server, of: .server, since: firstSeen)
            }
        }
        self.init(id: id, client: client, server: server, initiatorKnown: initiatorKnown, firstSeen: firstSeen,
                  lastSeen: lastSeen, handshake: handshake, close: close, clientState: clientState,
                  serverState: serverState, transitionLog: log, synToSynAck: synToSynAck, synAckToAck: synAckToAck,
                  clientPackets: clientPackets, serverPackets: serverPackets, clientBytes: clientBytes,
                  serverBytes: serverBytes, clientIPBytes: clientIPBytes, serverIPBytes: serverIPBytes,
                  synRetransmissions: synRetransmissions, anomalies: anomalies, zeekConnState: zeekConnState,
                  zeekHistory: zeekHistory, finishReason: finishReason, encapsulation: encapsulation)
    }
}
