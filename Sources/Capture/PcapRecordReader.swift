/// Reads classic pcap files: a 24-byte file header, then records of a
/// 16-byte header and the captured bytes. Handles both byte orders,
/// microsecond and nanosecond magics, and Kuznetzov's patched format
/// (24-byte record headers).
final class PcapRecordReader {
    enum Magic {
        static let microseconds: UInt32 = 0xA1B2_C3D4
        static let nanoseconds: UInt32 = 0xA1B2_3C4D
        static let kuznetzov: UInt32 = 0xA1B2_CD34
    }
    enum FileHeader {
        static let length = 24
        static let linkType = 20
    }
    enum RecordHeader {
        static let seconds = 0
        static let fraction = 4
        static let capturedLength = 8
        static let originalLength = 12
    }
    /// libpcap's own ceiling for a record (MAXIMUM_SNAPLEN): anything larger
    /// is a damaged length field, not a packet.
    static let maximumRecordLength = 262_144

    private let stream: ByteStream
    private let order: FileByteOrder
    private let fractionIsNanoseconds: Bool
    private let recordHeaderLength: Int
    let linkType: UInt32

    /// Recognises the magic in `first4`; nil if it is not classic pcap.
    static func byteOrder(ofMagic first4: UnsafeRawBufferPointer) -> (FileByteOrder, UInt32)? {
        for order in [FileByteOrder(isLittleEndian: true), FileByteOrder(isLittleEndian: false)] {
            let magic = order.u32(first4, 0)
            if magic == Magic.microseconds || magic == Magic.nanoseconds || magic == Magic.kuznetzov {
                return (order, magic)
            }
        }
        return nil
    }

    init(stream: ByteStream, order: FileByteOrder, magic: UInt32) throws(CaptureError) {
        guard try stream.fill(FileHeader.length) else {
            throw .notACapture(path: stream.path, reason: "the pcap file header is cut short")
        }
        let header = stream.peek(FileHeader.length)
        self.stream = stream
        self.order = order
        fractionIsNanoseconds = magic == Magic.nanoseconds
        recordHeaderLength = magic == Magic.kuznetzov ? 24 : 16
        // The upper bits carry FCS information (libpcap's LT_LINKTYPE mask).
        linkType = order.u32(header, FileHeader.linkType) & 0x03FF_FFFF
        stream.skip(FileHeader.length)
    }

    var isNanosecond: Bool { fractionIsNanoseconds }
    /// Records whose timestamp fraction was a second or more, carried into the seconds.
    private(set) var carriedFractions = 0

    /// The next record, or nil at a clean end of file.
    func next(packetsRead: Int) throws(CaptureError) -> CapturedPacket? {
        guard try stream.fill(recordHeaderLength) else {
            if stream.available == 0 { return nil }
            throw .truncated(path: stream.path, offset: stream.offset, packetsRead: packetsRead)
        }
        let header = stream.peek(recordHeaderLength)
        let capturedLength = Int(order.u32(header, RecordHeader.capturedLength))
        guard capturedLength <= Self.maximumRecordLength else {
            throw .corrupt(path: stream.path, offset: stream.offset,
                           reason: "record claims \(capturedLength) captured bytes, more than \(Self.maximumRecordLength)",
                           packetsRead: packetsRead)
        }
        let fraction = Int64(order.u32(header, RecordHeader.fraction))
        var nanoseconds = fractionIsNanoseconds ? fraction : fraction * 1000
        var seconds = Int64(order.u32(header, RecordHeader.seconds))
        if nanoseconds >= 1_000_000_000 {
            // A fraction of a second or more: carried into the seconds and
            // counted, as tcpdump and tshark read on past it.
            seconds += nanoseconds / 1_000_000_000
            nanoseconds %= 1_000_000_000
            carriedFractions += 1
        }
        let originalLength = Int(order.u32(header, RecordHeader.originalLength))
        guard try stream.fill(recordHeaderLength + capturedLength) else {
            throw .truncated(path: stream.path, offset: stream.offset, packetsRead: packetsRead)
        }
        let bytes = UnsafeRawBufferPointer(rebasing: stream.peek(recordHeaderLength + capturedLength)[recordHeaderLength...])
        stream.skip(recordHeaderLength + capturedLength)
        return CapturedPacket(seconds: seconds, nanoseconds: nanoseconds, linkType: linkType,
                              bytes: bytes, originalLength: originalLength)
    }
}
