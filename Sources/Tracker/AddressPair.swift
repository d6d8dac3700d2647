import Wire

/// A connection's two endpoints, packed: two `Endpoint` values took 44
/// bytes with their padding and this takes 37, since both addresses of a
/// connection are of one IP version.
struct AddressPair {
    private let clientHigh: UInt64
    private let clientLow: UInt64
    private let serverHigh: UInt64
    private let serverLow: UInt64
    private let clientPort: UInt16
    private let serverPort: UInt16
    private let isIPv6: Bool

    init(client: Endpoint, server: Endpoint) {
        clientHigh = client.address.high
        clientLow = client.address.low
        serverHigh = server.address.high
        serverLow = server.address.low
        clientPort = client.port
        serverPort = server.port
        isIPv6 = client.address.isIPv6
    }

    var client: Endpoint {
        @inline(__always) get { Endpoint(address: address(clientHigh, clientLow), port: clientPort) }
    }

    var server: Endpoint {
        @inline(__always) get { Endpoint(address: address(serverHigh, serverLow), port: serverPort) }
    }

    /// Whether `endpoint` is the client, read from the packed fields.
    @inline(__always)
    func isClient(_ endpoint: Endpoint) -> Bool { matches(endpoint, clientHigh, clientLow, clientPort) }

    /// Whether `endpoint` is the server, read from the packed fields.
    @inline(__always)
    func isServer(_ endpoint: Endpoint) -> Bool { matches(endpoint, serverHigh, serverLow, serverPort) }

    /// Whether a segment from `source` to `destination` belongs to this pair, in either direction.
    @inline(__always)
    func connects(_ source: Endpoint, _ destination: Endpoint) -> Bool {
        isClient(source) ? isServer(destination) : isClient(destination) && isServer(source)
    }

    @inline(__always)
    private func matches(_ endpoint: Endpoint, _ high: UInt64, _ low: UInt64, _ port: UInt16) -> Bool {
        endpoint.port == port && endpoint.address.low == low && endpoint.address.high == high
            && endpoint.address.isIPv6 == isIPv6
    }

    @inline(__always)
    private func address(_ high: UInt64, _ low: UInt64) -> IPAddress {
        isIPv6 ? IPAddress(ipv6High: high, low: low) : IPAddress(ipv4: UInt32(truncatingIfNeeded: low))
    }
}
