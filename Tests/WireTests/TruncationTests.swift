import TestSupport
import Testing
@testable import Wire

/// Every prefix of a valid frame, as a short snaplen or a damaged file would
/// cut it, gives a typed failure naming the layer, or a segment, and never traps.
struct TruncationTests {
    @Test func everyPrefixOfAnEthernetIPv4Frame() {
        let frame = Frames.ethernet(etherType: 0x0800, Frames.ipv4SYN)
        for length in 0...frame.count {
            let result = failure(Array(frame[..<length]), .ethernet)
            switch length {
            case ..<14: #expect(result == .truncated(.link), "length \(length)")
            case ..<34: #expect(result == .truncated(.ipv4), "length \(length)")
            case ..<54: #expect(result == .truncated(.tcp), "length \(length)")
            default: #expect(result == nil, "length \(length)")
            }
        }
    }

    @Test func everyPrefixOfAVLANIPv6Frame() {
        let frame = Frames.ethernet(etherType: 0x8100, Frames.vlanTag(id: 7, etherType: 0x86DD) + Frames.ipv6Data)
        for length in 0...frame.count {
            let result = failure(Array(frame[..<length]), .ethernet)
            switch length {
            case ..<14: #expect(result == .truncated(.link), "length \(length)")
            case ..<18: #expect(result == .truncated(.vlan), "length \(length)")
            case ..<58: #expect(result == .truncated(.ipv6), "length \(length)")
            case ..<78: #expect(result == .truncated(.tcp), "length \(length)")
            default: #expect(result == nil, "length \(length)")
            }
        }
    }

    @Test(arguments: [LinkType.linuxSLL, .linuxSLL2, .null, .loop, .raw])
    func emptyFramesAreTruncatedLinkHeaders(linkType: LinkType) {
        #expect(failure([], linkType) == .truncated(.link))
    }

    @Test func randomBytesNeverTrap() {
        var generator = SeededGenerator(seed: 42)
        let linkTypes: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .null, .loop, .raw, .ipv4, .ipv6]
        for round in 0..<20_000 {
            var bytes = (0..<Int(generator.next() % 120)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Make half of them look like IP so the deeper layers are reached.
            if round % 2 == 0, !bytes.isEmpty { bytes[0] = round % 4 == 0 ? 0x45 : 0x60 }
            _ = failure(bytes, linkTypes[round % linkTypes.count])
        }
    }
}
