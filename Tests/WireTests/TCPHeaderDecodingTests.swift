import Testing
@testable import Wire

/// TCP header and options (RFC 9293 §3.1, RFC 7323 timestamps and window
/// scale, RFC 2018 SACK, RFC 3168 ECE/CWR, RFC 3540 NS).
struct TCPHeaderDecodingTests {
    @Test func synFieldsAndOptions() throws {
        let segment = try decode(Frames.ipv4SYN, .ipv4)
        #expect(segment.source.port == 51514)
        #expect(segment.destination.port == 80)
        #expect(segment.sequence == SequenceNumber(1000))
        #expect(segment.acknowledgment == SequenceNumber(0))
        #expect(segment.flags == .syn)
        #expect(segment.window == 64240)
        #expect(segment.payloadLength == 0)
        #expect(segment.sequenceLength == 1)
        #expect(segment.options.maximumSegmentSize == 1460)
        #expect(segment.options.sackPermitted)
        #expect(segment.options.timestamps == TCPOptions.Timestamps(value: 7, echoReply: 0))
        #expect(segment.options.windowScale == 7)
        #expect(segment.options.status == .complete)
    }

    @Test func allNineFlags() throws {
        let frame = Frames.ipv4SYN.setting(32, to: 0xA1).setting(33, to: 0xFF)
        let flags = try decode(frame, .ipv4).flags
        #expect(flags == [.fin, .syn, .rst, .psh, .ack, .urg, .ece, .cwr, .ns])
        #expect(flags.tcpdumpNotation == "SFPRUWEN.")
    }

    @Test func sackBlocks() throws {
        var frame = Frames.ipv4SYN
        // Replace the 20 option bytes: NOP NOP, SACK with two blocks (18 bytes).
        let sack: [UInt8] = [0x01, 0x01, 0x05, 0x12, 0, 0, 0, 10, 0, 0, 0, 20, 0xFF, 0xFF, 0xFF, 0xF0, 0, 0, 0, 5]
        frame.replaceSubrange(40..<60, with: sack)
        let options = try decode(frame, .ipv4).options
        #expect(options.sackBlockCount == 2)
        #expect(options.sackBlocks == [
            TCPOptions.SACKBlock(left: SequenceNumber(10), right: SequenceNumber(20)),
            TCPOptions.SACKBlock(left: SequenceNumber(0xFFFF_FFF0), right: SequenceNumber(5)),
        ])
        #expect(options.maximumSegmentSize == nil)
    }

    @Test func dataOffsetBelowFiveWordsIsMalformed() {
        #expect(failure(Frames.ipv4SYN.setting(32, to: 0x40), .ipv4) == .malformed(.tcp, .dataOffsetTooSmall))
    }

    @Test func dataOffsetBeyondTheSegmentIsMalformed() {
        // Offset 15 words (60 bytes) in a 40-byte segment.
        #expect(failure(Frames.ipv4SYN.setting(32, to: 0xF0), .ipv4) == .malformed(.tcp, .headerLengthBeyondPacket))
    }

    @Test func optionRunningPastTheHeaderKeepsTheSegment() throws {
        // The window-scale option's length says 9 where 2 bytes remain.
        let segment = try decode(Frames.ipv4SYN.setting(58, to: 9), .ipv4)
        #expect(segment.options.status == .malformed)
        #expect(segment.options.maximumSegmentSize == 1460)
        #expect(segment.options.windowScale == nil)
        #expect(segment.sequence == SequenceNumber(1000))
    }

    @Test func optionLengthBelowTwoIsMalformed() throws {
        let options = try decode(Frames.ipv4SYN.setting(41, to: 1), .ipv4).options
        #expect(options.status == .malformed)
        #expect(options.maximumSegmentSize == nil)
    }

    @Test func optionsCutBySnaplenAreTruncatedNotMalformed() throws {
        let options = try decode(Array(Frames.ipv4SYN[..<50]), .ipv4).options
        #expect(options.status == .truncated)
        #expect(options.maximumSegmentSize == 1460)
        #expect(options.sackPermitted)
        #expect(options.timestamps == nil)
    }

    @Test func endOfOptionListStopsParsing() throws {
        let options = try decode(Frames.ipv4SYN.setting(46, to: 0), .ipv4).options
        #expect(options.status == .complete)
        #expect(options.timestamps == nil)
        #expect(options.windowScale == nil)
    }

    @Test func optionsEndAtTheDataOffsetWhenDataFollows() throws {
        // Data offset 6: only the MSS option is header; the 16 bytes after it
        // (which look like options) and 40 more are payload. With 40 or more
        // bytes after the fixed header the decoder copies 40, so this checks
        // that the rest is not read as options.
        let frame = Frames.ipv4SYN.setting(3, to: 100).setting(32, to: 0x60) + Array(repeating: 0x01, count: 36)
            + [0x01, 0x03, 0x03, 0x09]
        let segment = try decode(frame, .ipv4)
        #expect(segment.payloadLength == 56)
        #expect(segment.options.maximumSegmentSize == 1460)
        #expect(!segment.options.sackPermitted)
        #expect(segment.options.timestamps == nil)
        #expect(segment.options.windowScale == nil)
        #expect(segment.options.status == .complete)
    }

    @Test func decodingIntoAUsedSegmentReplacesItsOptions() throws {
        var segment = TCPSegment.zero
        try decode(Frames.ipv4SYN, .ipv4, into: &segment)
        try decode(Frames.ipv6Data, .ipv6, into: &segment)
        #expect(segment.options == TCPOptions())
        #expect(segment.options.maximumSegmentSize == nil)
        #expect(segment.options.windowScale == nil)
    }
}
