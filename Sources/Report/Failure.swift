import Tracker

/// What can go wrong with a connection: what `handshake check --fail-on`
/// forbids and what the HTML report's overview counts. The words are the
/// records' own (`handshake: refused`, `unanswered`, `mid_stream`).
public enum Failure: String, Vocabulary {
    /// The SYN was answered by RST.
    case refused
    /// The SYN was never answered.
    case unanswered
    /// An RST ended an opened connection; a refusal is not one.
    case reset
    /// One end is still open (ESTABLISHED, CLOSE_WAIT) while the other has
    /// closed or is closing: a FIN or an RST never answered in kind.
    case halfOpen = "half_open"
    /// The capture began after the handshake: nothing proves how it opened.
    case midStream = "mid_stream"

    /// What `check --fail-on` took before there was one vocabulary.
    public static let aliases: [String: Failure] = ["half-open": .halfOpen, "mid-stream": .midStream]

    /// Whether the connection shows this failure.
    public func isShown(by record: ConnectionRecord) -> Bool {
        switch self {
        case .refused: record.handshake == .refused
        case .unanswered: record.handshake == .unanswered
        case .reset: record.close == .rst && record.handshake != .refused
        case .halfOpen: Self.isOpen(record.clientState) != Self.isOpen(record.serverState)
            && record.clientState != nil && record.serverState != nil
        case .midStream: !record.initiatorKnown
        }
    }

    private static func isOpen(_ state: TCPState?) -> Bool {
        state == .established || state == .closeWait
    }
}
