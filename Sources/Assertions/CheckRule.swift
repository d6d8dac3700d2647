import Report
import Tracker
import Wire

/// What `handshake check --fail-on` can forbid.
public enum Failure: String, CaseIterable, Sendable {
    /// The SYN was answered by RST.
    case refused
    /// The SYN was never answered.
    case unanswered
    /// An RST ended the connection.
    case reset
    /// One end is still open (ESTABLISHED, CLOSE_WAIT) while the other has
    /// closed or is closing: a FIN or an RST never answered in kind.
    case halfOpen = "half-open"
    /// The capture began after the handshake: nothing proves how it opened.
    case midStream = "mid-stream"

    /// Whether the connection shows this failure.
    public func isShown(by record: ConnectionRecord) -> Bool {
        switch self {
        case .refused: record.handshake == .refused
        case .unanswered: record.handshake == .synOnly
        case .reset: record.close == .rst
        case .halfOpen: Self.isOpen(record.clientState) != Self.isOpen(record.serverState)
            && record.clientState != nil && record.serverState != nil
        case .midStream: !record.initiatorKnown
        }
    }

    private static func isOpen(_ state: TCPState?) -> Bool {
        state == .established || state == .closeWait
    }
}

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
