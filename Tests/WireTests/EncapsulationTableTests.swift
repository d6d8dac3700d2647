import Testing
import Wire

/// The segments' handles to their layers: a ring of the latest
/// `Encapsulation.resolvableSpan` paths, so a capture through a new GRE key
/// or TEID per connection does not grow the table for good (issue 31: 1M
/// SYNs each through its own key took 176 MB at 1,000 open connections).
/// Other tests intern paths at the same time; these use identifiers no
/// other test does.
struct EncapsulationTableTests {
    static func path(_ identifier: UInt32) -> [EncapsulationLayer] {
        [EncapsulationLayer(kind: .gtpU, identifier: identifier,
                            outer: (Endpoint(address: IPAddress(ipv4: 0xC000_0201), port: 2152),
                                    Endpoint(address: IPAddress(ipv4: 0xC000_0202), port: 2152)))]
    }

    @Test func aHandleResolvesUntilItsSlotIsGivenToAnotherPath() {
        let first = Encapsulation.of(Self.path(3_000_000_000))
        #expect(Encapsulation.of(Self.path(3_000_000_000)) == first)
        for identifier in 1..<UInt32(Encapsulation.resolvableSpan / 2) {
            _ = Encapsulation.of(Self.path(3_000_000_000 + identifier))
        }
        #expect(first.layers == Self.path(3_000_000_000))
        for identifier in 0..<UInt32(Encapsulation.resolvableSpan) {
            _ = Encapsulation.of(Self.path(3_100_000_000 + identifier))
        }
        #expect(first.layers != Self.path(3_000_000_000))
        // Seen again, the path gets a handle that resolves.
        let again = Encapsulation.of(Self.path(3_000_000_000))
        #expect(again != first)
        #expect(again.layers == Self.path(3_000_000_000))
    }

    /// A record names at most `SegmentDecoder.maximumLayers` layers, each
    /// once, and counts the segments that came through any other.
    @Test func aPathNamesEightLayersAndCountsTheRest() {
        var path = EncapsulationPath.none
        var unlisted: [Bool] = []
        for identifier: UInt32 in [1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 8, 10] { unlisted.append(path.add(Self.path(identifier))) }
        #expect(unlisted == [false, false, false, false, false, false, false, false, false, true, false, true])
        #expect(path.layers == (1...8).flatMap { Self.path(UInt32($0)) })
        #expect(path.unlistedSegments == 2)
        let read = EncapsulationPath(layers: (1...10).flatMap { Self.path(UInt32($0)) }, unlistedSegments: 4)
        #expect(read.layers == path.layers)
        #expect(read.unlistedSegments == 5)
    }
}
