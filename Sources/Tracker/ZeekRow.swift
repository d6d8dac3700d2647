import Wire

/// One row of Zeek's conn.log for a TCP connection: what Zeek logs when it
/// removes a connection (`ZeekSession`), or what a record says of itself
/// when Zeek's timers are not emulated.
public struct ZeekRow: Sendable {
    public var start: Timestamp
    /// The last packet Zeek counted into the duration (none after both ends closed).
    public var lastTime: Timestamp
    public var originator: Endpoint
    public var responder: Endpoint
    /// Payload bytes in sequence space (`TCP_Endpoint::Size`).
    public var originatorBytes: Int
    public var responderBytes: Int
    /// One of `connStates`.
    public var connState: String
    /// Letters of `historyLetters`.
    public var history: String
    public var missedBytes: Int
    /// What the content says the application protocol is (Zeek's `service`), in the order found.
    public var service: [String]
    public var originatorPackets: Int
    public var originatorIPBytes: Int
    public var responderPackets: Int
    public var responderIPBytes: Int
    public var encapsulation: EncapsulationPath

    /// Every `conn_state` Zeek writes (base/protocols/conn/main.zeek), in its docs' order.
    public static let connStates = ["S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR",
                                    "OTH"]

    /// The letters a `history` may hold (Zeek's conn.log docs), `^` for a flipped connection.
    public static let historyLetters: Set<Character> = Set("^SsHhAaDdFfRrCcTtWwIiQqGgXx")

    public init(start: Timestamp, lastTime: Timestamp, originator: Endpoint, responder: Endpoint,
                originatorBytes: Int, responderBytes: Int, connState: String, history: String, missedBytes: Int,
                service: [String], originatorPackets: Int, originatorIPBytes: Int, responderPackets: Int,
                responderIPBytes: Int, encapsulation: EncapsulationPath) {
        self.start = start
        self.lastTime = lastTime
        self.originator = originator
        self.responder = responder
        self.originatorBytes = originatorBytes
        self.responderBytes = responderBytes
        self.connState = connState
        self.history = history
        self.missedBytes = missedBytes
        self.service = service
        self.originatorPackets = originatorPackets
        self.originatorIPBytes = originatorIPBytes
        self.responderPackets = responderPackets
        self.responderIPBytes = responderIPBytes
        self.encapsulation = encapsulation
    }
}

extension ZeekRow {
    /// A record's own Zeek view, as one row: its whole lifetime, the client as originator.
    public init(record: ConnectionRecord) {
        self.init(start: record.firstSeen, lastTime: record.lastSeen, originator: record.client,
                  responder: record.server, originatorBytes: record.clientBytes, responderBytes: record.serverBytes,
                  connState: record.zeekConnState, history: record.zeekHistory, missedBytes: 0, service: [],
                  originatorPackets: record.clientPackets, originatorIPBytes: record.clientIPBytes,
                  responderPackets: record.serverPackets, responderIPBytes: record.serverIPBytes,
                  encapsulation: record.encapsulation)
    }
}
