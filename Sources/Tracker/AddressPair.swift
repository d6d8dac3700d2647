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

    @inline(__always)
    private func address(_ high: UInt64, _ low: UInt64) -> IPAddress {
        isIPv6 ? IPAddress(ipv6High: high, low: low) : IPAddress(ipv4: UInt32(truncatingIfNeeded: low))
    }
}
