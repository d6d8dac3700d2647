/// A segment's TCP options: the captured bytes, kept inline (no heap), and
/// the options the state tracker and the outputs use, parsed from them.
public struct TCPOptions: Equatable, Sendable {
    enum Kind {
        static let endOfList: UInt8 = 0
        static let noOperation: UInt8 = 1
        static let maximumSegmentSize: UInt8 = 2
        static let windowScale: UInt8 = 3
        static let sackPermitted: UInt8 = 4
        static let sack: UInt8 = 5
        static let timestamps: UInt8 = 8
    }

    /// Whether every option byte was read and made sense.
    public enum Status: Equatable, Sendable {
        case complete
        /// The capture's snaplen cut the options off.
        case truncated
        /// An option's length byte was below 2 or ran past the header; the
        /// options before it were kept.
        case malformed
    }

    /// A SACK block: the receiver holds [left, right).
    public struct SACKBlock: Equatable, Sendable {
        public var left: SequenceNumber
        public var right: SequenceNumber
    }

    /// TSval and TSecr (RFC 7323).
    public struct Timestamps: Equatable, Sendable {
        public var value: UInt32
        public var echoReply: UInt32
    }

    /// The option bytes as captured (a header holds at most 40), parsed
    /// when read: the tracker reads only a SYN's window scale, so parsing
    /// every segment's options up front was work nearly always thrown away.
    private var bytes = InlineArray<40, UInt8>(repeating: 0)
    private var byteCount: UInt8 = 0
    /// Whether the capture's snaplen cut the options off.
    private var cutShort = false

    public init() {}

    /// Replaces the options with the first `count` (at most 40) bytes of
    /// `bytes`, the header after its first 20 bytes, in place. When `bytes` holds 40 or more (the options and
    /// what follows them), all 40 are copied: a fixed-size copy is a few
    /// moves, where copying exactly `count` bytes was a call to memcpy.
    mutating func load(_ bytes: UnsafeRawBufferPointer, count: Int, cutShort: Bool) {
        let count = min(count, 40)
        withUnsafeMutableBytes(of: &self.bytes) { storage in
            if bytes.count >= 40 {
                storage.storeBytes(of: bytes.loadUnaligned(as: (UInt64, UInt64, UInt64, UInt64, UInt64).self),
                                   as: (UInt64, UInt64, UInt64, UInt64, UInt64).self)
            } else {
                storage.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[..<count]))
            }
        }
        byteCount = UInt8(count)
        self.cutShort = cutShort
    }

    public var maximumSegmentSize: UInt16? { parsed.maximumSegmentSize }
    public var windowScale: UInt8? { parsed.windowScale }
    public var sackPermitted: Bool { parsed.sackPermitted }
    public var timestamps: Timestamps? { parsed.timestamps }
    public var status: Status { parsed.status }
    /// How many SACK blocks the header carried (at most 4).
    public var sackBlockCount: Int { parsed.sackBlocks.count }
    /// The SACK blocks in header order.
    public var sackBlocks: [SACKBlock] { parsed.sackBlocks }

    /// Every option read at once, for a reader that wants several.
    public var parsed: Parsed {
        withUnsafeBytes(of: bytes) { Parsed(UnsafeRawBufferPointer(rebasing: $0[..<Int(byteCount)]), cutShort: cutShort) }
    }

    /// The options the outputs and the tracker use, as plain values.
    public struct Parsed: Equatable, Sendable {
        public var maximumSegmentSize: UInt16?
        public var windowScale: UInt8?
        public var sackPermitted = false
        public var timestamps: Timestamps?
        public var status = Status.complete
        public var sackBlocks: [SACKBlock] = []

        init(_ bytes: UnsafeRawBufferPointer, cutShort: Bool) {
            var offset = 0
            while offset < bytes.count {
                let kind = bytes.u8(offset)
                if kind == Kind.endOfList { break }
                if kind == Kind.noOperation {
                    offset += 1
                    continue
                }
                guard offset + 1 < bytes.count else {
                    status = cutShort ? .truncated : .malformed
                    return
                }
                let length = Int(bytes.u8(offset + 1))
                guard length >= 2 else {
                    status = .malformed
                    return
                }
                guard offset + length <= bytes.count else {
                    status = cutShort ? .truncated : .malformed
                    return
                }
                let value = UnsafeRawBufferPointer(rebasing: bytes[(offset + 2)..<(offset + length)])
                switch (kind, length) {
                case (Kind.maximumSegmentSize, 4): maximumSegmentSize = value.u16(0)
                case (Kind.windowScale, 3): windowScale = value.u8(0)
                case (Kind.sackPermitted, 2): sackPermitted = true
                case (Kind.timestamps, 10): timestamps = Timestamps(value: value.u32(0), echoReply: value.u32(4))
                case (Kind.sack, _) where (length - 2) % 8 == 0:
                    // A header has room for at most four blocks.
                    for index in 0..<min((length - 2) / 8, 4) {
                        sackBlocks.append(SACKBlock(left: SequenceNumber(value.u32(index * 8)),
                                                    right: SequenceNumber(value.u32(index * 8 + 4))))
                    }
                default: break
                }
                offset += length
            }
        }
    }

    /// Equal when they say the same: the same options, however laid out.
    public static func == (lhs: TCPOptions, rhs: TCPOptions) -> Bool { lhs.parsed == rhs.parsed }
}
