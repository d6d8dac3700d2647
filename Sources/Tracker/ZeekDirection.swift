import Wire

/// What Zeek keeps of one endpoint's direction of a connection besides its
/// state: packet and IP-byte counts (the ConnSize analyzer), the sequence
/// numbers its `orig_bytes`/`resp_bytes` come from (`TCP_Endpoint::Size`),
/// whether it closed (`did_close`), and the data reassembly has seen, whose
/// holes the peer's acknowledgments turn into content gaps (`missed_bytes`).
///
/// Sequence numbers are kept relative to the endpoint's start, 64 bits
/// wide, so a connection past 4 GiB keeps counting.
struct ZeekDirection {
    // Ordered widest first, with no optionals: a session holds two of these
    // and every packet reads them (80 bytes each; 96 with optionals).
    var packets = 0
    var ipBytes = 0
    /// Bytes of content gaps in this direction.
    var missedBytes = 0
    /// One past the highest sequence number sent, and the highest the peer acknowledged, relative to `start`.
    private var last: Int64 = 0
    private var acknowledged: Int64 = 0
    /// Where the last FIN is, relative to `start`; meaningful once `finCount` > 0.
    private var finPosition: Int64 = 0
    /// Data seen in order up to here, relative to `start` (1 is the first data byte).
    private var delivered: Int64 = 1
    /// Data seen beyond a hole: ranges, relative to `start`, until the hole fills or is acknowledged.
    private var aheadOfHole: [Range<Int64>] = []
    /// The initial sequence number (a SYN's, or one before a partial
    /// connection's first); meaningful once `isInitialized`.
    private var start = SequenceNumber(0)
    private(set) var finCount: UInt32 = 0
    var didClose = false
    private(set) var isInitialized = false

    /// Zeek's `TOO_LARGE_SEQ_DELTA`: a SYN or RST this far off is not believed.
    static let tooLargeDelta: Int64 = 1_048_576

    /// `sequence` relative to the start, by the 32-bit distance from the last known position.
    func relative(_ sequence: SequenceNumber) -> Int64 {
        guard isInitialized else { return 0 }
        let base = start + UInt32(truncatingIfNeeded: last)
        return last + Int64(Int32(bitPattern: sequence.rawValue &- base.rawValue))
    }

    /// Zeek's `init_endpoint` for an endpoint's first segment.
    mutating func begin(_ segment: TCPSegment, sequenceLength: Int64) {
        let isSYN = segment.flags.contains(.syn)
        start = isSYN ? segment.sequence : segment.sequence + UInt32.max
        isInitialized = true
        last = isSYN ? sequenceLength : 1
        acknowledged = 0
    }

    /// Zeek's `init_peer`: an acknowledgment from the peer of an endpoint
    /// not yet heard from starts its numbering as if a SYN had been seen.
    mutating func begin(acknowledgedBy acknowledgment: SequenceNumber) {
        start = acknowledgment + UInt32.max
        isInitialized = true
        last = 0
        acknowledged = 0
    }

    /// Zeek's `update_last_seq`; true when the segment advanced the
    /// sequence (false for payload sent again, Zeek's `DidRxmit`).
    mutating func advance(to end: Int64, flags: TCPFlags, isReset: Bool) -> Bool {
        let delta = end - last
        if flags.contains(.syn) || flags.contains(.rst), abs(delta) > Self.tooLargeDelta { return true }
        if flags.contains(.fin), last == 1 {
            last = end
            return true
        }
        if isReset { return true }
        guard delta > 0 else { return false }
        last = end
        return true
    }

    /// Zeek's `update_ack_seq`: the peer acknowledged up to `position`.
    mutating func acknowledge(upTo position: Int64) {
        if position > acknowledged { acknowledged = position }
    }

    mutating func noteFIN(at position: Int64) {
        finCount &+= 1
        finPosition = position
    }

    /// Data from `position` for `length` bytes reached the reassembler.
    mutating func deliver(from position: Int64, length: Int) {
        let end = position + Int64(length)
        guard end > delivered else { return }
        guard position <= delivered else {
            aheadOfHole.append(position..<end)
            return
        }
        delivered = end
        absorbRangesAhead()
    }

    /// The peer acknowledged up to `position`: what of it was never seen
    /// is a gap (Zeek's `AckReceived`); the FIN's own octet is not data.
    /// Returns the bytes missed.
    mutating func acknowledgmentRevealsGap(upTo position: Int64) -> Int {
        var position = position
        if finCount > 0, position >= finPosition { position = finPosition - 1 }
        guard position > delivered else { return 0 }
        var missing = position - delivered
        for range in aheadOfHole where range.lowerBound < position {
            missing -= max(0, min(range.upperBound, position) - max(range.lowerBound, delivered))
        }
        delivered = position
        absorbRangesAhead()
        return Int(max(0, missing))
    }

    private mutating func absorbRangesAhead() {
        guard !aheadOfHole.isEmpty else { return }
        var moved = true
        while moved {
            moved = false
            for range in aheadOfHole where range.lowerBound <= delivered && range.upperBound > delivered {
                delivered = range.upperBound
                moved = true
            }
        }
        aheadOfHole.removeAll { $0.upperBound <= delivered }
    }

    /// Zeek's `TCP_Endpoint::Size`: the sequence space sent, without the SYN and FIN octets.
    var size: Int {
        var size = max(last, acknowledged)
        if size != 0 { size -= 1 }
        if finCount > 0, size != 0 { size -= 1 }
        return Int(max(0, size))
    }
}
