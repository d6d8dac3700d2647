import Tracker

/// What can go wrong with a connection: what `handshake check --fail-on`
/// forbids and what the HTML report's overview counts.
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
