import CPcap

/// Writes packets to a pcap file (`-w`), nanosecond resolution, through
/// libpcap's own writer so every tool reads the result.
public final class PacketDumper {
    public let path: String
    public let linkType: UInt32
    private let dead: OpaquePointer
    private let dumper: OpaquePointer

    public init(path: String, linkType: UInt32, snapLength: Int32 = 262_144) throws(CaptureError) {
        guard let dead = pcap_open_dead_with_tstamp_precision(DataLink.dlt(forLinkType: linkType), snapLength,
                                                              UInt32(PCAP_TSTAMP_PRECISION_NANO)) else {
            throw .writeFailed(path: path, reason: "libpcap could not allocate a writer")
        }
        guard let dumper = pcap_dump_open(dead, path) else {
            let reason = String(cString: pcap_geterr(dead))
            pcap_close(dead)
            throw .writeFailed(path: path, reason: reason)
        }
        self.path = path
        self.linkType = linkType
        self.dead = dead
        self.dumper = dumper
    }

    deinit {
        pcap_dump_close(dumper)
        pcap_close(dead)
    }

    /// Appends a packet. A packet of another link type cannot share a pcap file.
    public func write(_ packet: CapturedPacket) throws(CaptureError) {
        guard packet.linkType == linkType else {
            throw .writeFailed(path: path, reason: "packet of link type \(DataLink.name(of: packet.linkType)) "
                + "cannot go into a file of link type \(DataLink.name(of: linkType))")
        }
        var header = pcap_pkthdr()
        header.ts.tv_sec = Int(packet.seconds)
        header.ts.tv_usec = Int(packet.nanoseconds)
        header.caplen = bpf_u_int32(packet.bytes.count)
        header.len = bpf_u_int32(clamping: packet.originalLength)
        guard let base = packet.bytes.baseAddress else { return }
        UnsafeMutableRawPointer(dumper).withMemoryRebound(to: UInt8.self, capacity: 1) { user in
            pcap_dump(user, &header, base.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Pushes buffered packets to the file; reports a full disk.
    public func flush() throws(CaptureError) {
        guard pcap_dump_flush(dumper) == 0 else {
            throw .writeFailed(path: path, reason: "flush failed (disk full?)")
        }
    }
}
