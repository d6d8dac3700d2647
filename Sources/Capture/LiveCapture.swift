import CPcap

/// A live capture on one interface (`any` included), opened with
/// `pcap_create` and `pcap_activate` so every option is set before the
/// socket starts.
///
/// Stopping: `breakLoop()` (safe from a signal handler) makes
/// `nextPacket()` return nil once; `drain` then reads what the kernel's
/// ring still holds without blocking, so packets captured in the last
/// moments are not lost.
public final class LiveCapture {
    /// How the capture is opened; the defaults suit watching handshakes.
    public struct Options: Sendable {
        /// Bytes kept of each packet. Immediate mode sizes every ring slot
        /// for this, so a small snaplen holds many more packets in the buffer.
        public var snapLength: Int32 = 262_144
        public var promiscuous = true
        /// Deliver each packet as it arrives rather than when a ring block fills.
        public var immediate = true
        /// The kernel buffer in bytes; libpcap's default is 2 MiB.
        public var bufferSize: Int32? = nil
        /// How long a read may wait when not in immediate mode, in milliseconds.
        public var timeoutMilliseconds: Int32 = 100

        public init() {}
    }

    /// libpcap's counters (`pcap_stats`).
    public struct Statistics: Equatable, Sendable {
        public var received: UInt32
        public var droppedByKernel: UInt32
        public var droppedByInterface: UInt32
    }

    public let interface: String
    public let linkType: UInt32
    /// What `pcap_activate` warned about (promiscuous mode unsupported, …).
    public let warnings: [String]
    private let handle: OpaquePointer

    public init(interface: String, options: Options = Options()) throws(CaptureError) {
        self.interface = interface
        var errbuf = PcapErrorBuffer()
        guard let handle = pcap_create(interface, &errbuf.bytes) else {
            throw .liveCaptureFailed(interface: interface, reason: errbuf.text)
        }
        pcap_set_snaplen(handle, options.snapLength)
        pcap_set_promisc(handle, options.promiscuous ? 1 : 0)
        pcap_set_timeout(handle, options.timeoutMilliseconds)
        pcap_set_immediate_mode(handle, options.immediate ? 1 : 0)
        if let size = options.bufferSize { pcap_set_buffer_size(handle, size) }
        // Nanosecond stamps where the kernel has them; microseconds otherwise.
        _ = pcap_set_tstamp_precision(handle, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let status = pcap_activate(handle)
        var warnings: [String] = []
        if status < 0 {
            let message = String(cString: pcap_geterr(handle))
            let reason = message.isEmpty ? String(cString: pcap_statustostr(status)) : message
            pcap_close(handle)
            switch status {
            case PCAP_ERROR_NO_SUCH_DEVICE: throw .noSuchInterface(name: interface, reason: reason)
            case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
                throw .permissionDenied(interface: interface, reason: reason)
            default: throw .liveCaptureFailed(interface: interface, reason: reason)
            }
        } else if status > 0 {
            let message = String(cString: pcap_geterr(handle))
            warnings.append(message.isEmpty ? String(cString: pcap_statustostr(status)) : message)
        }
        self.handle = handle
        self.warnings = warnings
        linkType = UInt32(bitPattern: pcap_datalink(handle))
        nanosecond = pcap_get_tstamp_precision(handle) == Int32(PCAP_TSTAMP_PRECISION_NANO)
    }

    private let nanosecond: Bool

    deinit {
        pcap_close(handle)
    }

    /// Applies a BPF filter in the kernel.
    public func setFilter(_ expression: String) throws(CaptureError) {
        var program = bpf_program()
        guard pcap_compile(handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw .badFilter(expression: expression, reason: String(cString: pcap_geterr(handle)))
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            throw .badFilter(expression: expression, reason: String(cString: pcap_geterr(handle)))
        }
    }

    /// The next packet; nil when the read timed out with nothing or after
    /// `breakLoop()` (check your stop flag). Bytes are valid until the next call.
    public func nextPacket() throws(CaptureError) -> CapturedPacket? {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        switch pcap_next_ex(handle, &header, &data) {
        case 1:
            guard let header, let data else { return nil }
            let fraction = Int64(header.pointee.ts.tv_usec)
            return CapturedPacket(
                seconds: Int64(header.pointee.ts.tv_sec),
                nanoseconds: nanosecond ? fraction : fraction * 1000,
                linkType: linkType,
                bytes: UnsafeRawBufferPointer(start: data, count: Int(header.pointee.caplen)),
                originalLength: Int(header.pointee.len))
        case 0, PCAP_ERROR_BREAK:
            return nil
        default:
            throw .interfaceFailed(interface: interface, reason: String(cString: pcap_geterr(handle)))
        }
    }

    /// Switches to non-blocking reads: `nextPacket()` then returns nil as
    /// soon as the kernel has nothing more, which is how a stop drains.
    public func stopBlocking() {
        var errbuf = PcapErrorBuffer()
        _ = pcap_setnonblock(handle, 1, &errbuf.bytes)
    }

    /// Makes a blocked `nextPacket()` return. Async-signal-safe in libpcap ≥ 1.10.
    public func breakLoop() {
        pcap_breakloop(handle)
    }

    public func statistics() -> Statistics? {
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else { return nil }
        return Statistics(received: stats.ps_recv, droppedByKernel: stats.ps_drop, droppedByInterface: stats.ps_ifdrop)
    }
}
