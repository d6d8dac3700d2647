/// The TCP options the state tracker and the outputs use, parsed into plain
/// values (no heap: at most four SACK blocks fit in a header).
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
        static let zero = SACKBlock(left: SequenceNumber(0), right: SequenceNumber(0))
    }

    /// TSval and TSecr (RFC 7323).
    public struct Timestamps: Equatable, Sendable {
        public var value: UInt32
        public var echoReply: UInt32
    }

    public var maximumSegmentSize: UInt16?
    public var windowScale: UInt8?
    public var sackPermitted = false
    public var timestamps: Timestamps?
    public var status = Status.complete
    /// How many SACK blocks the header carried (at most 4).
    public var sackBlockCount: Int { Int(storedSACKBlockCount) }
    // One byte, not eight: options ride in every segment, which must stay
    // small enough to copy inline (see TCPSegment).
    private var storedSACKBlockCount: UInt8 = 0
    private var sackStorage = InlineArray<4, SACKBlock>(repeating: .zero)

    public init() {}

    /// Parses option bytes (the header after its first 20 bytes).
    public init(parsing bytes: UnsafeRawBufferPointer, cutShort: Bool) {
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
                for index in 0..<min((length - 2) / 8, 4) {
                    appendSACK(SACKBlock(left: SequenceNumber(value.u32(index * 8)),
                                         right: SequenceNumber(value.u32(index * 8 + 4))))
                }
            default: break
            }
            offset += length
        }
    }

    /// The SACK blocks in header order.
    public var sackBlocks: [SACKBlock] {
        (0..<sackBlockCount).map { sackStorage[$0] }
    }

    private mutating func appendSACK(_ block: SACKBlock) {
        sackStorage[sackBlockCount] = block
        storedSACKBlockCount += 1
    }

    public static func == (lhs: TCPOptions, rhs: TCPOptions) -> Bool {
        lhs.maximumSegmentSize == rhs.maximumSegmentSize && lhs.windowScale == rhs.windowScale
            && lhs.sackPermitted == rhs.sackPermitted && lhs.timestamps == rhs.timestamps
            && lhs.status == rhs.status && lhs.sackBlocks == rhs.sackBlocks
    }
}
