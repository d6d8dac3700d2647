/// "1 connection", "2 connections": a count with its noun, plural unless one.
/// Every noun handshake counts takes an "s".
public func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
