import Testing
@testable import Tracker
import Wire

/// The flow hash is a contract between shards, runs and machines: these
/// pin version 1's values, so a change to it cannot pass unnoticed.
struct FlowHashTests {
    static let client = Endpoint(address: IPAddress("10.99.0.1")!, port: 51514)
    static let server = Endpoint(address: IPAddress("10.99.0.2")!, port: 80)

    @Test func symmetricWhicheverWayTheSegmentWent() {
        #expect(FlowHash.symmetric(Self.client, Self.server) == FlowHash.symmetric(Self.server, Self.client))
        let v6 = Endpoint(address: IPAddress("2001:db8::1")!, port: 443)
        #expect(FlowHash.symmetric(Self.client, v6) == FlowHash.symmetric(v6, Self.client))
    }

    /// Version 1's value for one IPv4 and one IPv6 pair, as a Python
    /// transcription of the definition in FlowHash's comment computes them.
    @Test func versionOneIsPinned() {
        #expect(FlowHash.version == 1)
        #expect(FlowHash.symmetric(Self.client, Self.server) == 14_456_497_796_792_396_078)
        let a = Endpoint(address: IPAddress("2001:db8::1")!, port: 40000)
        let b = Endpoint(address: IPAddress("2001:db8::2")!, port: 22)
        #expect(FlowHash.symmetric(a, b) == 11_309_536_192_526_691_564)
    }

    /// An IPv4 address hashes as its IPv4-mapped IPv6 form.
    @Test func ipv4HashesAsMappedIPv6() {
        let mapped = Endpoint(address: IPAddress("::ffff:10.99.0.1")!, port: 51514)
        let mappedServer = Endpoint(address: IPAddress("::ffff:10.99.0.2")!, port: 80)
        #expect(FlowHash.symmetric(Self.client, Self.server) == FlowHash.symmetric(mapped, mappedServer))
    }

    /// Every hash belongs to exactly one shard of N.
    @Test(arguments: [1, 2, 3, 7])
    func shardsPartitionTheHashes(count: Int) {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            let hash = UInt64.random(in: .min ... .max, using: &generator)
            let owners = (1...count).filter { Shard(index: $0, count: count)!.owns(hash: hash) }
            #expect(owners.count == 1)
        }
    }

    @Test func shardText() {
        #expect(Shard("2/4") == Shard(index: 2, count: 4))
        #expect(Shard("2/4")?.description == "2/4")
        for bad in ["0/4", "5/4", "1/0", "1", "a/b", "1/2/3", "-1/2", ""] { #expect(Shard(bad) == nil, "\(bad)") }
    }

    /// Ids fit a JSON number exactly (53 bits), and differ with any part of the first segment.
    @Test func connectionIDsComeFromTheFirstSegment() {
        var c = Conversation()
        c.handshake()
        let first = c.segments[0]
        let id = FlowHash.connectionID(first: first)
        #expect(id > 0 && id < 1 << 53)
        #expect(id == 3_257_698_996_163_965, "pinned: records of version 1 keep their ids")
        var later = first
        later.timestamp = Timestamp(nanosecondsSinceEpoch: first.timestamp.nanosecondsSinceEpoch + 1)
        var otherISN = first
        otherISN.sequence = SequenceNumber(first.sequence.rawValue &+ 1)
        var otherPort = first
        otherPort.source.port &+= 1
        #expect(Set([id, FlowHash.connectionID(first: later), FlowHash.connectionID(first: otherISN),
                     FlowHash.connectionID(first: otherPort)]).count == 4)
    }
}
