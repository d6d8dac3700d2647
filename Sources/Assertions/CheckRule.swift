import Report
import Tracker
import Wire

/// One rule of `handshake check`, broken by the connections that fail it.
public enum CheckRule: Equatable, Sendable {
    case failOn(Failure)
    /// The last SYN to the client's ACK of the SYN-ACK, in nanoseconds.
    case maximumHandshakeRTT(Int64)
    /// The client's first SYN to its ESTABLISHED, in nanoseconds: lost SYNs count.
    case maximumConnectTime(Int64)
    case expectConnections(Int)
    case expectClose(Set<CloseOutcome>)

    /// How the rule reads in the output and in JUnit test names.
    public var name: String {
        switch self {
        case .failOn(let failure): "no \(failure.rawValue) connections"
        case .maximumHandshakeRTT(let limit): "handshake RTT at most \(DurationText.text(limit))"
        case .maximumConnectTime(let limit): "connect time at most \(DurationText.text(limit))"
        case .expectConnections(let count): counted(count, "connection")
        case .expectClose(let closes): "every connection closes with " + closes.map(\.rawValue).sorted().joined(separator: " or ")
        }
    }
}
