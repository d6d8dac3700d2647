import Tracker
import Wire

/// Which connections to follow: `--connection ID`, `--conn HOST:PORT`,
/// `check --server`, and the endpoints of an expect file.
public enum ConnectionCriterion: Equatable, Sendable {
    case id(UInt64)
    /// Connections with this address (and port, if given) at either end.
    case endpoint(IPAddress, port: UInt16?)

    /// Parses `10.0.0.1:5432`, `[2001:db8::1]:443`, `10.0.0.1`, `2001:db8::1`.
    public init?(endpoint text: String) {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            guard let address = IPAddress(text[text.index(after: text.startIndex)..<close]) else { return nil }
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { self = .endpoint(address, port: nil); return }
            guard rest.first == ":", let port = UInt16(rest.dropFirst()) else { return nil }
            self = .endpoint(address, port: port)
        } else if let address = IPAddress(text) {
            self = .endpoint(address, port: nil)
        } else if let colon = text.lastIndex(of: ":"), let address = IPAddress(text[..<colon]),
                  let port = UInt16(text[text.index(after: colon)...]) {
            self = .endpoint(address, port: port)
        } else {
            return nil
        }
    }

    public func matches(id: UInt64, client: Endpoint, server: Endpoint) -> Bool {
        if case .id(let wanted) = self { return id == wanted }
        return matches(client) || matches(server)
    }

    /// Whether this one endpoint is the one named (an id names no endpoint).
    public func matches(_ endpoint: Endpoint) -> Bool {
        guard case .endpoint(let address, let port) = self else { return false }
        return endpoint.address == address && (port == nil || endpoint.port == port)
    }
}
