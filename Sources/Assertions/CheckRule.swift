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
        case .maximumHandshakeRTT(let limit): "handshake RTT at most \(Duration.text(limit))"
        case .expectConnections(let count): "\(count) connection\(count == 1 ? "" : "s")"
        case .expectClose(let closes): "every connection closes with " + closes.map(\.rawValue).sorted().joined(separator: " or ")
        }
    }
}

/// Durations as CI users write them: `50ms`, `1.5s`, `200us`, `2m`.
public enum Duration {
    public static func nanoseconds(_ text: String) -> Int64? {
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0, value < 1e6 else { return nil }
            return Int64(value * scale)
        }
        return nil
    }

    /// `12.345ms`, `2s`: the shortest readable form.
    public static func text(_ nanoseconds: Int64) -> String {
        if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000)s" }
        if nanoseconds >= 1_000_000 { return trimmed(Double(nanoseconds) / 1e6) + "ms" }
        return trimmed(Double(nanoseconds) / 1e3) + "us"
    }

    private static func trimmed(_ value: Double) -> String {
        var text = String(Double((value * 1000).rounded()) / 1000)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
