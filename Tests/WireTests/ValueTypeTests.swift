import Testing
import Wire

/// Sequence arithmetic (RFC 9293 §3.4: comparisons are modulo 2^32),
/// address text (RFC 5952) and timestamps.
struct ValueTypeTests {
    @Test func sequenceComparisonWrapsAround() {
        let nearEnd = SequenceNumber(0xFFFF_FFF0)
        let afterWrap = nearEnd + 0x20
        #expect(afterWrap.rawValue == 0x10)
        #expect(nearEnd < afterWrap)
        #expect(!(afterWrap < nearEnd))
        #expect(afterWrap - nearEnd == 0x20)
        #expect(nearEnd - afterWrap == -0x20)
    }

    @Test func segmentSequenceEndCountsSYNAndFIN() throws {
        var segment = try decode(Frames.ipv6Data, .ipv6)
        #expect(segment.sequenceEnd == SequenceNumber(3)) // 2^32-2 + 5 wraps to 3
        segment.flags.insert(.fin)
        #expect(segment.sequenceEnd == SequenceNumber(4))
    }

    @Test(arguments: [
        ("2001:db8::1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"),
        ("::1", "::1"),
        ("::", "::"),
        ("fe80::", "fe80::"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("192.0.2.33", "192.0.2.33"),
    ])
    func addressTextFollowsRFC5952(input: String, canonical: String) throws {
        let address = try #require(IPAddress(input))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
    }

    @Test(arguments: ["1.2.3", "256.1.1.1", "1:2:3:4:5:6:7:8:9", "1::2::3", "g::1", ""])
    func invalidAddressTextIsRejected(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func timestampFormatting() {
        let time = Timestamp(seconds: 1_700_000_000, nanoseconds: 1_234_567)
        #expect(time.formatted() == "1700000000.001234")
        #expect(time.formatted(fractionDigits: 9) == "1700000000.001234567")
        #expect(time.formatted(fractionDigits: 3) == "1700000000.001")
        #expect((time + 1_000_000_000) - time == 1_000_000_000)
    }
}
