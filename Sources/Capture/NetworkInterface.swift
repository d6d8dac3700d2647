import CPcap

/// A capturable interface, as `pcap_findalldevs` lists it (`-D`).
public struct NetworkInterface: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var isUp: Bool
    public var isRunning: Bool
    public var isLoopback: Bool

    /// Every interface libpcap can capture on, in its order.
    public static func all() throws(CaptureError) -> [NetworkInterface] {
        var errbuf = PcapErrorBuffer()
        var list: UnsafeMutablePointer<pcap_if_t>?
        guard pcap_findalldevs(&list, &errbuf.bytes) == 0 else {
            throw .liveCaptureFailed(interface: "(listing)", reason: errbuf.text)
        }
        defer { pcap_freealldevs(list) }
        var result: [NetworkInterface] = []
        var cursor = list
        while let device = cursor {
            let flags = device.pointee.flags
            result.append(NetworkInterface(
                name: String(cString: device.pointee.name),
                description: device.pointee.description.map { String(cString: $0) },
                isUp: flags & UInt32(PCAP_IF_UP) != 0,
                isRunning: flags & UInt32(PCAP_IF_RUNNING) != 0,
                isLoopback: flags & UInt32(PCAP_IF_LOOPBACK) != 0))
            cursor = device.pointee.next
        }
        return result
    }

    /// tcpdump -D's bracketed status, e.g. `[Up, Running, Loopback]`.
    public var statusText: String {
        var words: [String] = []
        if isUp { words.append("Up") }
        if isRunning { words.append("Running") }
        if isLoopback { words.append("Loopback") }
        return words.isEmpty ? "" : "[" + words.joined(separator: ", ") + "]"
    }
}
