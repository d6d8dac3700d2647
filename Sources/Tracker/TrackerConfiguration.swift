/// Limits and timeouts, all in capture time.
public struct TrackerConfiguration: Sendable {
    /// Maximum segment lifetime; TIME_WAIT lasts twice this (Linux: 60 s in all).
    public var maximumSegmentLifetime: Int64 = 30 * second
    /// Idle time after which a connection in SYN_SENT or SYN_RECEIVED is reported and dropped.
    public var handshakeIdleTimeout: Int64 = 75 * second
    /// Idle time for ESTABLISHED (and picked-up) connections.
    public var establishedIdleTimeout: Int64 = 3600 * second
    /// Idle time for connections closing (FIN_WAIT_*, CLOSE_WAIT, CLOSING, LAST_ACK).
    public var closingIdleTimeout: Int64 = 240 * second
    /// How long a connection whose endpoints are both done (CLOSED, or
    /// TIME_WAIT with the peer's last ACK seen) waits for late
    /// retransmissions before it is reported, in TIME_WAIT if it still is:
    /// Zeek's `tcp_close_delay`. Its TIME_WAIT is still followed to the end,
    /// for port reuse. Both endpoints CLOSED are reported at once.
    public var closeLinger: Int64 = 5 * second
    /// A segment this far ahead of the capture clock moves it only when the
    /// next segment is that far ahead too: one misdated segment must not end
    /// every timer at once (see `Anomaly.Kind.timeJumpedAhead`).
    public var clockJumpLimit: Int64 = 3600 * second
    /// Track only this shard's connections (`FlowHash`); the others' segments
    /// still move the clock, so every shard judges time as a whole run does.
    public var shard: Shard?
    /// Connections held at once; the least recently used is evicted beyond it.
    public var maximumConnections = 500_000

    /// The events reported besides `.finished`. Segments are off by default:
    /// only the per-connection diagrams need them, and each costs a copy.
    public var reportedEvents: ReportedEvents = [.transitions, .anomalies]

    public static let second: Int64 = 1_000_000_000

    public init() {}

    /// How long TIME_WAIT lasts: 2×MSL.
    var timeWait: Int64 { 2 * maximumSegmentLifetime }

    /// How long a connection may stay silent in `state` (the later of its endpoints' limits).
    func idleTimeout(_ state: TCPState) -> Int64 {
        switch state {
        case .closed, .listen, .synSent, .synReceived: handshakeIdleTimeout
        case .established: establishedIdleTimeout
        case .finWait1, .finWait2, .closeWait, .closing, .lastAck: closingIdleTimeout
        case .timeWait: timeWait
        }
    }
}
