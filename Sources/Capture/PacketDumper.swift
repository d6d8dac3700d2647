import CPcap
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes packets to a pcap file (`-w`), nanosecond resolution, through
/// libpcap's own writer so every tool reads the result.
///
/// libpcap writes through stdio and reports a failed write (a full disk)
/// only when flushed, by which time part of a record may be on disk. So the
/// writer flushes every `flushInterval` bytes, remembers the size at the
/// last good flush, and on failure cuts the file back to it: the file stays
/// a valid capture of every packet up to that flush.
public final class PacketDumper {
    public let path: String
    public let linkType: UInt32
    /// What the file's header declares: no packet is written longer (a
    /// longer one made a file no reader accepts).
    public let snapLength: Int32
    private let dead: OpaquePointer
    private let dumper: OpaquePointer
    /// Bytes handed to libpcap so far (file header included), and at the last good flush.
    private var bytesWritten: Int64 = 24
    private var bytesFlushed: Int64 = 0
    private var failure: CaptureError?
    static let flushInterval: Int64 = 64 << 10

    public init(path: String, linkType: UInt32, snapLength: Int32 = 262_144) throws(CaptureError) {
        guard let dead = pcap_open_dead_with_tstamp_precision(DataLink.dlt(forLinkType: linkType), snapLength,
                                                              UInt32(PCAP_TSTAMP_PRECISION_NANO)) else {
            throw .writeFailed(path: path, reason: "libpcap could not allocate a writer")
        }
        guard let dumper = pcap_dump_open(dead, path) else {
            // libpcap's words start with the path ("x.pcap: No such file…"), which the error already names.
            var reason = String(cString: pcap_geterr(dead))
            if reason.hasPrefix(path + ": ") { reason.removeFirst(path.count + 2) }
            pcap_close(dead)
            throw .writeFailed(path: path, reason: reason)
        }
        self.path = path
        self.linkType = linkType
        self.snapLength = snapLength
        self.dead = dead
        self.dumper = dumper
        try flush()
    }

    deinit {
        pcap_dump_close(dumper)
        pcap_close(dead)
    }

    /// Appends a packet. A packet of another link type cannot share a pcap file.
    public func write(_ packet: CapturedPacket) throws(CaptureError) {
        if let failure { throw failure }
        guard packet.linkType == linkType else {
            throw .writeFailed(path: path, reason: "packet of link type \(DataLink.name(of: packet.linkType)) "
                + "cannot go into a file of link type \(DataLink.name(of: linkType))")
        }
        var header = pcap_pkthdr()
        header.ts.tv_sec = Int(packet.seconds)
        header.ts.tv_usec = Int(packet.nanoseconds)
        // Cut to the declared snapshot length, the original length kept, as
        // libpcap does for a packet longer than the capture's snaplen.
        let kept = min(packet.bytes.count, Int(snapLength))
        header.caplen = bpf_u_int32(kept)
        header.len = bpf_u_int32(clamping: max(packet.originalLength, packet.bytes.count))
        guard let base = packet.bytes.baseAddress else { return }
        UnsafeMutableRawPointer(dumper).withMemoryRebound(to: UInt8.self, capacity: 1) { user in
            pcap_dump(user, &header, base.assumingMemoryBound(to: UInt8.self))
        }
        bytesWritten += 16 + Int64(kept)
        if bytesWritten - bytesFlushed >= Self.flushInterval { try flush() }
    }

    /// Pushes buffered packets to the file. On a failed write (a full disk)
    /// the file is cut back to the last good flush, and the error says so.
    public func flush() throws(CaptureError) {
        if let failure { throw failure }
        // pcap_dump_flush checks only fflush; a write that failed earlier,
        // inside fwrite, shows only in the stream's error flag.
        guard pcap_dump_flush(dumper) == 0, ferror(pcap_dump_file(dumper)) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = truncate(path, off_t(bytesFlushed))
            let error = CaptureError.writeFailed(
                path: path, reason: "\(reason); the file keeps the \(bytesFlushed) bytes written before")
            failure = error
            throw error
        }
        bytesFlushed = bytesWritten
    }
}
