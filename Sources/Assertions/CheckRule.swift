import Report
import Tracker
import Wire

/// One rule of `handshake check`, broken by the connections that fail it.
public enum CheckRule: Equatable, Sendable {
    case failOn(Failure)
    /// SYN to the client's ACK of the SYN-ACK, in nanoseconds.
    case maximumHandshakeRTT(Int64)
    case expectConnections(Int)
    case expectClose(Set<CloseOutcome>)

    /// How the rule reads in the output and in JUnit test names.
    public var name: String {
        switch self {
        case .failOn(let failure): "no \(failure.rawValue) connections"
        case .maximumHandshakeRTT(let limit): "handshake RTT at most \(DurationText.text(limit))"
        case .expectConnections(let count): counted(count, "connection")
        case .expectClose(let closes): "every connection closes with " + closes.map(\.rawValue).sorted().joined(separator: " or ")
        }
    }
}
