import Tracker
import Wire

/// Which connections to follow: `--connection ID`, `--conn HOST:PORT`,
/// `check --server`, and the endpoints of an expect file.
public enum ConnectionCriterion: Equatable, Sendable {
    case id(UInt64)
    /// Connections with this address (and port, if given) at either end.
    case endpoint(IPAddress, port: UInt16?)

    /// Parses `10.0.0.1:5432`, `[2001:db8::1]:443`, `10.0.0.1`, `2001:db8::1`;
    /// nil for text that is none of them, or that reads both as an IPv6
    /// address and as one with a port (`::1:8080`: see `bracketHint`).
    public init?(endpoint text: String) {
        guard Self.bracketHint(for: text) == nil else { return nil }
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

    /// `::1:8080` is the address ::1:8080, and also ::1 with port 8080.
    /// Such text is refused, with this hint: the brackets say which.
    public static func bracketHint(for text: String) -> String? {
        guard !text.hasPrefix("["), text.filter({ $0 == ":" }).count >= 2, let colon = text.lastIndex(of: ":"),
              let port = UInt16(text[text.index(after: colon)...]), IPAddress(text[..<colon])?.isIPv6 == true
        else { return nil }
        return "write [\(text[..<colon])]:\(port) for a port, or [\(text)] for the address alone"
    }

    /// Why `text` names no endpoint, for `option`'s usage error.
    public static func usageError(_ option: String, _ text: String) -> String {
        "\(option) needs HOST:PORT, [IPv6]:PORT or HOST, not '\(text)'" + (bracketHint(for: text).map { ": \($0)" } ?? "")
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
