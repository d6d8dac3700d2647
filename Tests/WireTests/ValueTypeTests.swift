import Testing
import Wire

/// Sequence arithmetic (RFC 9293 §3.4: comparisons are modulo 2^32),
/// address text (RFC 5952) and timestamps.
struct ValueTypeTests {
    @Test func sequenceComparisonWrapsAround() {
        let nearEnd = SequenceNumber(0xFFFF_FFF0)
        let afterWrap = nearEnd + 0x20
        #expect(afterWrap.rawValue == 0x10)
        #expect(nearEnd.isBefore(afterWrap))
        #expect(!afterWrap.isBefore(nearEnd))
        #expect(nearEnd.isAtOrBefore(afterWrap))
        #expect(afterWrap.isAtOrBefore(afterWrap))
        #expect(!afterWrap.isBefore(afterWrap))
        #expect(!afterWrap.isAtOrBefore(nearEnd))
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
        // IPv4-mapped (RFC 5952 §5): before, printed ::ffff:a00:1 and not parsed from this text.
        ("::ffff:10.0.0.1", "::ffff:10.0.0.1"),
        ("::FFFF:a00:1", "::ffff:10.0.0.1"),
        ("0:0:0:0:0:ffff:192.0.2.128", "::ffff:192.0.2.128"),
        // Other embedded IPv4 forms are read, and printed as RFC 5952 says, in hex.
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
    ])
    func addressTextFollowsRFC5952(input: String, canonical: String) throws {
        let address = try #require(IPAddress(input))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
    }

    @Test(arguments: ["1.2.3", "256.1.1.1", "1:2:3:4:5:6:7:8:9", "1::2::3", "g::1", "", "::ffff:10.0.0",
                      "::ffff:10.0.0.1.2", "1:2:3:4:5:6:7:10.0.0.1"])
    func invalidAddressTextIsRejected(input: String) {
        #expect(IPAddress(input) == nil)
    }

    /// Before: seconds past 2262 (or before 1677) wrapped around to the other end.
    @Test func timestampsSaturateInsteadOfWrapping() {
        #expect(Timestamp(seconds: 1_700_000_000, nanoseconds: 5).nanosecondsSinceEpoch == 1_700_000_000_000_000_005)
        #expect(Timestamp(seconds: 9_223_372_037, nanoseconds: 0).nanosecondsSinceEpoch == .max)
        #expect(Timestamp(seconds: 9_223_372_036, nanoseconds: 999_999_999).nanosecondsSinceEpoch == .max)
        #expect(Timestamp(seconds: Int64(UInt32.max) << 31, nanoseconds: 0).nanosecondsSinceEpoch == .max)
        #expect(Timestamp(seconds: -9_223_372_037, nanoseconds: 0).nanosecondsSinceEpoch == .min)
        #expect(Timestamp(seconds: -1, nanoseconds: 0).nanosecondsSinceEpoch == -1_000_000_000)
    }

    @Test func timestampFormatting() {
        let time = Timestamp(seconds: 1_700_000_000, nanoseconds: 1_234_567)
        #expect(time.formatted() == "1700000000.001234")
        #expect(time.formatted(fractionDigits: 9) == "1700000000.001234567")
        #expect(time.formatted(fractionDigits: 3) == "1700000000.001")
        #expect((time + 1_000_000_000) - time == 1_000_000_000)
    }

    /// Negative values (durations across time running backwards, times
    /// before the epoch) and the extremes format without trapping.
    @Test(arguments: [
        (Int64(-5_000_000), 6, "-0.005000"),
        (-1_500_000_000, 9, "-1.500000000"),
        (0, 6, "0.000000"),
        (7, 0, "0."),
        (.max, 9, "9223372036.854775807"),
        (.min, 9, "-9223372036.854775808"),
    ])
    func timestampFormattingAtTheEdges(nanoseconds: Int64, digits: Int, expected: String) {
        #expect(Timestamp(nanosecondsSinceEpoch: nanoseconds).formatted(fractionDigits: digits) == expected)
    }

    @Test func decimalDigitsInPlace() {
        var bytes: [UInt8] = []
        bytes.writeDecimal(0)
        bytes.append(UInt8(ascii: " "))
        bytes.writeDecimal(-42)
        bytes.append(UInt8(ascii: " "))
        bytes.writeDecimal(UInt64.max)
        bytes.append(UInt8(ascii: " "))
        bytes.writeDecimal(7, minimumDigits: 3)
        bytes.append(UInt8(ascii: " "))
        bytes.writeDecimal(0, minimumDigits: 0)
        bytes.writeDecimal(Int.min)
        #expect(String(decoding: bytes, as: UTF8.self) == "0 -42 18446744073709551615 007 -9223372036854775808")
    }
}

/// A segment is copied several times on its way to the tracker: at 128
/// bytes the copies are inline moves (at 160 they were memmove calls).
struct SegmentSizeTests {
    @Test func aSegmentTakes128Bytes() {
        print("TCPSegment size \(MemoryLayout<TCPSegment>.size) stride \(MemoryLayout<TCPSegment>.stride)")
        #expect(MemoryLayout<TCPSegment>.stride == 128)
    }
}
