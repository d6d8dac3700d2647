import Foundation
import Pipeline
import Report
import TestSupport
import Testing
import Tracker
import Wire

/// A connection recorded through a real tunnel (Fixtures/record
/// vxlan-tunnel: Linux's own VXLAN device between two namespaces, captured
/// on the underlay) is tracked by its inner addresses, its record names the
/// tunnel, and the zeek format names a tunnel parent, as Zeek does.
struct TunnelFixtureTests {
    @Test func vxlanConnectionIsTrackedByItsInnerAddresses() throws {
        let records = try FixtureTracking.records(FixtureFiles.path("vxlan-tunnel.pcap"))
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.client.address.description == "10.77.0.1")
        #expect(record.server.description == "10.77.0.2.8042")
        #expect(record.encapsulation.layers.map(\.description) == ["vxlan vni 42 10.99.0.1.4789 <-> 10.99.0.2.4789"])
        #expect(record.clientIPBytes == 326, "inner IP bytes, as Zeek counts them")
    }

    @Test func jsonAndZeekNameTheTunnel() throws {
        let pipeline = Pipeline(source: PacketSource(input: .files([FixtureFiles.path("vxlan-tunnel.pcap")])))
        let (json, _) = try PipelineOutput.text(of: pipeline, JSONLines())
        #expect(json.contains(#""encapsulation":["vxlan vni 42 10.99.0.1.4789 <-> 10.99.0.2.4789"]"#))
        let (log, _) = try PipelineOutput.text(of: pipeline, ZeekConnLog())
        let row = try #require(log.split(separator: "\n").first { !$0.hasPrefix("#") })
        let fields = row.split(separator: "\t").map(String.init)
        #expect(fields[2] == "10.77.0.1" && fields[5] == "8042")
        #expect(fields[20].hasPrefix("C") && fields[20].count == 18, "tunnel_parents: \(fields[20])")
    }
}
