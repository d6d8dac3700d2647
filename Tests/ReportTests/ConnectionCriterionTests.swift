import Report
import Testing
import Wire

/// The endpoints `--conn`, `check --server` and expect files name.
struct ConnectionCriterionTests {
    static let mapped = Endpoint(address: IPAddress(ipv6High: 0, low: 0xFFFF_0A00_0001), port: 5432)

    @Test(arguments: [
        ("10.0.0.1:5432", ConnectionCriterion.endpoint(IPAddress(ipv4: 0x0A00_0001), port: 5432)),
        ("[::1]:8080", .endpoint(IPAddress(ipv6High: 0, low: 1), port: 8080)),
        ("[::1:8080]", .endpoint(IPAddress(ipv6High: 0, low: 0x1_8080), port: nil)),
        ("::ffff:10.0.0.1", .endpoint(IPAddress(ipv6High: 0, low: 0xFFFF_0A00_0001), port: nil)),
        ("[::ffff:10.0.0.1]:5432", .endpoint(IPAddress(ipv6High: 0, low: 0xFFFF_0A00_0001), port: 5432)),
        ("2001:db8::1", .endpoint(IPAddress(ipv6High: 0x2001_0DB8_0000_0000, low: 1), port: nil)),
    ])
    func parses(text: String, criterion: ConnectionCriterion) {
        #expect(ConnectionCriterion(endpoint: text) == criterion)
    }

    /// Before: `::1:8080` was taken as the address ::1:8080 and matched nothing, silently.
    @Test func textThatReadsTwoWaysIsRefusedWithBothSpellings() {
        #expect(ConnectionCriterion(endpoint: "::1:8080") == nil)
        #expect(ConnectionCriterion.usageError("--conn", "::1:8080")
            == "--conn needs HOST:PORT, [IPv6]:PORT or HOST, not '::1:8080': write [::1]:8080 for a port, "
            + "or [::1:8080] for the address alone")
        #expect(ConnectionCriterion.usageError("--conn", "nonsense") == "--conn needs HOST:PORT, [IPv6]:PORT or HOST, not 'nonsense'")
    }

    @Test func anIPv4MappedEndpointMatchesItsText() throws {
        let criterion = try #require(ConnectionCriterion(endpoint: "[::ffff:10.0.0.1]:5432"))
        #expect(criterion.matches(Self.mapped))
        #expect(Self.mapped.description == "::ffff:10.0.0.1.5432")
    }
}
