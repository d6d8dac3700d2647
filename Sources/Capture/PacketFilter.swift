import CPcap

/// A BPF filter expression compiled by libpcap, applied to packets from
/// files. pcapng files can mix link types, and a BPF program is compiled for
/// one, so the filter keeps a program per link type, compiled on first use.
public final class PacketFilter {
    public let expression: String
    private var programs: [(linkType: UInt32, program: bpf_program)] = []
    private var lastIndex = 0

    /// Compiles `expression` for `linkType` now, so a bad filter fails before any packet is read.
    public init(expression: String, linkType: UInt32) throws(CaptureError) {
        self.expression = expression
        _ = try programIndex(for: linkType)
    }

    deinit {
        for index in programs.indices { pcap_freecode(&programs[index].program) }
    }

    /// Whether the packet passes the filter.
    public func matches(_ packet: CapturedPacket) throws(CaptureError) -> Bool {
        let index = programs[lastIndex].linkType == packet.linkType ? lastIndex : try programIndex(for: packet.linkType)
        lastIndex = index
        var header = pcap_pkthdr()
        header.caplen = bpf_u_int32(packet.bytes.count)
        header.len = bpf_u_int32(clamping: packet.originalLength)
        guard let base = packet.bytes.baseAddress else { return false }
        return withUnsafePointer(to: &programs[index].program) { program in
            pcap_offline_filter(program, &header, base.assumingMemoryBound(to: UInt8.self)) != 0
        }
    }

    private func programIndex(for linkType: UInt32) throws(CaptureError) -> Int {
        if let index = programs.firstIndex(where: { $0.linkType == linkType }) { return index }
        guard let dead = pcap_open_dead(DataLink.dlt(forLinkType: linkType), 262_144) else {
            throw .badFilter(expression: expression, reason: "libpcap could not allocate a compiler")
        }
        defer { pcap_close(dead) }
        var program = bpf_program()
        guard pcap_compile(dead, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw .badFilter(expression: expression, reason: String(cString: pcap_geterr(dead)))
        }
        programs.append((linkType, program))
        return programs.count - 1
    }
}
