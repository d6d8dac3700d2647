#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A saved capture, pcap or pcapng, read sequentially from a path or from
/// standard input (`-`), so `tcpdump -w - | handshake -r -` works.
///
/// Packets come back one at a time from `nextPacket()`; each one's bytes are
/// valid until the next call. On damage the error says where, and every
/// packet before it has already been handed out.
public final class CaptureFile {
    /// The on-disk format.
    public enum Format: Equatable, Sendable {
        case pcap(nanosecond: Bool)
        case pcapng
    }

    private enum Reader {
        case pcap(PcapRecordReader)
        case pcapng(PcapngBlockReader)
    }

    public let path: String
    public let format: Format
    /// Packets handed out so far.
    @exclusivity(unchecked) public private(set) var packetsRead = 0
    private let reader: Reader
    private let stream: ByteStream

    /// Fails as opening `path` would, without opening it: so that every
    /// input of a run can be checked before the first is read, and a pipe
    /// or FIFO loses nothing to the check. Standard input (`-`) passes.
    public static func requireReadable(_ path: String) throws(CaptureError) {
        guard path != "-" else { return }
        var info = stat()
        guard stat(path, &info) == 0, access(path, R_OK) == 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        if info.st_mode & S_IFMT == S_IFDIR { throw .cannotOpen(path: path, reason: Self.directoryReason) }
    }

    private static let directoryReason = "it is a directory"

    /// Opens `path` (or standard input for `-`) and reads its file header.
    public init(path: String) throws(CaptureError) {
        self.path = path
        let stream: ByteStream
        if path == "-" {
            stream = ByteStream(fd: STDIN_FILENO, path: "standard input", closeOnDeinit: false)
        } else {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            var info = stat()
            if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                close(fd)
                throw .cannotOpen(path: path, reason: Self.directoryReason)
            }
            stream = ByteStream(fd: fd, path: path, closeOnDeinit: true)
        }
        self.stream = stream
        guard try stream.fill(4) else {
            throw .notACapture(path: stream.path, reason: stream.available == 0 ? "the file is empty" : "the file is too short")
        }
        let magic = stream.peek(4)
        if let (order, value) = PcapRecordReader.byteOrder(ofMagic: magic) {
            let pcap = try PcapRecordReader(stream: stream, order: order, magic: value)
            reader = .pcap(pcap)
            format = .pcap(nanosecond: pcap.isNanosecond)
        } else if FileByteOrder(isLittleEndian: false).u32(magic, 0) == PcapngBlockReader.BlockType.sectionHeader {
            reader = .pcapng(PcapngBlockReader(stream: stream))
            format = .pcapng
        } else {
            throw .notACapture(path: stream.path, reason: Self.guessFormat(magic))
        }
    }

    /// The link type from a classic pcap header; for pcapng each packet
    /// carries its interface's.
    public var declaredLinkType: UInt32? {
        if case .pcap(let pcap) = reader { return pcap.linkType }
        return nil
    }

    /// Records read so far whose timestamp fraction was a second or more
    /// (microseconds ≥ 1,000,000 or nanoseconds ≥ 1,000,000,000): the
    /// excess was carried into the seconds.
    public var carriedTimestampFractions: Int {
        if case .pcap(let pcap) = reader { return pcap.carriedFractions }
        return 0
    }

    /// Bytes of the file consumed so far, for progress reports.
    public var bytesRead: Int64 { stream.offset }

    /// The file's size, when it is a regular file (not a pipe).
    public var size: Int64? {
        var info = stat()
        guard path != "-", stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int64(info.st_size)
    }

    /// The next packet, or nil at the end of the file.
    public func nextPacket() throws(CaptureError) -> CapturedPacket? {
        let packet: CapturedPacket?
        switch reader {
        case .pcap(let pcap): packet = try pcap.next(packetsRead: packetsRead)
        case .pcapng(let pcapng): packet = try pcapng.next(packetsRead: packetsRead)
        }
        if packet != nil { packetsRead += 1 }
        return packet
    }

    /// A hint for the formats people most often feed a pcap reader by mistake.
    private static func guessFormat(_ magic: UnsafeRawBufferPointer) -> String {
        let hex = magic.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
        switch (magic[0], magic[1]) {
        case (0x1F, 0x8B): return "it is gzip-compressed (magic 0x\(hex)); decompress it first"
        case (0x28, 0xB5): return "it is zstd-compressed (magic 0x\(hex)); decompress it first"
        default: return "unknown magic 0x\(hex)"
        }
    }
}
